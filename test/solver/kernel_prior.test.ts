import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf.js';
import { initBackend } from '../../src/engine/backend.js';
import { kernelPriorValue, kernelPriorOnArray } from '../../src/solver/kernel_prior.js';

test('an L1 penalty on a softmax output has zero gradient; the Lp (p<1) prior does act', async () => {
  await initBackend('cpu');
  const logits = tf.tensor1d([0.3, -1.2, 2.0, 0.1, 0.7]);
  const l1 = tf.grad((l: tf.Tensor) => tf.sum(tf.abs(tf.softmax(l))))(logits);
  const lp = tf.grad((l: tf.Tensor) => kernelPriorValue(tf.softmax(l), { kind: 'lp', weight: 1, p: 0.5 }))(logits);
  const l1Max = Math.max(...Array.from(l1.dataSync()).map(Math.abs));
  const lpMax = Math.max(...Array.from(lp.dataSync()).map(Math.abs));
  assert.ok(l1Max < 1e-6, `L1 gradient ${l1Max}`);
  assert.ok(lpMax > 1e-2, `Lp gradient ${lpMax}`);
  // descending the Lp gradient concentrates the kernel: the largest tap grows
  const k0 = tf.softmax(logits).dataSync();
  const k1 = tf.softmax(tf.sub(logits, tf.mul(0.5, lp))).dataSync();
  assert.ok(Math.max(...k1) > Math.max(...k0));
  tf.dispose([logits, l1, lp]);
});

test('Lp prior on the simplex: 1 for a delta, n^(1−p) for the uniform kernel', () => {
  const prior = { kind: 'lp' as const, weight: 1, p: 0.5 };
  const delta = new Float32Array(25); delta[12] = 1;
  const uniform = new Float32Array(25).fill(1 / 25);
  assert.ok(Math.abs(kernelPriorOnArray(delta, prior) - 1) < 1e-4);
  assert.ok(Math.abs(kernelPriorOnArray(uniform, prior) - 5) < 1e-4);
});
