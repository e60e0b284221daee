import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf.js';
import { initBackend } from '../../src/engine/backend.js';
import { coarseGeometry, doubleLatent, halveImage, halveKernel } from '../../src/solver/coarse_scale.js';
import { blurValid } from '../../src/solver/differentiable_blur.js';
import { Rng } from '../../src/rng.js';

before(async () => {
  await initBackend('cpu');
});

test('halveKernel: 2 × 2 sums of the kernel zero-padded to even size (hand-computed), mass kept', () => {
  const k = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8, 9].map((v) => v / 45), [3, 3]);
  const kc = halveKernel(k);
  assert.deepEqual(kc.shape, [2, 2]);
  Array.from(kc.dataSync()).forEach((v, i) => assert.ok(Math.abs(v - [12, 9, 15, 9][i] / 45) < 1e-7, `tap ${i}: ${v}`));
  const big = halveKernel(tf.softmax(tf.tensor2d(new Rng(1).normalArray(31 * 31), [1, 961])).reshape([31, 31]) as tf.Tensor2D);
  assert.deepEqual(big.shape, [16, 16]);
  assert.ok(Math.abs(big.sum().dataSync()[0] - 1) < 1e-5);
  tf.dispose([k, kc, big]);
});

test('halveImage: 2 × 2 means of the top-left even part (hand-computed)', () => {
  const y = tf.tensor4d(Array.from({ length: 20 }, (_, i) => i), [1, 5, 4, 1]);
  const yc = halveImage(y);
  assert.deepEqual(yc.shape, [1, 2, 2, 1]);
  assert.deepEqual(Array.from(yc.dataSync()), [2.5, 4.5, 10.5, 12.5]);
  tf.dispose([y, yc]);
});

test('coarse geometry: the halved problem blurs the halved latent to the halved input, and doubleLatent gives back the full support', () => {
  for (const [H, k] of [[40, 7], [41, 31], [40, 8]]) {
    const g = coarseGeometry(H, H, k, k);
    assert.equal(g.supportHeight, g.height + g.kh - 1);
    const xc = tf.ones([1, g.supportHeight, g.supportWidth, 1]) as tf.Tensor4D;
    const x = doubleLatent(xc, H + k - 1, H + k - 1);
    assert.deepEqual(x.shape, [1, H + k - 1, H + k - 1, 1]);
    assert.ok(x.dataSync().every((v) => Math.abs(v - 1) < 1e-6), 'a constant stays constant');
    tf.dispose([xc, x]);
  }
  // smooth image, random PSF: ‖halve(x ⊛ k) − halve(x) ⊛ halveKernel(k)‖ / ‖halve(x ⊛ k)‖ stays small (not 0:
  // pooling the kernel moves its odd taps by half a fine pixel, a first-order error the networks absorb)
  const H = 40, k = 7, rng = new Rng(3);
  const x = tf.tensor4d(Array.from({ length: (H + k - 1) ** 2 }, (_, n) => {
    const i = Math.floor(n / (H + k - 1)), j = n % (H + k - 1);
    return 0.5 + 0.3 * Math.sin(i / 6) * Math.cos(j / 9);
  }), [1, H + k - 1, H + k - 1, 1]);
  const kernel = tf.tidy(() => tf.reshape(tf.softmax(tf.tensor2d(rng.normalArray(k * k), [1, k * k])), [k, k]) as tf.Tensor2D);
  const error = tf.tidy(() => {
    const fine = halveImage(blurValid(x, kernel));
    const coarse = blurValid(tf.avgPool(x, 2, 2, 'valid') as tf.Tensor4D, halveKernel(kernel));
    assert.deepEqual(coarse.shape, fine.shape);
    return tf.div(tf.norm(tf.sub(fine, coarse)), tf.norm(fine)).dataSync()[0];
  });
  assert.ok(error < 0.04, `relative error ${error}`);
  tf.dispose([x, kernel]);
});
