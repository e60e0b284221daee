import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { deconvolveCommand } from '../../src/cli/deconvolve.js';
import { readImageFile, writeImageFile } from '../../src/io/files.js';
import { cropImage, mergeChannels } from '../../src/image/image.js';
import { psnr } from '../../src/metrics/psnr.js';
import { formatKernelText } from '../../src/physics/kernel.js';
import { levinKernel, syntheticCase } from './synthetic.js';

const quiet = (argv: string[]) => deconvolveCommand(argv);

test('sdi deconvolve restores a colour image with a known kernel (hqs and wiener) and protects its inputs', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sdi-deconv-'));
  try {
    const k = await levinKernel(3);
    const cases = await Promise.all([1, 2, 4].map((im) => syntheticCase(im, k, 64, 0.005, im)));
    const blurredFile = path.join(dir, 'blurred.png'), kernelFile = path.join(dir, 'k.txt');
    await writeImageFile(blurredFile, mergeChannels(cases.map((c) => c.blurred)), { bitDepth: 16 });
    await writeFile(kernelFile, formatKernelText(k));
    const gt = mergeChannels(cases.map((c) => c.groundTruth));
    const before = psnr(await readImageFile(blurredFile), gt);
    const outFile = path.join(dir, 'out.png');
    const msg = await quiet([blurredFile, '--kernel', kernelFile, '-o', outFile]);
    assert.match(msg, /^wrote .*out\.png \(hqs, 64×64×3/);
    const restored = await readImageFile(outFile);
    assert.equal(restored.channels, 3);
    assert.ok(psnr(restored, gt) > before + 3, `${psnr(restored, gt)} vs ${before}`);
    await quiet([blurredFile, '--kernel', kernelFile, '-o', path.join(dir, 'w.png'), '--method', 'wiener', '--nsr', '0.01']);
    assert.ok((await stat(path.join(dir, 'w.png'))).size > 0);
    const sizeBefore = (await stat(blurredFile)).size;
    await assert.rejects(quiet([blurredFile, '--kernel', kernelFile, '-o', blurredFile]), /refusing to overwrite the input/);
    await assert.rejects(quiet([blurredFile, '--kernel', kernelFile, '-o', kernelFile]), /refusing to overwrite the input/);
    assert.equal((await stat(blurredFile)).size, sizeBefore);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('sdi deconvolve refuses bad kernels and options with one-line errors', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sdi-deconv-'));
  try {
    const { blurred } = await syntheticCase(1, await levinKernel(5), 16, 0, 1);
    const img = path.join(dir, 'small.png');
    await writeImageFile(img, cropImage(blurred, 0, 0, 12, 12));
    const nanKernel = path.join(dir, 'nan.txt'), big = path.join(dir, 'big.txt');
    await writeFile(nanKernel, '0.5 NaN\n0.25 0.25\n');
    await writeFile(big, formatKernelText(await levinKernel(5)));
    const out = path.join(dir, 'o.png');
    await assert.rejects(quiet([img, '--kernel', nanKernel, '-o', out]), /not a finite number/);
    await assert.rejects(quiet([img, '--kernel', big, '-o', out]), /larger than the image/);
    await assert.rejects(quiet([img, '-o', out]), /missing --kernel/);
    await assert.rejects(quiet([img, '--kernel', big]), /missing -o/);
    await assert.rejects(quiet([img, '--kernel', big, '-o', out, '--lambda=-1']), /--lambda must be/);
    await assert.rejects(quiet([img, '--kernel', big, '-o', out, '--method', 'wiener', '--lambda', '0.01']), /hqs only/);
    await assert.rejects(quiet([img, '--kernel', big, '-o', out, '--method', 'magic']), /--method must be one of/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
