import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { makePsf, parsePsfSpec } from '../../src/physics/psf/index.js';
import { gaussianPsf } from '../../src/physics/psf/gaussian.js';
import { levinKernelFromText, levinKernelRelativePath } from '../../src/physics/psf/levin.js';
import { deltaKernel, kernelSum } from '../../src/physics/kernel.js';
import { Rng } from '../../src/rng.js';
import { sharedData } from '../helpers.js';

test('parsePsfSpec accepts every documented form and rejects bad ones with one-line errors', () => {
  assert.deepEqual(parsePsfSpec('zernike'), { kind: 'zernike' });
  assert.deepEqual(parsePsfSpec('motion'), { kind: 'motion' });
  assert.deepEqual(parsePsfSpec('gaussian'), { kind: 'gaussian' });
  assert.deepEqual(parsePsfSpec('gaussian:1.5'), { kind: 'gaussian', sigma: 1.5 });
  assert.deepEqual(parsePsfSpec('levin:3'), { kind: 'levin', index: 3 });
  assert.deepEqual(parsePsfSpec('file:k.txt'), { kind: 'file', path: 'k.txt' });
  const z = parsePsfSpec('zernike:4=0.3,7=-0.1');
  assert.equal(z.kind, 'zernike');
  assert.deepEqual(Array.from((z as { coefficients: Float64Array }).coefficients), [0, 0, 0, 0.3, 0, 0, -0.1]);
  for (const bad of ['foo', 'levin:9', 'levin:0', 'levin:x', 'levin', 'gaussian:-1', 'gaussian:abc', 'file:', 'motion:3', 'zernike:4', 'zernike:99=1']) {
    assert.throws(() => parsePsfSpec(bad), (e: Error) => e.name === 'SdiError' && !e.message.includes('\n'), bad);
  }
});

test('makePsf builds each family at the requested size, seeded', () => {
  for (const spec of ['zernike', 'motion', 'gaussian', 'gaussian:2', 'zernike:4=0.2']) {
    for (const size of [15, 20]) {
      const { kernel } = makePsf(spec, size, new Rng(1));
      assert.equal(kernel.width, size);
      assert.equal(kernel.height, size);
      assert.ok(Math.abs(kernelSum(kernel) - 1) < 1e-5, spec);
      assert.deepEqual(Array.from(makePsf(spec, size, new Rng(1)).kernel.data), Array.from(kernel.data));
    }
  }
  assert.equal(makePsf('motion', undefined, new Rng(0)).kernel.width, 31);
  assert.throws(() => makePsf('motion', 0, new Rng(0)), /psf-size/);
  const g = gaussianPsf(9, { sigma1: 1.2 });
  assert.deepEqual(Array.from(makePsf('gaussian:1.2', 9, new Rng(0)).kernel.data), Array.from(g.data));
});

test('levin: and file: come from the caller-supplied loader, keep their size or are padded, never cropped', () => {
  const levin = (j: number) => levinKernelFromText(readFileSync(sharedData(levinKernelRelativePath(j)), 'utf8'));
  const k4 = makePsf('levin:4', undefined, new Rng(0), { levin }).kernel;
  assert.equal(k4.width, 27);
  const padded = makePsf('levin:5', 21, new Rng(0), { levin }).kernel;
  assert.equal(padded.width, 21);
  assert.ok(Math.abs(kernelSum(padded) - 1) < 1e-5);
  assert.throws(() => makePsf('levin:4', 21, new Rng(0), { levin }), /smaller than the 27×27/);
  assert.throws(() => makePsf('levin:4', undefined, new Rng(0)), /loader/);
  const file = makePsf('file:any.txt', undefined, new Rng(0), { file: () => deltaKernel(4) }).kernel;
  assert.equal(file.width, 4);
});
