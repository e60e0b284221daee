import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hyperLaplacianShrinkage, isotropicShrinkage } from '../../src/deconv/shrinkage.js';

/** argmin_w λ|w|^α + β/2 (w − v)² by dense search (the definition). */
function bruteProx(v: number, lambda: number, alpha: number, beta: number): number {
  let best = 0, bestE = (beta / 2) * v * v;
  const n = 200000;
  for (let i = 1; i <= n; i++) {
    const w = (Math.sign(v) * Math.abs(v) * i) / n;
    const e = lambda * Math.abs(w) ** alpha + (beta / 2) * (w - v) ** 2;
    if (e < bestE) { bestE = e; best = w; }
  }
  return best;
}

test('α = 1 is soft thresholding at λ/β', () => {
  const s = hyperLaplacianShrinkage(0.1, 1, 2);
  const v = Float64Array.from([-1, -0.05, 0, 0.04, 0.3]);
  s.apply(v);
  assert.deepEqual(Array.from(v).map((x) => +x.toFixed(12)), [-0.95, 0, 0, 0, 0.25]);
  assert.equal(s.threshold, 0.05);
});

test('α < 1 matches the brute-force minimiser, with the closed-form threshold', () => {
  for (const [lambda, alpha, beta] of [[0.01, 2 / 3, 1], [0.02, 0.5, 3], [0.005, 0.8, 0.5]]) {
    const s = hyperLaplacianShrinkage(lambda, alpha, beta);
    const vs = [-0.5, -0.2, -s.threshold * 1.01, -s.threshold * 0.99, 0.01, s.threshold * 1.02, 0.15, 0.9];
    const out = Float64Array.from(vs);
    s.apply(out);
    vs.forEach((v, i) => {
      const ref = bruteProx(v, lambda, alpha, beta);
      assert.ok(Math.abs(out[i] - ref) <= 2e-5 * Math.max(1, Math.abs(v)) + 1e-6 * Math.abs(v), `λ=${lambda} α=${alpha} β=${beta} v=${v}: ${out[i]} vs ${ref}`);
    });
  }
});

test('isotropic shrinkage shortens each gradient vector by t (or zeroes it)', () => {
  const gh = Float64Array.from([3, 0.1, 0]), gv = Float64Array.from([4, 0.1, -2]);
  isotropicShrinkage(gh, gv, 1);
  assert.ok(Math.abs(Math.hypot(gh[0], gv[0]) - 4) < 1e-12 && Math.abs(gh[0] / gv[0] - 0.75) < 1e-12);
  assert.equal(gh[1], 0);
  assert.equal(gv[1], 0);
  assert.ok(Math.abs(gv[2] + 1) < 1e-12);
});
