/**
 * The convention check against real data: the captured Levin photos equal the sharp images blurred
 * (true convolution) with the .txt kernels rotated 180°, i.e. with `levinKernelFromText`, up to a
 * small integer shift (±5 px) and noise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readImageFile } from '../../src/io/files.js';
import { convolveValid, kernelPads } from '../../src/physics/convolve.js';
import { parseKernelText, rotateKernel180 } from '../../src/physics/kernel.js';
import { levinKernelFromText, levinKernelRelativePath, loadLevinKernel } from '../../src/physics/psf/levin.js';
import type { Plane } from '../../src/physics/plane.js';
import { sharedData } from '../helpers.js';

/** Bilinear sample of a plane at real coordinates (inside it). */
function sample(p: Plane, y: number, x: number): number {
  const y0 = Math.floor(y), x0 = Math.floor(x), fy = y - y0, fx = x - x0;
  const i = y0 * p.width + x0, d = p.data;
  return (1 - fy) * ((1 - fx) * d[i] + fx * d[i + 1]) + fy * ((1 - fx) * d[i + p.width] + fx * d[i + p.width + 1]);
}

/** Mean squared error between the 'valid' blur's interior (every `stride`-th pixel) and the photo shifted by (sy, sx). */
function shiftedMse(blur: Plane, photo: Plane, offset: { top: number; left: number }, sy: number, sx: number, margin: number, stride = 1): number {
  let sum = 0, n = 0;
  const integer = Number.isInteger(sy) && Number.isInteger(sx);
  for (let i = margin; i < blur.height - margin; i += stride) {
    const py = i + offset.top + sy;
    for (let j = margin; j < blur.width - margin; j += stride) {
      const px = j + offset.left + sx;
      const d = blur.data[i * blur.width + j] - (integer ? photo.data[py * photo.width + px] : sample(photo, py, px));
      sum += d * d;
      n++;
    }
  }
  return sum / n;
}

/**
 * Smallest MSE between the blur and the photo (every second pixel) over integer shifts |s| ≤ maxShift,
 * then refined in quarter pixels (bilinear) within ±0.5 px of the best integer
 * shift: the photos are captured, so their misalignment is not a whole number of pixels.
 */
function bestShiftMse(blur: Plane, photo: Plane, offset: { top: number; left: number }, maxShift: number): number {
  const margin = maxShift + 2;
  let coarse = Infinity, by = 0, bx = 0;
  for (let sy = -maxShift; sy <= maxShift; sy++) for (let sx = -maxShift; sx <= maxShift; sx++) {
    const e = shiftedMse(blur, photo, offset, sy, sx, margin, 2);
    if (e < coarse) [coarse, by, bx] = [e, sy, sx];
  }
  let best = Infinity;
  for (let dy = -0.5; dy <= 0.5; dy += 0.25) for (let dx = -0.5; dx <= 0.5; dx += 0.25) {
    best = Math.min(best, shiftedMse(blur, photo, offset, by + dy, bx + dx, margin, 2));
  }
  return best;
}

test('Levin kernels load rotated 180° with their documented sizes', async () => {
  const sizes = [19, 17, 15, 27, 13, 21, 23, 23];
  for (let j = 1; j <= 8; j++) {
    const text = readFileSync(sharedData(levinKernelRelativePath(j)), 'utf8');
    const k = levinKernelFromText(text);
    assert.equal(k.width, sizes[j - 1]);
    assert.equal(k.height, sizes[j - 1]);
    assert.deepEqual(Array.from(k.data), Array.from(rotateKernel180(parseKernelText(text)).data));
    assert.deepEqual(Array.from((await loadLevinKernel(j, sharedData())).data), Array.from(k.data));
  }
});

test('captured Levin photos match sharp ⊛ PSF far better than sharp ⊛ (PSF rotated 180°), after the best shift (integer, then ¼ px)', async () => {
  const ratios: string[] = [];
  const gains: number[] = [];
  for (const i of [1, 2, 3, 4]) {
    const sharp = await readImageFile(sharedData('levin', 'sharp', `im${i}.png`));
    for (let j = 1; j <= 8; j++) {
      const photo = await readImageFile(sharedData('levin', 'blurred', `im${i}_kernel${j}_img.png`));
      const psf = levinKernelFromText(readFileSync(sharedData(levinKernelRelativePath(j)), 'utf8'));
      const offset = kernelPads(psf);
      const ours = bestShiftMse(convolveValid(sharp, psf), photo, offset, 6);
      const flipped = bestShiftMse(convolveValid(sharp, rotateKernel180(psf)), photo, offset, 6);
      ratios.push(`im${i}k${j}: ${(10 * Math.log10(1 / ours)).toFixed(1)} dB vs ${(10 * Math.log10(1 / flipped)).toFixed(1)} dB`);
      gains.push(10 * Math.log10(flipped / ours));
      // every pair, even the two kernels closest to point symmetry (1 and 3), must prefer the PSF orientation clearly
      assert.ok(ours * 2 < flipped, `im${i} kernel${j}: mse ${ours} (PSF) vs ${flipped} (rotated)`);
      assert.ok(10 * Math.log10(1 / ours) > 38, `im${i} kernel${j}: only ${(10 * Math.log10(1 / ours)).toFixed(1)} dB`);
    }
  }
  const meanGain = gains.reduce((a, b) => a + b, 0) / gains.length;
  assert.ok(meanGain > 10, `mean advantage of the PSF orientation only ${meanGain.toFixed(1)} dB`);
  if (process.env.LEVIN_DEBUG) console.log(ratios.join('\n'));
});
