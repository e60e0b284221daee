import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readImageFile } from '../../src/io/files.js';
import { cropImage, grayImage, mergeChannels, type Image } from '../../src/image/image.js';
import { SdiError } from '../../src/errors.js';
import { alignLevin, scoreLevin } from '../../src/metrics/align.js';
import { sharedData } from '../helpers.js';

const levin = (p: string) => readImageFile(sharedData('levin', p));

/** A smooth analytic image f(y, x) sampled at (y − dy, x − dx): its content sits (dy, dx) px down/right. */
function smoothImage(w: number, h: number, dy: number, dx: number): Image {
  const data = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const Y = y - dy, X = x - dx;
      data[y * w + x] = 0.5 + 0.2 * Math.sin((2 * Math.PI * Y) / 37 + 0.3) * Math.cos((2 * Math.PI * X) / 53) + 0.1 * Math.sin((2 * Math.PI * (X + 2 * Y)) / 41);
    }
  }
  return grayImage(w, h, data);
}

/** Exhaustive search on the full ¼-px grid, written independently of align.ts (for equal sizes, inside samples only). */
function bruteForce(est: Image, gt: Image, crop: number, maxShift: number) {
  let best = { sse: Infinity, dy: 0, dx: 0 };
  const at = (y: number, x: number) => Math.min(1, Math.max(0, est.data[y * est.width + x]));
  for (let dy = -maxShift; dy <= maxShift; dy += 0.25) {
    for (let dx = -maxShift; dx <= maxShift; dx += 0.25) {
      let sse = 0;
      for (let y = crop; y < gt.height - crop; y++) {
        for (let x = crop; x < gt.width - crop; x++) {
          const py = y + dy, px = x + dx, y0 = Math.floor(py), x0 = Math.floor(px), fy = py - y0, fx = px - x0;
          const v = (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) + fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
          sse += (v - gt.data[y * gt.width + x]) ** 2;
        }
      }
      if (sse < best.sse) best = { sse, dy, dx };
    }
  }
  return best;
}

test('finds a known sub-pixel shift of a smooth image', () => {
  for (const [dy, dx] of [[1.75, -2.5], [-0.25, 3.5], [-6.75, 9.25]]) {
    const gt = smoothImage(96, 80, 0, 0), est = smoothImage(96, 80, dy, dx);
    const s = scoreLevin(est, gt);
    assert.deepEqual(s.shift, [dy, dx]);
    assert.ok(s.psnr > 50 && s.ssim > 0.999, `psnr ${s.psnr} ssim ${s.ssim}`);
    assert.ok(s.psnrUnaligned < s.psnr - 10);
  }
});

test('an integer shift of a real image is found exactly (infinite PSNR, SSIM 1)', async () => {
  const sharp = await levin('sharp/im3.png');
  const gt = cropImage(sharp, 40, 30, 150, 140);
  const est = cropImage(sharp, 40 + 4, 30 - 3, 150, 140); // est(y, x) = gt(y − 3, x + 4): content 3 px down, 4 px left
  const s = scoreLevin(est, gt);
  assert.deepEqual(s.shift, [3, -4]);
  assert.equal(s.psnr, Infinity);
  assert.equal(s.ssim, 1);
});

test('coarse-to-fine search equals the exhaustive ¼-px search on real pairs', async () => {
  for (const [i, j] of [[1, 1], [2, 4], [4, 8]]) {
    const gt = cropImage(await levin(`sharp/im${i}.png`), 90, 100, 48, 44);
    const est = cropImage(await levin(`blurred/im${i}_kernel${j}_img.png`), 90, 100, 48, 44);
    const fast = alignLevin(est, gt, { crop: 7, maxShift: 5 });
    const slow = bruteForce(est, gt, 7, 5);
    assert.deepEqual(fast.shift, [slow.dy, slow.dx], `im${i} k${j}`);
    assert.ok(Math.abs(fast.sse - slow.sse) < 1e-9 * slow.sse);
  }
});

test('full Levin pairs match an independent numpy exhaustive search, well under a second', async () => {
  // Reference: numpy, all 81×81 shifts −10…10 step 0.25 with bilinear sampling on the ground truth
  // cropped by 15 px, estimate clipped to [0, 1]; SSIM by skimage 0.19.3 structural_similarity
  // (gaussian_weights, σ = 1.5, population covariance, data_range 1) on the aligned crop. Computed once.
  const cases: Array<[string, string, [number, number], number, number]> = [
    ['blurred/im1_kernel1_img.png', 'sharp/im1.png', [-0.75, 0.75], 24.13157056407065, 0.7366645657250244],
    ['blurred/im4_kernel3_img.png', 'sharp/im4.png', [0.5, -2.75], 27.910220675049445, 0.8589680475885844],
  ];
  for (const [e, g, shift, psnrRef, ssimRef] of cases) {
    const est = await levin(e), gt = await levin(g);
    const t0 = performance.now();
    const s = scoreLevin(est, gt);
    const ms = performance.now() - t0;
    assert.deepEqual(s.shift, shift);
    assert.ok(Math.abs(s.psnr - psnrRef) < 1e-5, `${s.psnr}`);
    assert.ok(Math.abs(s.ssim - ssimRef) < 1e-6, `${s.ssim}`);
    assert.ok(ms < 2000, `scoreLevin took ${ms.toFixed(0)} ms`);
  }
});

test('estimates a few pixels larger or smaller than the ground truth are centred, then aligned', async () => {
  const sharp = await levin('sharp/im2.png');
  const gt = cropImage(sharp, 50, 50, 120, 110);
  const larger = cropImage(sharp, 48, 47, 124, 116); // centred offset (⌊6/2⌋, ⌊4/2⌋) = (3, 2) → content at shift (0, 0)
  const a = scoreLevin(larger, gt);
  assert.deepEqual(a.centerOffset, [3, 2]);
  assert.deepEqual(a.shift, [0, 0]);
  assert.equal(a.psnr, Infinity);
  const smaller = cropImage(sharp, 53, 52, 114, 106); // offset (⌊−4/2⌋, ⌊−6/2⌋) = (−2, −3); true content offset (−2, −3) → shift (0, 0)
  const b = scoreLevin(smaller, gt);
  assert.deepEqual(b.centerOffset, [-2, -3]);
  assert.deepEqual(b.shift, [0, 0]);
  assert.equal(b.psnr, Infinity);
});

test('colour images: SSE over all channels; gray replicated in RGB scores like gray', async () => {
  const gt = await levin('sharp/im1.png');
  const est = await levin('blurred/im1_kernel2_img.png');
  const g = scoreLevin(est, gt);
  const c = scoreLevin(mergeChannels([est, est, est]), mergeChannels([gt, gt, gt]));
  assert.deepEqual(c.shift, g.shift);
  assert.ok(Math.abs(c.psnr - g.psnr) < 1e-9 && Math.abs(c.ssim - g.ssim) < 1e-6);
  const mixed = scoreLevin(mergeChannels([est, est, est]), gt); // channel counts differ → luminance
  assert.ok(Math.abs(mixed.psnr - g.psnr) < 1e-4);
});

test('rejects a ground truth too small for the border crop', () => {
  const tiny = smoothImage(30, 30, 0, 0);
  assert.throws(() => scoreLevin(tiny, tiny), SdiError);
});
