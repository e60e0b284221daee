import { test } from 'node:test';
import assert from 'node:assert/strict';
import { downsampleKernel, initialKernel, pyramidLevels, upsampleKernel } from '../../src/baselines/pyramid.js';
import { createKernel } from '../../src/physics/kernel.js';

test('pyramid: ratio 1/√2 down to a ≈5-tap kernel, finest level exact, coarse kernels odd', () => {
  const levels = pyramidLevels(255, 255, 29, 29);
  assert.equal(levels.length, 6); // ⌊log(5/29)/log(1/√2)⌋ + 1
  assert.deepEqual(levels.map((l) => l.kernelWidth), [7, 9, 11, 15, 21, 29]);
  assert.deepEqual(levels.at(-1), { scale: 1, width: 255, height: 255, kernelWidth: 29, kernelHeight: 29 });
  assert.equal(levels[0].width, Math.round(255 * Math.SQRT1_2 ** 5));
  assert.equal(pyramidLevels(40, 30, 5, 5).length, 1);
  assert.deepEqual(pyramidLevels(100, 60, 16, 8).at(-1), { scale: 1, width: 100, height: 60, kernelWidth: 16, kernelHeight: 8 });
});

test('initialKernel and upsampleKernel keep Σ = 1 and the centre', () => {
  const k0 = initialKernel(7, 7);
  assert.equal(k0.data[3 * 7 + 2] + k0.data[3 * 7 + 3], 1);
  const dot = createKernel(5, 5);
  dot.data[12] = 1;
  const up = upsampleKernel(dot, Math.SQRT2, 7, 7);
  assert.ok(Math.abs(up.data.reduce((s, v) => s + v, 0) - 1) < 1e-6);
  assert.equal(up.data.indexOf(Math.max(...up.data)), 3 * 7 + 3);
  const line = createKernel(5, 5);
  for (let c = 0; c < 5; c++) line.data[2 * 5 + c] = 0.2;
  const wide = upsampleKernel(line, 2, 11, 11);
  let extent = 0;
  for (let c = 0; c < 11; c++) if (wide.data[5 * 11 + c] > 0) extent++;
  assert.ok(extent >= 9, `a 5-tap line becomes ≈10 taps long, got ${extent}`);
});

test('downsampleKernel keeps a thin path connected and Σ = 1', () => {
  const line = createKernel(21, 21);
  for (let c = 0; c < 21; c++) line.data[10 * 21 + c] = 1 / 21;
  const small = downsampleKernel(line, 0.25, 7, 7);
  assert.ok(Math.abs(small.data.reduce((s, v) => s + v, 0) - 1) < 1e-6);
  const row = Array.from(small.data.slice(3 * 7, 4 * 7));
  assert.ok(row.filter((v) => v > 0).length >= 5, `row ${row}`);
  assert.ok(Math.abs(row.reduce((s, v) => s + v, 0) - 1) < 1e-6, 'all mass stays on the middle row');
});
