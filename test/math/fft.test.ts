import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fft1d, fft2d, psf2otf } from '../../src/math/fft.js';
import { Rng } from '../../src/rng.js';

function dft(re: Float64Array, im: Float64Array): [Float64Array, Float64Array] {
  const n = re.length, or = new Float64Array(n), oi = new Float64Array(n);
  for (let k = 0; k < n; k++) for (let t = 0; t < n; t++) {
    const a = (-2 * Math.PI * k * t) / n;
    or[k] += re[t] * Math.cos(a) - im[t] * Math.sin(a);
    oi[k] += re[t] * Math.sin(a) + im[t] * Math.cos(a);
  }
  return [or, oi];
}

test('fft1d matches the direct DFT for power-of-two and other lengths, and inverts', () => {
  const rng = new Rng(1);
  for (const n of [1, 2, 3, 7, 8, 12, 64, 100, 255]) {
    const re = rng.normalArray(n).map(Number) as unknown as Float64Array;
    const r = Float64Array.from(re), i = Float64Array.from(rng.normalArray(n));
    const [dr, di] = dft(r, i);
    const fr = r.slice(), fi = i.slice();
    fft1d(fr, fi);
    for (let k = 0; k < n; k++) {
      assert.ok(Math.abs(fr[k] - dr[k]) < 1e-9 * n && Math.abs(fi[k] - di[k]) < 1e-9 * n, `n=${n} k=${k}`);
    }
    fft1d(fr, fi, true);
    for (let k = 0; k < n; k++) assert.ok(Math.abs(fr[k] - r[k]) < 1e-12 && Math.abs(fi[k] - i[k]) < 1e-12);
  }
});

test('fft2d round-trips and psf2otf of a centred delta is all ones', () => {
  const rows = 6, cols = 10;
  const re = Float64Array.from({ length: rows * cols }, (_, i) => Math.sin(i));
  const im = new Float64Array(rows * cols);
  const r = re.slice();
  fft2d(re, im, rows, cols);
  fft2d(re, im, rows, cols, true);
  for (let i = 0; i < r.length; i++) assert.ok(Math.abs(re[i] - r[i]) < 1e-12);
  const delta = { width: 3, height: 3, data: [0, 0, 0, 0, 1, 0, 0, 0, 0] };
  const otf = psf2otf(delta, rows, cols);
  for (let i = 0; i < rows * cols; i++) assert.ok(Math.abs(otf.re[i] - 1) < 1e-12 && Math.abs(otf.im[i]) < 1e-12);
});
