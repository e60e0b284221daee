import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readKernelFile } from '../../src/io/files.js';
import { SdiError } from '../../src/errors.js';
import { alignKernels, kernelNcc, kernelPsnr } from '../../src/metrics/kernel_metrics.js';
import { createKernel, deltaKernel, rotateKernel180, type Kernel } from '../../src/physics/kernel.js';
import { sharedData } from '../helpers.js';

const levinKernel = async (j: number) => rotateKernel180(await readKernelFile(sharedData('levin', 'kernels', `levin09_kernel${j}.txt`)));

/** k placed in a w×h canvas with its top-left corner at (x0, y0). */
function embed(k: Kernel, w: number, h: number, x0: number, y0: number): Kernel {
  const out = createKernel(w, h);
  for (let r = 0; r < k.height; r++) for (let c = 0; c < k.width; c++) out.data[(r + y0) * w + c + x0] = k.data[r * k.width + c];
  return out;
}

test('a kernel compared with itself: NCC 1, infinite kernel PSNR', async () => {
  const k = await levinKernel(3);
  assert.ok(Math.abs(kernelNcc(k, k) - 1) < 1e-12);
  assert.equal(kernelPsnr(k, k), Infinity);
});

test('translation and a larger canvas do not change NCC (shift reported)', async () => {
  const k = await levinKernel(1); // 19×19
  const moved = embed(k, 31, 29, 2, 9); // centred would be at (6, 5): moved by (+4, −4)
  const a = alignKernels(moved, k);
  assert.ok(Math.abs(a.ncc - 1) < 1e-9);
  assert.deepEqual(a.shift, [-4, 4]);
  assert.equal(kernelPsnr(moved, k), Infinity);
  const scaled = { ...k, data: k.data.map((v) => 3 * v) };
  assert.ok(Math.abs(kernelNcc(scaled, k) - 1) < 1e-9, 'scale-invariant');
});

test('hand-computed case: a delta against a two-tap kernel', () => {
  const delta = deltaKernel(1);
  const pair = createKernel(2, 1, [0.5, 0.5]);
  // NCC = max_s Σ δ·t / (‖δ‖‖t‖) = 0.5 / (1 · √0.5) = √0.5
  assert.ok(Math.abs(kernelNcc(delta, pair) - Math.SQRT1_2) < 1e-12);
  // aligned SSE = 1 + 0.5 − 2·0.5 = 0.5, MSE = 0.5 / 2 taps = 0.25, peak 0.5 → 10·log10(0.25/0.25) = 0 dB
  assert.ok(Math.abs(kernelPsnr(delta, pair)) < 1e-12);
});

test('orientation matters: a 180° rotated asymmetric kernel scores lower, and so do the other Levin kernels', async () => {
  const k = await levinKernel(4);
  const ncc = kernelNcc(rotateKernel180(k), k);
  assert.ok(ncc < 0.9, `rotated NCC ${ncc}`);
  assert.ok(kernelPsnr(rotateKernel180(k), k) < kernelPsnr(k, k));
  const others = await Promise.all([1, 2, 3, 5].map(levinKernel));
  for (const o of others) assert.ok(kernelNcc(o, k) < 0.9);
});

test('all-zero or non-finite kernels are one-line errors', () => {
  assert.throws(() => kernelNcc(createKernel(3, 3), deltaKernel(3)), SdiError);
  assert.throws(() => kernelNcc(createKernel(1, 1, [NaN]), deltaKernel(3)), SdiError);
});
