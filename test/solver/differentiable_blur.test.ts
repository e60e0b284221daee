import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf.js';
import { initBackend } from '../../src/engine/backend.js';
import { blurValid } from '../../src/solver/differentiable_blur.js';
import { convolveValid } from '../../src/physics/convolve.js';
import { Rng } from '../../src/rng.js';

test("the solver's tfjs blur equals the physics module's 'valid' convolution (same convention) on wasm", async () => {
  await initBackend('wasm');
  const rng = new Rng(11);
  for (const [h, w, kh, kw] of [[40, 37, 7, 7], [33, 30, 8, 5], [60, 60, 21, 21]]) {
    const x = { width: w, height: h, data: Float32Array.from({ length: w * h }, () => rng.uniform()) };
    const k = { width: kw, height: kh, data: Float32Array.from({ length: kw * kh }, () => rng.uniform()) };
    const expected = convolveValid(x, k, 'direct');
    const got = tf.tidy(() => blurValid(tf.tensor4d(x.data, [1, h, w, 1]), tf.tensor2d(k.data, [kh, kw])).dataSync());
    assert.equal(got.length, expected.data.length);
    let err = 0, mag = 0;
    for (let i = 0; i < got.length; i++) { err = Math.max(err, Math.abs(got[i] - expected.data[i])); mag = Math.max(mag, Math.abs(expected.data[i])); }
    assert.ok(err < 1e-4 * mag, `${h}×${w} ⊛ ${kh}×${kw}: max error ${err}`);
  }
});
