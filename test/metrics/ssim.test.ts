import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readImageFile } from '../../src/io/files.js';
import { createImage, cropImage, mergeChannels, toLuminance } from '../../src/image/image.js';
import { SdiError } from '../../src/errors.js';
import { ssim, SSIM_C1 } from '../../src/metrics/ssim.js';
import { Rng } from '../../src/rng.js';
import { sharedData } from '../helpers.js';

const levin = (p: string) => readImageFile(sharedData('levin', p));

test('SSIM of an image with itself is exactly 1', async () => {
  const a = await levin('sharp/im2.png');
  assert.equal(ssim(a, { ...a, data: a.data.slice() }), 1);
});

test('SSIM of two constant images is (2ab + C1)/(a² + b² + C1) (hand-computed: σ = 0, structure term 1)', () => {
  const a = 0.25, b = 0.75;
  const value = ssim(createImage(20, 16, 1, a), createImage(20, 16, 1, b));
  assert.ok(Math.abs(value - (2 * a * b + SSIM_C1) / (a * a + b * b + SSIM_C1)) < 1e-12);
});

test('SSIM matches scikit-image 0.19.3 on Levin pairs', async () => {
  // Reference values computed once with Debian's python3-skimage 0.19.3:
  //   structural_similarity(img_as_float(A), img_as_float(B), gaussian_weights=True, sigma=1.5,
  //                         use_sample_covariance=False, data_range=1)
  // with A = levin/sharp/imI.png, B = levin/blurred/imI_kernelJ_img.png (third case: rows 10:110, cols 20:200).
  const cases: Array<[string, string, number, [number, number, number, number]?]> = [
    ['sharp/im1.png', 'blurred/im1_kernel1_img.png', 0.7240282494281981],
    ['sharp/im2.png', 'blurred/im2_kernel4_img.png', 0.37173796393668446],
    ['sharp/im3.png', 'blurred/im3_kernel2_img.png', 0.5747984070918886, [20, 10, 180, 100]],
  ];
  for (const [pa, pb, reference, box] of cases) {
    let a = await levin(pa), b = await levin(pb);
    if (box) {
      a = cropImage(a, ...box);
      b = cropImage(b, ...box);
    }
    const value = ssim(a, b);
    assert.ok(Math.abs(value - reference) < 1e-6, `${pa} vs ${pb}: ${value} vs ${reference}`);
    assert.ok(Math.abs(ssim(b, a) - value) < 1e-12, 'symmetric');
  }
});

test('SSIM decreases with noise and is computed on luminance for colour images', async () => {
  const a = cropImage(await levin('sharp/im4.png'), 0, 0, 64, 48);
  const rng = new Rng(5);
  const noisy = (s: number) => ({ ...a, data: a.data.map((v) => v + s * rng.normal()) });
  const s1 = ssim(a, noisy(0.01)), s2 = ssim(a, noisy(0.05));
  assert.ok(1 > s1 && s1 > s2 && s2 > 0, `${s1} ${s2}`);
  const rgb = mergeChannels([a, noisy(0.02), noisy(0.02)]);
  const rgb2 = mergeChannels([noisy(0.02), a, noisy(0.02)]);
  assert.ok(Math.abs(ssim(rgb, rgb2) - ssim(toLuminance(rgb), toLuminance(rgb2))) < 1e-12);
});

test('SSIM refuses images smaller than the 11×11 window or of different sizes', () => {
  assert.throws(() => ssim(createImage(10, 30), createImage(10, 30)), SdiError);
  assert.throws(() => ssim(createImage(20, 20), createImage(20, 21)), /differ in size/);
});
