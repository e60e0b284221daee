import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RealFft2d } from '../../src/math/real_fft2d.js';
import { fft2d } from '../../src/math/fft.js';
import { Rng } from '../../src/rng.js';
import { maxAbsDiff } from '../helpers.js';

test('RealFft2d matches the complex fft2d forward, and inverts it', () => {
  const rng = new Rng(11);
  for (const [rows, cols] of [[2, 2], [8, 16], [64, 32], [6, 10], [1, 8]]) {
    const x = Float64Array.from({ length: rows * cols }, () => rng.normal());
    const re = x.slice(), im = new Float64Array(x.length);
    fft2d(re, im, rows, cols);
    const f = new RealFft2d(rows, cols);
    const r2 = new Float64Array(x.length), i2 = new Float64Array(x.length);
    f.forward(x, r2, i2);
    assert.ok(maxAbsDiff(re, r2) < 1e-9 && maxAbsDiff(im, i2) < 1e-9, `forward ${rows}×${cols}`);
    const back = new Float64Array(x.length);
    f.inverse(r2, i2, back);
    assert.ok(maxAbsDiff(back, x) < 1e-12, `inverse ${rows}×${cols}`);
  }
});
