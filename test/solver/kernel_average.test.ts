import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignedKernelMean } from '../../src/solver/kernel_average.js';
import type { Kernel } from '../../src/physics/kernel.js';

/** A 9×9 kernel with the given taps ([row, col, value]). */
function kernel(taps: Array<[number, number, number]>): Kernel {
  const data = new Float32Array(81);
  for (const [r, c, v] of taps) data[r * 9 + c] = v;
  return { width: 9, height: 9, data };
}

test('alignedKernelMean of shifted copies is the first copy: the shift is found and undone', () => {
  const line = kernel([[2, 2, 0.25], [3, 3, 0.25], [4, 4, 0.25], [5, 5, 0.25]]);
  const moved = kernel([[3, 1, 0.25], [4, 2, 0.25], [5, 3, 0.25], [6, 4, 0.25]]); // one row down, one column left
  const mean = alignedKernelMean([line, moved, line]);
  assert.deepEqual(Array.from(mean.data), Array.from(line.data));
});

test('alignedKernelMean averages two different kernels tap by tap (k̄ = (k₀ + k₁)/2 when aligned) and normalises', () => {
  const a = kernel([[4, 3, 0.5], [4, 4, 0.5]]);
  const b = kernel([[4, 3, 0.3], [4, 4, 0.5], [4, 5, 0.2]]); // best aligned without a shift
  const mean = alignedKernelMean([a, b]);
  const expected = kernel([[4, 3, 0.4], [4, 4, 0.5], [4, 5, 0.1]]);
  mean.data.forEach((v, i) => assert.ok(Math.abs(v - expected.data[i]) < 1e-7, `tap ${i}: ${v} vs ${expected.data[i]}`));
  // unnormalised inputs: the result still sums to 1
  const sum = alignedKernelMean([kernel([[4, 4, 2]]), kernel([[1, 1, 3]])]).data.reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(sum - 1) < 1e-6);
});

test('alignedKernelMean refuses no kernels and kernels of different sizes', () => {
  assert.throws(() => alignedKernelMean([]), RangeError);
  assert.throws(() => alignedKernelMean([kernel([[4, 4, 1]]), { width: 7, height: 7, data: new Float32Array(49).fill(1 / 49) }]), RangeError);
});
