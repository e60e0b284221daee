import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf.js';
import { initBackend } from '../../src/engine/backend.js';
import { kernelCentringPenalty, kernelCentroidOffset } from '../../src/solver/kernel_centring.js';

const kh = 5, kw = 7;

test('centring penalty: 0 for any kernel centred in its window, the squared offset in pixels otherwise', async () => {
  await initBackend('cpu');
  const centredDelta = new Float32Array(kh * kw); centredDelta[2 * kw + 3] = 1;
  const symmetricBar = new Float32Array(kh * kw); for (let j = 0; j < kw; j++) symmetricBar[2 * kw + j] = 1 / kw;
  const shifted = new Float32Array(kh * kw); shifted[0 * kw + 1] = 1; // (−2, −2) from the centre
  const value = (k: Float32Array, w = 1) => tf.tidy(() => kernelCentringPenalty(tf.tensor2d(k, [1, kh * kw]), kh, kw, w).dataSync()[0]);
  assert.ok(Math.abs(value(centredDelta)) < 1e-9);
  assert.ok(Math.abs(value(symmetricBar)) < 1e-9);
  assert.ok(Math.abs(value(shifted) - 8) < 1e-5);
  assert.ok(Math.abs(value(shifted, 0.25) - 2) < 1e-5);
  assert.equal(value(shifted, 0), 0);
  assert.deepEqual(kernelCentroidOffset(shifted, kh, kw), [-2, -2]);
});

test('a descent step on the centring penalty moves a softmax kernel towards the window centre', async () => {
  await initBackend('cpu');
  const logits0 = new Float32Array(kh * kw).fill(0); logits0[0] = 3; logits0[1] = 2.5; // mass at the top-left
  const offsetOf = (l: Float32Array) => tf.tidy(() => kernelCentroidOffset(tf.softmax(tf.tensor1d(l)).dataSync(), kh, kw));
  const grad = tf.tidy(() => tf.grad((l: tf.Tensor) => kernelCentringPenalty(tf.softmax(l), kh, kw, 1))(tf.tensor1d(logits0)).dataSync());
  const logits1 = logits0.map((v, i) => v - 0.5 * grad[i]);
  const [dy0, dx0] = offsetOf(logits0), [dy1, dx1] = offsetOf(logits1);
  assert.ok(Math.hypot(dy1, dx1) < Math.hypot(dy0, dx0), `offset ${[dy0, dx0]} → ${[dy1, dx1]}`);
  const k = tf.softmax(tf.tensor1d(logits0));
  const before = tf.memory().numTensors;
  kernelCentringPenalty(k, kh, kw, 1).dispose();
  assert.equal(tf.memory().numTensors, before, 'only the returned scalar is left');
  k.dispose();
});
