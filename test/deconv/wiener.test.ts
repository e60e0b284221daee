import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deconvolveWiener } from '../../src/deconv/wiener.js';
import { createImage } from '../../src/image/image.js';
import { SdiError } from '../../src/errors.js';
import { psnr } from '../../src/metrics/psnr.js';
import { createKernel, deltaKernel } from '../../src/physics/kernel.js';
import { maxAbsDiff } from '../helpers.js';
import { levinKernel, syntheticCase } from './synthetic.js';

test('with a delta kernel and nsr 0 the Wiener filter returns its input', async () => {
  const { blurred } = await syntheticCase(3, deltaKernel(5), 64, 0, 1);
  const out = deconvolveWiener(blurred, deltaKernel(5), { nsr: 0 });
  assert.ok(maxAbsDiff(out.data, blurred.data) < 1e-6);
});

test('Wiener sharpens a synthetic blur (true kernel beats its 180° rotation)', async () => {
  const k = await levinKernel(3);
  const { groundTruth, blurred } = await syntheticCase(1, k, 96, 0.005, 2);
  const good = psnr(deconvolveWiener(blurred, k), groundTruth);
  const flipped = psnr(deconvolveWiener(blurred, { ...k, data: k.data.slice().reverse() }), groundTruth);
  assert.ok(good > psnr(blurred, groundTruth) + 1, `wiener ${good} vs blurred ${psnr(blurred, groundTruth)}`);
  assert.ok(good > flipped + 2, `true ${good} vs rotated ${flipped}`);
});

test('Wiener rejects bad kernels and options with one-line errors', () => {
  const img = createImage(16, 16, 1, 0.5);
  assert.throws(() => deconvolveWiener(img, deltaKernel(17)), /larger than the image/);
  assert.throws(() => deconvolveWiener(img, createKernel(1, 1, [NaN])), SdiError);
  assert.throws(() => deconvolveWiener(img, createKernel(2, 1, [1, -1])), /negative/);
  assert.throws(() => deconvolveWiener(img, deltaKernel(3), { nsr: -1 }), SdiError);
});
