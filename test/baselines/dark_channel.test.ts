import { test } from 'node:test';
import assert from 'node:assert/strict';
import { darkChannel, darkChannelTarget } from '../../src/baselines/dark_channel.js';
import { Rng } from '../../src/rng.js';

/** Brute-force window minimum (window clipped at the borders). */
function bruteDark(x: Float64Array, rows: number, cols: number, patch: number): Float64Array {
  const r = Math.floor(patch / 2);
  const out = new Float64Array(rows * cols);
  for (let y = 0; y < rows; y++) for (let c = 0; c < cols; c++) {
    let m = Infinity;
    for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) {
      const yy = y + dy, xx = c + dx;
      if (yy >= 0 && yy < rows && xx >= 0 && xx < cols) m = Math.min(m, x[yy * cols + xx]);
    }
    out[y * cols + c] = m;
  }
  return out;
}

test('darkChannel equals the brute-force window minimum, with a valid argmin', () => {
  const rng = new Rng(3);
  for (const [rows, cols, patch] of [[9, 13, 5], [16, 7, 3], [5, 5, 35], [12, 12, 1]]) {
    const x = Float64Array.from({ length: rows * cols }, () => rng.uniform());
    const { values, argmin } = darkChannel(x, rows, cols, patch);
    assert.deepEqual(Array.from(values), Array.from(bruteDark(x, rows, cols, patch)));
    const r = Math.floor(patch / 2);
    for (let p = 0; p < values.length; p++) {
      const j = argmin[p];
      assert.equal(x[j], values[p]);
      assert.ok(Math.abs(Math.floor(j / cols) - Math.floor(p / cols)) <= r && Math.abs((j % cols) - (p % cols)) <= r, 'argmin inside the window');
    }
  }
});

test('darkChannelTarget zeroes exactly the darkest pixels whose dark value is under √(λ/α)', () => {
  const rows = 8, cols = 8;
  const x = new Float64Array(rows * cols).fill(0.8);
  x[2 * cols + 2] = 0.05; // dark, below the threshold √(0.004/0.1) = 0.2
  x[6 * cols + 6] = 0.5;  // a window minimum above the threshold
  const t = darkChannelTarget(x, rows, cols, 3, 0.004, 0.1);
  assert.equal(t[2 * cols + 2], 0);
  assert.equal(t[6 * cols + 6], 0.5);
  let changed = 0;
  for (let i = 0; i < x.length; i++) if (t[i] !== x[i]) changed++;
  assert.equal(changed, 1);
});
