import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { makeSets } from '../../scripts/make_sets.js';
import { readImageFile, readKernelFile } from '../../src/io/files.js';
import { cropImage } from '../../src/image/image.js';
import { blurImage } from '../../src/physics/convolve.js';
import { kernelSum } from '../../src/physics/kernel.js';
import { loadLevinKernel } from '../../src/physics/psf/levin.js';
import { maxAbsDiff, projectRoot, sharedData } from '../helpers.js';

const dirs = [mkdtempSync(path.join(tmpdir(), 'sdi-sets-a-')), mkdtempSync(path.join(tmpdir(), 'sdi-sets-b-'))];
test.after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const fromRoot = (p: string) => path.resolve(projectRoot, p);

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)))
    .sort();
}

test('benchmark sets are deterministic from the seed and independent of which sets are built', async () => {
  const [a] = await makeSets({ seed: 4, sets: ['natural-motion'], outDir: dirs[0] });
  await makeSets({ seed: 4, sets: ['levin-motion', 'natural-motion'], outDir: dirs[1] });
  const set = path.join(dirs[0], 'natural-motion'), other = path.join(dirs[1], 'natural-motion');
  const files = listFiles(set);
  assert.deepEqual(listFiles(other), files);
  for (const f of files.filter((f) => !f.endsWith('manifest.json'))) assert.ok(readFileSync(path.join(set, f)).equals(readFileSync(path.join(other, f))), f);
  assert.equal(a.items.length, 8);
  assert.equal(a.mode, 'valid');
  assert.equal(a.noiseSigma, 0.01);
});

test("synthetic items: blurred = 'valid' blur of the sharp crop + σ=0.01 noise, ground truth pixel-aligned and the same size", async () => {
  const manifest = JSON.parse(readFileSync(path.join(dirs[0], 'natural-motion', 'manifest.json'), 'utf8'));
  for (const item of manifest.items.slice(0, 3)) {
    const blurred = await readImageFile(fromRoot(item.blurred));
    const sharp = await readImageFile(fromRoot(item.sharp));
    const kernel = await readKernelFile(fromRoot(item.kernel));
    assert.deepEqual([kernel.height, kernel.width], item.kernelSize);
    assert.ok(Math.abs(kernelSum(kernel) - 1) < 1e-5);
    assert.deepEqual([blurred.width, blurred.height, blurred.channels], [sharp.width, sharp.height, sharp.channels]);
    // rebuild the noise-free blur from the documented crop of the source image
    const [, name, x, y] = /^(\w+?)_(\d+)_(\d+)_psf\d$/.exec(item.id)!;
    const source = cropImage(await readImageFile(sharedData('natural', `${name}.png`)), +x, +y, 192, 192);
    const clean = blurImage(source, kernel, { mode: 'valid' });
    let se = 0;
    for (let i = 0; i < clean.data.length; i++) se += (clean.data[i] - blurred.data[i]) ** 2;
    const rms = Math.sqrt(se / clean.data.length);
    assert.ok(rms > 0.008 && rms < 0.012, `${item.id}: residual ${rms} is not the σ=0.01 noise`);
    const h = (kernel.height - 1) / 2;
    assert.ok(maxAbsDiff(sharp.data, cropImage(source, h, h, 192 - 2 * h, 192 - 2 * h).data) < 1 / 255, 'central crop');
  }
});

test('levin-motion lists the 32 captured photos by path from the project root, with kernels in the PSF convention', async () => {
  const manifest = JSON.parse(readFileSync(path.join(dirs[1], 'levin-motion', 'manifest.json'), 'utf8'));
  assert.equal(manifest.items.length, 32);
  for (const item of manifest.items) {
    assert.ok(item.blurred.startsWith('../shared/data/levin/blurred/'), item.blurred);
    assert.equal(path.resolve(projectRoot, item.sharp), sharedData('levin', 'sharp', `${item.id.split('_')[0]}.png`));
  }
  const k4 = await readKernelFile(fromRoot(manifest.items[3].kernel));
  assert.ok(maxAbsDiff(k4.data, (await loadLevinKernel(4, sharedData())).data) < 1e-7);
  assert.deepEqual(manifest.items[3].kernelSize, [27, 27]);
});

test('ffhq-motion-noiseless has ffhq-motion\'s faces and PSFs, blurred without noise', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sdi-sets-c-'));
  dirs.push(dir);
  const [noisy, clean] = await makeSets({ seed: 0, sets: ['ffhq-motion', 'ffhq-motion-noiseless'], outDir: dir });
  assert.equal(clean.noiseSigma, 0);
  assert.deepEqual(clean.items.map((i) => [i.id, i.kernelSize]), noisy.items.map((i) => [i.id, i.kernelSize]));
  for (const [j, item] of clean.items.entries()) {
    if (j % 5 !== 0) continue; // items run face by face, PSF by PSF: j = 5f is face f with PSF f
    const kernel = await readKernelFile(fromRoot(item.kernel));
    assert.deepEqual(kernel.data, (await readKernelFile(fromRoot(noisy.items[j].kernel))).data);
    const sharp = await readImageFile(fromRoot(item.sharp));
    assert.deepEqual(sharp.data, (await readImageFile(fromRoot(noisy.items[j].sharp))).data);
    const face = await readImageFile(sharedData('ffhq', `${item.id.split('_')[0].replace('ffhq', '')}.png`));
    const blurred = await readImageFile(fromRoot(item.blurred));
    assert.ok(maxAbsDiff(blurred.data, blurImage(face, kernel, { mode: 'valid' }).data) < 1e-4, `${item.id}: blurred is the exact blur up to 16-bit rounding`);
  }
});
