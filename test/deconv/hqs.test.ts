import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readImageFile } from '../../src/io/files.js';
import { autoHqsLambda, BLIND_HQS_LAMBDA_PER_SIGMA, deconvolveHqs, HQS_LAMBDA_MAX, HQS_LAMBDA_MIN, HQS_LAMBDA_PER_SIGMA } from '../../src/deconv/hqs.js';
import { estimateNoiseSigma } from '../../src/deconv/noise.js';
import { deconvolveWiener } from '../../src/deconv/wiener.js';
import { createImage, cropImage, getChannel, mergeChannels } from '../../src/image/image.js';
import { SdiError } from '../../src/errors.js';
import { scoreLevin } from '../../src/metrics/align.js';
import { psnr } from '../../src/metrics/psnr.js';
import { createKernel, deltaKernel, rotateKernel180 } from '../../src/physics/kernel.js';
import { sharedData } from '../helpers.js';
import { levinKernel, syntheticCase } from './synthetic.js';

test('HQS restores all 8 Levin kernels (synthetic valid blur, σ = 0.01): far better than the input and than Wiener', async () => {
  for (let j = 1; j <= 8; j++) {
    const k = await levinKernel(j);
    const { groundTruth, blurred } = await syntheticCase(1, k, 96, 0.01, j);
    const before = psnr(blurred, groundTruth);
    const hqs = psnr(deconvolveHqs(blurred, k), groundTruth);
    const wiener = psnr(deconvolveWiener(blurred, k), groundTruth);
    assert.ok(hqs > before + 4, `kernel ${j}: HQS ${hqs.toFixed(2)} vs blurred ${before.toFixed(2)}`);
    assert.ok(hqs > wiener + 2, `kernel ${j}: HQS ${hqs.toFixed(2)} vs Wiener ${wiener.toFixed(2)}`);
  }
});

test('kernel orientation: the PSF convention restores, its 180° rotation does not', async () => {
  const k = await levinKernel(6);
  const { groundTruth, blurred } = await syntheticCase(2, k, 96, 0.01, 3);
  const right = psnr(deconvolveHqs(blurred, k), groundTruth);
  const wrong = psnr(deconvolveHqs(blurred, rotateKernel180(k)), groundTruth);
  assert.ok(right > wrong + 5, `${right} vs ${wrong}`);
});

test('the hyper-Laplacian prior (α = 2/3) also restores', async () => {
  const k = await levinKernel(2);
  const { groundTruth, blurred } = await syntheticCase(3, k, 96, 0.01, 4);
  const out = psnr(deconvolveHqs(blurred, k, { alpha: 2 / 3, lambda: 2e-3 }), groundTruth);
  assert.ok(out > psnr(blurred, groundTruth) + 4, `${out}`);
});

test('a captured Levin photo with its true kernel reaches > 30 dB aligned PSNR (no border ringing)', async () => {
  // a 150×150 window of the captured photo (its borders cut through real content, like any photo)
  const gt = cropImage(await readImageFile(sharedData('levin/sharp/im1.png')), 60, 50, 150, 150);
  const blurred = cropImage(await readImageFile(sharedData('levin/blurred/im1_kernel1_img.png')), 60, 50, 150, 150);
  const s = scoreLevin(deconvolveHqs(blurred, await levinKernel(1)), gt);
  const before = scoreLevin(blurred, gt);
  assert.ok(s.psnr > 30 && s.psnr > before.psnr + 6, `HQS ${s.psnr.toFixed(2)} dB vs blurred ${before.psnr.toFixed(2)} dB`);
});

test('colour images are deconvolved per channel', async () => {
  const k = await levinKernel(5);
  const cases = await Promise.all([1, 2, 3].map((im) => syntheticCase(im, k, 64, 0.01, im)));
  const rgb = mergeChannels(cases.map((c) => c.blurred));
  const out = deconvolveHqs(rgb, k);
  assert.equal(out.channels, 3);
  const red = deconvolveHqs(cases[0].blurred, k);
  assert.deepEqual(Array.from(getChannel(out, 0).data), Array.from(red.data));
});

test('the automatic weight is λ = c·σ̂ per channel, c = 0.1 by default (known PSF) or as given', async () => {
  const k = await levinKernel(3);
  const { blurred } = await syntheticCase(2, k, 64, 0.01, 5);
  const sigma = estimateNoiseSigma(blurred.data, blurred.width, blurred.height);
  assert.equal(HQS_LAMBDA_PER_SIGMA, 0.1);
  assert.equal(autoHqsLambda(sigma), Math.min(2e-2, Math.max(2e-5, 0.1 * sigma)));
  // an 8-bit photo without added noise (σ̂ ≈ 1e-3) gets c·σ̂ itself, not the floor; σ̂ = 0 gets the floor
  assert.equal(HQS_LAMBDA_MIN, 2e-5);
  assert.ok(Math.abs(autoHqsLambda(1e-3) - 1e-4) < 1e-12);
  assert.equal(autoHqsLambda(0), HQS_LAMBDA_MIN);
  assert.equal(autoHqsLambda(10), HQS_LAMBDA_MAX);
  assert.deepEqual(Array.from(deconvolveHqs(blurred, k).data), Array.from(deconvolveHqs(blurred, k, { lambda: autoHqsLambda(sigma) }).data));
  const blind = deconvolveHqs(blurred, k, { lambdaPerSigma: BLIND_HQS_LAMBDA_PER_SIGMA });
  assert.deepEqual(Array.from(blind.data), Array.from(deconvolveHqs(blurred, k, { lambda: autoHqsLambda(sigma, 0.2) }).data));
  assert.throws(() => deconvolveHqs(blurred, k, { lambdaPerSigma: 0 }), /lambdaPerSigma/);
  assert.throws(() => deconvolveHqs(blurred, k, { lambdaPerSigma: Number.NaN }), SdiError);
});

test('HQS leaves a sharp, clean image (delta kernel) nearly unchanged', async () => {
  const { groundTruth } = await syntheticCase(4, deltaKernel(1), 64, 0, 1);
  assert.ok(psnr(deconvolveHqs(groundTruth, deltaKernel(3)), groundTruth) > 35);
});

test('HQS rejects bad kernels and options with one-line errors', () => {
  const img = createImage(16, 16, 1, 0.5);
  assert.throws(() => deconvolveHqs(img, deltaKernel(17)), /larger than the image/);
  assert.throws(() => deconvolveHqs(img, createKernel(2, 2, [0.5, NaN, 0, 0.5])), SdiError);
  assert.throws(() => deconvolveHqs(img, createKernel(2, 1, [0, 0])), SdiError);
  assert.throws(() => deconvolveHqs(img, deltaKernel(3), { lambda: 0 }), SdiError);
  assert.throws(() => deconvolveHqs(img, deltaKernel(3), { alpha: 1.5 }), SdiError);
  assert.throws(() => deconvolveHqs(img, deltaKernel(3), { iterations: 0 }), SdiError);
  const bad = createImage(16, 16, 1, 0.5);
  bad.data[3] = NaN;
  assert.throws(() => deconvolveHqs(bad, deltaKernel(3)), /NaN/);
});
