import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf.js';
import { initBackend } from '../../src/engine/backend.js';
import { normalisedSparsity, imageSharpnessPenalty, SHARPNESS_EPSILON } from '../../src/solver/image_sharpness_prior.js';

/** A 16×16 image (NHWC) whose row profile is `profile` (16 values), the same on every row. */
function rows(profile: number[]): tf.Tensor4D {
  const data = new Float32Array(256);
  for (let r = 0; r < 16; r++) for (let c = 0; c < 16; c++) data[r * 16 + c] = profile[c];
  return tf.tensor4d(data, [1, 16, 16, 1]);
}

test('normalisedSparsity by hand: ‖∇x‖₁/‖∇x‖₂ of a 2×2 ramp', async () => {
  await initBackend('cpu');
  // x = [[0, 1], [0, 1]]: ∇ₓ = (1, 1), ∇ᵧ = (0, 0) → L1 = 2 + 2√ε, L2 = √2
  const x = tf.tensor4d([0, 1, 0, 1], [1, 2, 2, 1]);
  const s = normalisedSparsity(x).dataSync()[0];
  const expected = (2 + 2 * Math.sqrt(SHARPNESS_EPSILON) + 2 * Math.sqrt(1 + SHARPNESS_EPSILON) - 2) / Math.sqrt(2);
  assert.ok(Math.abs(s - expected) < 1e-5, `${s} vs ${expected}`);
  x.dispose();
});

test('normalisedSparsity is scale-invariant and rises with blur: a step edge ≈ 4, the same edge over two pixels ≈ 4√2', async () => {
  await initBackend('cpu');
  const step = rows([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
  const ramp = rows([0, 0, 0, 0, 0, 0, 0, 0.5, 1, 1, 1, 1, 1, 1, 1, 1]);
  const scaled = tf.mul(3, step) as tf.Tensor4D;
  const [sStep, sRamp, sScaled] = [step, ramp, scaled].map((x) => normalisedSparsity(x).dataSync()[0]);
  const e = SHARPNESS_EPSILON;
  // 16·15 + 15·16 = 480 differences. Step: 16 jumps of 1 (L1 = 16, L2 = 4), 464 zeros adding √ε each.
  const stepExpected = (16 * Math.sqrt(1 + e) + 464 * Math.sqrt(e)) / Math.sqrt(16 + e);
  // Ramp: 32 jumps of 0.5 (L1 = 16, L2 = √8), 448 zeros.
  const rampExpected = (32 * Math.sqrt(0.25 + e) + 448 * Math.sqrt(e)) / Math.sqrt(8 + e);
  assert.ok(Math.abs(sStep - stepExpected) < 1e-4, `step ${sStep} vs ${stepExpected}`);
  assert.ok(Math.abs(sRamp - rampExpected) < 1e-4, `ramp ${sRamp} vs ${rampExpected}`);
  assert.ok(sRamp > sStep);
  assert.ok(Math.abs(sScaled - sStep) < 0.01, `scaled ${sScaled}`);
  tf.dispose([step, ramp, scaled]);
});

test('imageSharpnessPenalty: zero at weight 0; its gradient is finite, leaks nothing and moves an edge pixel towards the nearer side', async () => {
  await initBackend('cpu');
  // middle pixel a = 0.3 between 0 and 1: L1 = 1 per row whatever a, L2² ∝ a² + (1 − a)², so S falls as a → 0
  const edge = rows([0, 0, 0, 0, 0, 0, 0, 0.3, 1, 1, 1, 1, 1, 1, 1, 1]);
  const zero = imageSharpnessPenalty(edge, 0);
  assert.equal(zero.dataSync()[0], 0);
  zero.dispose();
  const before = tf.memory().numTensors;
  const g = tf.grad((x: tf.Tensor) => imageSharpnessPenalty(x as tf.Tensor4D, 0.5))(edge);
  assert.equal(tf.memory().numTensors, before + 1, 'only the gradient is left');
  const gv = g.dataSync();
  assert.ok(gv.every(Number.isFinite));
  for (let r = 0; r < 16; r++) assert.ok(gv[r * 16 + 7] > 0, `row ${r}: ∂S/∂a = ${gv[r * 16 + 7]} (descent lowers a)`);
  tf.dispose([edge, g]);
});
