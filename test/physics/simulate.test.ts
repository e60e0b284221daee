import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulateBlur, alignedGroundTruth } from '../../src/physics/simulate.js';
import { blurImage } from '../../src/physics/convolve.js';
import { createKernel, deltaKernel } from '../../src/physics/kernel.js';
import { readImageFile } from '../../src/io/files.js';
import { cropImage } from '../../src/image/image.js';
import { Rng } from '../../src/rng.js';
import { maxAbsDiff, sharedData } from '../helpers.js';

test("'valid' simulation: a delta PSF of any size returns exactly the aligned ground truth (odd and even sizes)", async () => {
  const face = cropImage(await readImageFile(sharedData('ffhq', '69037.png')), 60, 60, 64, 48);
  for (const size of [5, 6]) {
    const sim = simulateBlur(face, { kernel: deltaKernel(size) });
    assert.equal(sim.blurred.width, 64 - size + 1);
    assert.equal(sim.blurred.channels, 3);
    assert.deepEqual([sim.groundTruth.width, sim.groundTruth.height], [sim.blurred.width, sim.blurred.height]);
    assert.ok(maxAbsDiff(sim.blurred.data, sim.groundTruth.data) < 1e-6);
  }
  // an odd kernel's ground truth is the central crop
  const gt = alignedGroundTruth(face, { width: 7, height: 5 }, 'valid');
  assert.deepEqual(Array.from(gt.data), Array.from(cropImage(face, 3, 2, 58, 44).data));
});

test('simulation adds seeded noise and clips to [0, 1]; other modes keep the size', async () => {
  const img = cropImage(await readImageFile(sharedData('levin', 'sharp', 'im2.png')), 0, 0, 80, 80);
  const kernel = createKernel(3, 3, [0, 0.2, 0, 0.2, 0.2, 0.2, 0, 0.2, 0]);
  const a = simulateBlur(img, { kernel, noiseSigma: 0.05, rng: new Rng(1) });
  const b = simulateBlur(img, { kernel, noiseSigma: 0.05, rng: new Rng(1) });
  assert.deepEqual(Array.from(a.blurred.data), Array.from(b.blurred.data));
  assert.ok(a.blurred.data.every((v) => v >= 0 && v <= 1));
  assert.ok(maxAbsDiff(a.clean.data, blurImage(img, kernel).data) === 0);
  assert.ok(maxAbsDiff(a.blurred.data, a.clean.data) > 0.05);
  assert.throws(() => simulateBlur(img, { kernel, noiseSigma: 0.1 }), /rng/);
  for (const mode of ['same', 'circular'] as const) {
    const s = simulateBlur(img, { kernel, mode, poissonGain: 0.001, rng: new Rng(2) });
    assert.equal(s.blurred.width, 80);
    assert.equal(s.groundTruth, img);
  }
});
