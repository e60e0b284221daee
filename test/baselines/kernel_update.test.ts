import { test } from 'node:test';
import assert from 'node:assert/strict';
import { centerKernel, kernelLeastSquares, projectKernel } from '../../src/baselines/kernel_update.js';
import { edgeThreshold, selectEdges } from '../../src/baselines/edge_selection.js';
import { boundedGradients } from '../../src/baselines/finite_differences.js';
import { kernelNcc } from '../../src/metrics/kernel_metrics.js';
import { createKernel, rotateKernel180 } from '../../src/physics/kernel.js';
import { motionCase } from './fixture.js';

const data = await motionCase();
const [kh, kw] = data.kernelSize;

test('gradient-domain least squares recovers the kernel from the true sharp image (not its 180° rotation)', () => {
  const raw = kernelLeastSquares(data.sharp.data, data.blurred.data, 128, 128, kw, kh, { weight: 1e-3, cgIterations: 100 });
  const k = projectKernel(raw, kw, kh);
  assert.ok(kernelNcc(k, data.kernel) > 0.97, `NCC ${kernelNcc(k, data.kernel)}`);
  assert.ok(kernelNcc(k, data.kernel) > kernelNcc(rotateKernel180(k), data.kernel) + 0.1, 'orientation of the PSF convention');
  const withPrior = projectKernel(kernelLeastSquares(data.sharp.data, data.blurred.data, 128, 128, kw, kh), kw, kh);
  assert.ok(kernelNcc(withPrior, data.kernel) > 0.9, 'paper default γ = 2');
});

test('projectKernel: non-negative, Σ = 1, small taps and isolated fragments removed', () => {
  const raw = new Float64Array(49);
  raw[3 * 7 + 3] = 1; raw[3 * 7 + 4] = 0.8; raw[2 * 7 + 3] = 0.6; // main blob
  raw[0] = 0.1;          // isolated fragment: 0.1 / 2.54 < 10 % of the mass
  raw[6 * 7 + 6] = 0.02; // below 5 % of the peak
  raw[6 * 7 + 0] = -0.5; // negative
  const k = projectKernel(raw, 7, 7);
  const nonzero = Array.from(k.data).map((v, i) => (v > 0 ? i : -1)).filter((i) => i >= 0);
  assert.deepEqual(nonzero, [2 * 7 + 3, 3 * 7 + 3, 3 * 7 + 4]);
  assert.ok(Math.abs(k.data.reduce((s, v) => s + v, 0) - 1) < 1e-6);
  const empty = projectKernel(new Float64Array(9).fill(-1), 3, 3);
  assert.equal(empty.data[4], 1, 'nothing left: a centred delta');
});

test('centerKernel moves the centre of mass to the window centre', () => {
  const k = createKernel(9, 9);
  k.data[1 * 9 + 1] = 0.5; k.data[1 * 9 + 2] = 0.5;
  const c = centerKernel(k);
  let my = 0, mx = 0;
  for (let r = 0; r < 9; r++) for (let q = 0; q < 9; q++) { my += r * c.data[r * 9 + q]; mx += q * c.data[r * 9 + q]; }
  assert.ok(Math.abs(my - 4) <= 0.5 && Math.abs(mx - 4) <= 0.5);
});

test('edge selection keeps at least r·√(taps) gradients per orientation and zeroes the rest', () => {
  const [gh, gv] = boundedGradients(data.sharp.data, 128, 128);
  const tau = edgeThreshold(gh, gv, 225);
  const [sh, sv] = selectEdges(gh, gv, tau);
  let kept = 0;
  for (let i = 0; i < sh.length; i++) {
    const on = sh[i] !== 0 || sv[i] !== 0;
    if (on) kept++;
    assert.equal(on, gh[i] * gh[i] + gv[i] * gv[i] >= tau);
  }
  assert.ok(kept >= 4 * 30 && kept < 128 * 128 / 2, `kept ${kept}`);
});
