import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelAutocorrelation, kernelFromAutocorrelation } from '../../src/baselines/phase_retrieval.js';
import { kernelNcc } from '../../src/metrics/kernel_metrics.js';
import { resizeKernelCanvas, rotateKernel180 } from '../../src/physics/kernel.js';
import { Rng } from '../../src/rng.js';
import { levinKernel } from '../deconv/synthetic.js';

test('phase retrieval recovers a motion kernel from its exact autocorrelation, up to a 180° rotation', async () => {
  const k = resizeKernelCanvas(await levinKernel(5), 15, 15);
  const { kernel, error } = kernelFromAutocorrelation(kernelAutocorrelation(k), 15, 15, new Rng(1), { restarts: 4 });
  const ncc = Math.max(kernelNcc(kernel, k), kernelNcc(rotateKernel180(kernel), k));
  assert.ok(ncc > 0.98, `NCC ${ncc}`);
  assert.ok(error < 1e-3, `magnitude error ${error}`);
  assert.ok(Math.abs(kernel.data.reduce((s, v) => s + v, 0) - 1) < 1e-6);
});

test('kernelAutocorrelation: zero lag = Σk², symmetric, sums to (Σk)²', async () => {
  const k = await levinKernel(3);
  const A = kernelAutocorrelation(k);
  const lw = 2 * k.width - 1, centre = (k.height - 1) * lw + k.width - 1;
  assert.ok(Math.abs(A[centre] - k.data.reduce((s, v) => s + v * v, 0)) < 1e-9);
  for (let i = 0; i < A.length; i++) assert.ok(Math.abs(A[i] - A[A.length - 1 - i]) < 1e-12);
  assert.ok(Math.abs(A.reduce((s, v) => s + v, 0) - 1) < 1e-5);
});
