/**
 * Bad input through the library entry point `deblur()` (what the web worker and the benchmark call):
 * malformed images and options are rejected with a one-line SdiError before any tensor exists;
 * tiny-but-valid inputs run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deblur, type DeblurOptions } from '../../src/deblur.js';
import { tf } from '../../src/engine/tf.js';
import { SdiError } from '../../src/errors.js';
import type { Image } from '../../src/image/image.js';
import { patternImage } from './fuzz_cases.js';

process.env.SDI_WASM_THREADS = '1';
const tiny: DeblurOptions = { preset: 'fast', kernelSize: 3, maxWorkingSize: 16, solver: { steps: 1, iterations: 1 } };
const img = patternImage(20, 20, 1);
const malformed = (o: Partial<Record<keyof Image, unknown>>) => ({ ...img, ...o }) as unknown as Image;

const rejected: Array<[string, Image, DeblurOptions, RegExp]> = [
  ['samples missing', malformed({ data: new Float32Array(10) }), tiny, /not a valid image: 20×20 with 1 channels needs 400 samples, got 10/],
  ['extra samples', malformed({ data: new Float32Array(1000) }), tiny, /needs 400 samples, got 1000/],
  ['5 channels', malformed({ channels: 5, data: new Float32Array(2000) }), tiny, /not a valid image: 20×20 with 5 channels/],
  ['0 channels', malformed({ channels: 0, data: new Float32Array(0) }), tiny, /not a valid image/],
  ['zero width', malformed({ width: 0, data: new Float32Array(0) }), tiny, /not a valid image: 0×20/],
  ['fractional height', malformed({ height: 2.5 }), tiny, /not a valid image: 20×2\.5/],
  ['no data', malformed({ data: undefined }), tiny, /got undefined/],
  ['NaN samples', malformed({ data: new Float32Array(400).fill(NaN) }), tiny, /NaN or infinite values/],
  ['infinite sample', malformed({ data: Float32Array.from(img.data, (v, i) => (i === 7 ? Infinity : v)) }), tiny, /NaN or infinite values/],
  ['1×1 image', patternImage(1, 1, 1), tiny, /kernel size 3×3 must be smaller than the image \(1×1\)/],
  ['kernel NaN', img, { ...tiny, kernelSize: NaN }, /kernel size must be a positive integer, got NaN/],
  ['kernel 0', img, { ...tiny, kernelSize: 0 }, /kernel size must be a positive integer, got 0/],
  ['kernel -3', img, { ...tiny, kernelSize: -3 }, /got -3/],
  ['kernel larger than the image', img, { ...tiny, kernelSize: [3, 25] }, /kernel size 3×25 must be smaller than the image/],
  ['seed Infinity', img, { ...tiny, seed: Infinity }, /seed must be a finite number/],
  ['scale 2', img, { ...tiny, scale: 2 }, /scale must be in \(0, 1\], got 2/],
  ['scale NaN', img, { ...tiny, scale: NaN }, /scale must be in \(0, 1\], got NaN/],
  ['working size 4', img, { ...tiny, maxWorkingSize: 4 }, /working size must be an integer ≥ 8/],
  ['unknown preset', img, { ...tiny, preset: 'turbo' as never }, /unknown preset 'turbo'/],
  ['unknown backend', img, { ...tiny, backend: 'gpu' as never }, /unknown backend 'gpu'/],
  ['region outside', img, { ...tiny, region: { x0: 10, y0: 10, width: 20, height: 5 } }, /region 20×5\+10\+10 is not inside the 20×20 image/],
  ['memory limit NaN', img, { ...tiny, memoryLimitBytes: NaN }, /memory limit must be a positive number of bytes, got NaN/],
  ['memory limit negative', img, { ...tiny, memoryLimitBytes: -1 }, /got -1/],
  ['memory limit too small', img, { ...tiny, memoryLimitBytes: 1024 }, /more than the 1 MiB memory limit/],
];

test('malformed images and options: one-line SdiError, no tensors left', async () => {
  const tensors = tf.memory().numTensors;
  for (const [name, image, options, pattern] of rejected) {
    await assert.rejects(deblur(image, options), (e: unknown) => {
      assert.ok(e instanceof SdiError, `${name}: ${(e as Error)?.stack}`);
      assert.ok(!e.message.includes('\n'), name);
      assert.match(e.message, pattern, name);
      return true;
    }, name);
  }
  assert.equal(tf.memory().numTensors, tensors);
});

test('tiny but valid input runs: 3×3 with kernel 1 and 2, even kernel 4, gray+alpha and RGBA images', async () => {
  const cases: Array<[Image, DeblurOptions]> = [
    [patternImage(3, 3, 1), { ...tiny, kernelSize: 1 }],
    [patternImage(3, 3, 3), { ...tiny, kernelSize: 2 }],
    [patternImage(20, 16, 1), { ...tiny, kernelSize: 4 }],
    [patternImage(20, 16, 2), { ...tiny, kernelSize: [3, 5] }],
    [patternImage(20, 16, 4), tiny],
  ];
  for (const [image, options] of cases) {
    const r = await deblur(image, options);
    assert.deepEqual([r.image.width, r.image.height, r.image.channels], [image.width, image.height, image.channels]);
    assert.ok(r.image.data.every((v) => v >= 0 && v <= 1));
    const [kh, kw] = typeof options.kernelSize === 'number' ? [options.kernelSize, options.kernelSize] : options.kernelSize!;
    assert.deepEqual([r.kernel.height, r.kernel.width], [kh, kw]);
    assert.ok(Math.abs(r.kernel.data.reduce((a, b) => a + b, 0) - 1) < 1e-4);
  }
});
