import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resampleKernel } from '../../src/physics/kernel_resample.js';
import { createKernel, normalizeKernel } from '../../src/physics/kernel.js';

test('resampling keeps the sum, the centre and scales the extent', () => {
  // a horizontal line of length 5 through the centre of a 9×9 kernel
  const k = createKernel(9, 9);
  for (let c = 2; c <= 6; c++) k.data[4 * 9 + c] = 1;
  const big = resampleKernel(normalizeKernel(k), 17, 17);
  const sum = big.data.reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(sum - 1) < 1e-6);
  // mass stays within a pixel of the centre row (a 1-px line at half resolution is ~2 px thick at full)
  // and spreads to about twice the length
  const band = Array.from(big.data.subarray(7 * 17, 10 * 17)).reduce((s, v) => s + v, 0);
  assert.ok(band > 0.999, `mass near the centre row ${band}`);
  const row = Array.from(big.data.subarray(8 * 17, 9 * 17));
  const onRow = row.reduce((s, v) => s + v, 0);
  const support = row.filter((v) => v > 1e-6).length;
  assert.ok(support >= 9 && support <= 11, `support ${support}`);
  // centre of mass stays at the centre
  const com = row.reduce((s, v, i) => s + v * i, 0) / onRow;
  assert.ok(Math.abs(com - 8) < 1e-6);
});
