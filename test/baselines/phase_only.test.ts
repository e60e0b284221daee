import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateKernelPhaseOnly, phaseOnlyAutocorrelation } from '../../src/baselines/phase_only.js';
import { kernelAutocorrelation } from '../../src/baselines/phase_retrieval.js';
import { kernelNcc } from '../../src/metrics/kernel_metrics.js';
import { resizeKernelCanvas } from '../../src/physics/kernel.js';
import { motionCase } from './fixture.js';

const data = await motionCase();
const [kh, kw] = data.kernelSize;

test('the phase-only autocorrelation resembles the kernel autocorrelation', () => {
  const A = phaseOnlyAutocorrelation(data.blurred, kw, kh);
  const truth = kernelAutocorrelation(resizeKernelCanvas(data.kernel, kw, kh));
  let dot = 0, a2 = 0, t2 = 0;
  for (let i = 0; i < A.length; i++) { dot += A[i] * truth[i]; a2 += A[i] * A[i]; t2 += truth[i] * truth[i]; }
  assert.ok(dot / Math.sqrt(a2 * t2) > 0.5, `cosine ${dot / Math.sqrt(a2 * t2)}`);
  assert.ok(Math.abs(A.reduce((s, v) => s + v, 0) - 1) < 1e-9);
});

test('Phase-Only recovers a camera-shake kernel on a noise-free 128×128 case (NCC ≥ 0.8), reproducibly', () => {
  const a = estimateKernelPhaseOnly(data.blurred, { kernelSize: data.kernelSize, seed: 0 });
  const ncc = kernelNcc(a.kernel, data.kernel);
  assert.ok(ncc >= 0.8, `kernel NCC ${ncc.toFixed(3)} < 0.8`);
  assert.ok(kernelNcc(a.retrieved, data.kernel) < ncc, 'the refinement improves on the retrieved kernel');
  const b = estimateKernelPhaseOnly(data.blurred, { kernelSize: data.kernelSize, seed: 0, refineIterations: 0 });
  assert.deepEqual(b.kernel.data, b.retrieved.data, 'no refinement: the retrieved kernel');
  assert.equal(b.rotated, a.rotated);
  assert.deepEqual(b.retrieved.data, a.retrieved.data, 'same seed, same retrieval and orientation');
});
