import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomMotionPsf, rasterizeTrajectory, shakeTrajectory } from '../../src/physics/psf/motion.js';
import type { Kernel } from '../../src/physics/kernel.js';
import { Rng } from '../../src/rng.js';

function moments(k: Kernel) {
  let s = 0, mx = 0, my = 0;
  for (let r = 0; r < k.height; r++) for (let c = 0; c < k.width; c++) {
    const v = k.data[r * k.width + c];
    s += v; mx += v * c; my += v * r;
  }
  mx /= s; my /= s;
  let vxx = 0, vyy = 0, vxy = 0;
  for (let r = 0; r < k.height; r++) for (let c = 0; c < k.width; c++) {
    const v = k.data[r * k.width + c] / s;
    vxx += v * (c - mx) ** 2; vyy += v * (r - my) ** 2; vxy += v * (c - mx) * (r - my);
  }
  return { s, mx, my, vxx, vyy, vxy };
}

test('random motion kernels are k×k, non-negative, sum to 1, are centred and reproducible from the seed', () => {
  const rng = new Rng(11);
  for (const size of [15, 16, 31]) {
    for (let t = 0; t < 5; t++) {
      const { kernel } = randomMotionPsf(size, rng);
      const m = moments(kernel);
      assert.equal(kernel.width, size);
      assert.equal(kernel.height, size);
      assert.ok(kernel.data.every((v) => v >= 0));
      assert.ok(Math.abs(m.s - 1) < 1e-5);
      // bilinear splatting keeps the first moment exactly: the centroid is the kernel centre ⌊k/2⌋
      assert.ok(Math.abs(m.mx - Math.floor(size / 2)) < 1e-3 && Math.abs(m.my - Math.floor(size / 2)) < 1e-3, `centroid ${m.mx}, ${m.my}`);
    }
  }
  const a = randomMotionPsf(21, new Rng(4)), b = randomMotionPsf(21, new Rng(4)), c = randomMotionPsf(21, new Rng(5));
  assert.deepEqual(Array.from(a.kernel.data), Array.from(b.kernel.data));
  assert.notDeepEqual(Array.from(a.kernel.data), Array.from(c.kernel.data));
});

test('zero shakiness gives a straight uniform segment of the requested length, anti-aliased at any angle', () => {
  for (const length of [6, 12.5]) {
    const rng = new Rng(2);
    const path = shakeTrajectory(rng, { length, shakiness: 0 });
    const n = path.x.length;
    const dx = path.x[n - 1] - path.x[0], dy = path.y[n - 1] - path.y[0];
    assert.ok(Math.abs(Math.hypot(dx, dy) - length) < 1e-9, 'straight: end-to-end distance = path length');
    const { kernel, scale } = rasterizeTrajectory(path, 21);
    assert.equal(scale, 1);
    // a uniform segment of length L has variance L²/12 along its direction (plus the bilinear
    // splat's own spread f(1−f) ≤ 1/4 px² per axis), none across it
    const m = moments(kernel);
    const along = (m.vxx * dx * dx + 2 * m.vxy * dx * dy + m.vyy * dy * dy) / (dx * dx + dy * dy);
    const across = (m.vxx * dy * dy - 2 * m.vxy * dx * dy + m.vyy * dx * dx) / (dx * dx + dy * dy);
    assert.ok(along >= length ** 2 / 12 - 1e-3 && along <= length ** 2 / 12 + 1 / 4 + 1e-2, `variance along ${along}`);
    assert.ok(across <= 1 / 4 + 1e-2, `variance across ${across}`);
  }
});

test('a path too long for the canvas is shrunk to fit and still sums to 1; shakiness bends the path', () => {
  const big = randomMotionPsf(11, new Rng(1), { length: 200, shakiness: 0 });
  assert.ok(big.scale < 0.1);
  let s = 0;
  for (const v of big.kernel.data) s += v;
  assert.ok(Math.abs(s - 1) < 1e-5);
  const shaky = shakeTrajectory(new Rng(8), { length: 30, shakiness: 0.01 });
  const n = shaky.x.length;
  assert.ok(Math.hypot(shaky.x[n - 1] - shaky.x[0], shaky.y[n - 1] - shaky.y[0]) < 30 - 1, 'a shaky path is not straight');
  assert.throws(() => shakeTrajectory(new Rng(0), { length: 10, shakiness: 2 }), /shakiness/);
});
