import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readImageFile } from '../../src/io/files.js';
import { createImage } from '../../src/image/image.js';
import { SdiError } from '../../src/errors.js';
import { mse, psnr, psnrFromMse } from '../../src/metrics/psnr.js';
import { sharedData } from '../helpers.js';

test('identical images have infinite PSNR', () => {
  const a = createImage(8, 5, 1, 0.3);
  assert.equal(psnr(a, { ...a, data: a.data.slice() }), Infinity);
});

test('PSNR of a constant offset is 10·log10(1/d²) (hand-computed)', () => {
  // d = 0.25 is exact in float32: MSE = 1/16, PSNR = 10·log10(16) = 12.0412 dB
  const a = createImage(7, 3, 1, 0.25), b = createImage(7, 3, 1, 0.5);
  assert.equal(mse(a, b), 0.0625);
  assert.ok(Math.abs(psnr(a, b) - 10 * Math.log10(16)) < 1e-12);
  // half the samples off by 0.5, the others equal: MSE = 0.125, PSNR = 9.0309 dB
  const c = createImage(4, 2, 1, 0), d = createImage(4, 2, 1, 0);
  for (let i = 0; i < 4; i++) d.data[i] = 0.5;
  assert.ok(Math.abs(psnr(c, d) - 10 * Math.log10(8)) < 1e-12);
});

test('PSNR scales with the peak and counts every colour channel', () => {
  const a = createImage(4, 4, 3, 0.5), b = createImage(4, 4, 3, 0.5);
  for (let i = 0; i < b.data.length; i += 3) b.data[i] = 0.75; // only red differs by 0.25
  assert.ok(Math.abs(mse(a, b) - 0.0625 / 3) < 1e-12);
  const a255 = { ...a, data: a.data.map((v) => v * 255) }, b255 = { ...b, data: b.data.map((v) => v * 255) };
  assert.ok(Math.abs(psnr(a255, b255, 255) - psnr(a, b)) < 1e-9);
  assert.equal(psnrFromMse(0), Infinity);
});

test('PSNR matches scikit-image on a Levin pair', async () => {
  const sharp = await readImageFile(sharedData('levin/sharp/im1.png'));
  const blurred = await readImageFile(sharedData('levin/blurred/im1_kernel1_img.png'));
  // skimage.metrics.peak_signal_noise_ratio(img_as_float(sharp), img_as_float(blurred), data_range=1),
  // scikit-image 0.19.3 (Debian python3-skimage), computed once:
  const reference = 23.733154062236373;
  assert.ok(Math.abs(psnr(blurred, sharp) - reference) < 1e-5, `${psnr(blurred, sharp)}`);
});

test('PSNR refuses images of different shapes with a one-line error', () => {
  assert.throws(() => psnr(createImage(4, 4), createImage(4, 5)), SdiError);
  assert.throws(() => psnr(createImage(4, 4, 1), createImage(4, 4, 3)), /differ in shape/);
});
