import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cropPlane, mirrorIndex, padPlane } from '../../src/deconv/boundary.js';

test('mirrorIndex is the half-sample symmetric reflection', () => {
  assert.deepEqual([-3, -2, -1, 0, 1, 2, 3, 4, 5, 6].map((i) => mirrorIndex(i, 3)), [2, 1, 0, 0, 1, 2, 2, 1, 0, 0]);
});

test('padPlane keeps the image at the top-left, uses power-of-two sizes with the margin, and crops back exactly', () => {
  const w = 37, h = 21;
  const plane = Float64Array.from({ length: w * h }, (_, i) => Math.sin(i * 0.37) * 0.5 + 0.5);
  const pad = padPlane(plane, w, h, 15);
  assert.equal(pad.cols, 64);
  assert.equal(pad.rows, 64); // 21 + 15 = 36 → 64
  assert.deepEqual(Array.from(cropPlane(pad.data, pad.cols, w, h)), Array.from(plane));
});

test('the padded canvas is continuous across the image edges and the wrap-around', () => {
  // a smooth ramp image: any jump larger than its own steps would be a seam
  const w = 50, h = 40;
  const plane = new Float64Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) plane[y * w + x] = 0.2 + 0.012 * x + 0.01 * y;
  const pad = padPlane(plane, w, h, 20);
  let maxJump = 0;
  for (let y = 0; y < pad.rows; y++) {
    for (let x = 0; x < pad.cols; x++) {
      const v = pad.data[y * pad.cols + x];
      const right = pad.data[y * pad.cols + ((x + 1) % pad.cols)], down = pad.data[((y + 1) % pad.rows) * pad.cols + x];
      maxJump = Math.max(maxJump, Math.abs(right - v), Math.abs(down - v));
    }
  }
  // the image's own steps are 0.012; a plain periodic wrap would jump by 0.012·49 = 0.59
  assert.ok(maxJump < 0.05, `max jump ${maxJump}`);
});
