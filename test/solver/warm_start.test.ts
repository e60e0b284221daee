import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf.js';
import { initBackend } from '../../src/engine/backend.js';
import { KernelGenerator } from '../../src/nn/kernel_generator.js';
import { Rng } from '../../src/rng.js';
import { defaultSolverOptions, validateSolverOptions } from '../../src/solver/options.js';
import { deblur } from '../../src/deblur.js';
import { kernelNcc } from '../../src/metrics/kernel_metrics.js';
import { blurImage } from '../../src/physics/convolve.js';

/** A 7×7 diagonal line kernel (Σ = 1). */
function lineKernel(): Float32Array {
  const k = new Float32Array(49);
  for (let i = 1; i < 6; i++) k[i * 7 + i] = 1 / 5;
  return k;
}

test('initialiseOutput makes G_φ(z) ≈ the given kernel for any latent, and keeps every tap reachable', async () => {
  await initBackend('cpu');
  const before = tf.memory().numTensors;
  const g = new KernelGenerator({ kernelHeight: 7, kernelWidth: 7, hiddenUnits: 32, hiddenLayers: 2 }, new Rng(1));
  const k0 = lineKernel();
  g.initialiseOutput(k0);
  const rng = new Rng(2);
  for (let trial = 0; trial < 3; trial++) {
    const out = tf.tidy(() => g.apply(tf.tensor2d(rng.normalArray(49), [1, 49])).dataSync() as Float32Array);
    const ncc = kernelNcc({ width: 7, height: 7, data: out }, { width: 7, height: 7, data: k0 });
    assert.ok(ncc > 0.99, `NCC ${ncc}`);
    assert.ok(out.every((v) => v > 0), 'zero taps of k0 must stay reachable (positive after softmax)');
  }
  assert.throws(() => g.initialiseOutput(new Float32Array(48)), /48 taps/);
  g.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test('kernelInit is validated: wrong length, negative or all-zero taps are refused', () => {
  const base = { ...defaultSolverOptions, kernelSize: [3, 3] as [number, number] };
  assert.throws(() => validateSolverOptions({ ...base, kernelInit: [1, 2] }), /9 taps/);
  assert.throws(() => validateSolverOptions({ ...base, kernelInit: [-1, 0, 0, 0, 2, 0, 0, 0, 0] }), /non-negative/);
  assert.throws(() => validateSolverOptions({ ...base, kernelInit: new Array(9).fill(0) }), /non-negative and not all zero/);
  validateSolverOptions({ ...base, kernelInit: [0, 0, 0, 0, 1, 0, 0, 0, 0] });
});

test('deblur with warmStart l0 starts from the MAP kernel, records it, and is reproducible', async () => {
  const rng = new Rng(3);
  const W = 48;
  const sharp = { width: W, height: W, channels: 1 as const, data: new Float32Array(W * W) };
  for (let r = 0; r < 10; r++) {
    const x0 = rng.int(W - 12), y0 = rng.int(W - 12), v = rng.uniform();
    for (let y = y0; y < y0 + 10; y++) for (let x = x0; x < x0 + 10; x++) sharp.data[y * W + x] = v;
  }
  const truth = { width: 7, height: 7, data: lineKernel() };
  const blurred = blurImage(sharp, truth, { mode: 'same', boundary: 'replicate' });
  const options = { preset: 'fast' as const, kernelSize: 7, seed: 5, backend: 'cpu' as const, warmStart: 'l0' as const,
    solver: { steps: 2, iterations: 2, unet: { inputChannels: 1, levels: 3, width: 8, skipWidth: 4, nonLocalLevels: 1 }, kernelHiddenUnits: 16 } };
  const a = await deblur(blurred, options);
  const b = await deblur(blurred, options);
  assert.equal(a.report.warmStart?.prior, 'l0');
  assert.equal(a.report.solver.kernelInit?.length, 49);
  assert.deepEqual(Array.from(a.kernel.data), Array.from(b.kernel.data));
  // Two short steps at a small learning rate keep the kernel near its start, which correlates with the truth.
  const start = { width: 7, height: 7, data: Float32Array.from(a.report.solver.kernelInit ?? []) };
  assert.ok(kernelNcc(a.kernel, start) > 0.9, `NCC to the start ${kernelNcc(a.kernel, start)}`);
});
