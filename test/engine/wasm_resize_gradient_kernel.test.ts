import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf.js';
import { initBackend } from '../../src/engine/backend.js';
import { averagePool } from '../../src/engine/ops/average_pool.js';
import { resizeBilinearBackward } from '../../src/engine/gradients/resize_bilinear_gradient.js';
import { wasmResizeGradientApplies, wasmResizeGradientSwitch } from '../../src/engine/kernels/wasm_resize_gradient_kernel.js';
import { Rng } from '../../src/rng.js';

before(async () => {
  process.env.SDI_WASM_THREADS ??= '1';
  await initBackend('wasm');
});

test('XNNPACK\'s 2×2 average pool sums a window as ¼·((x[p, q] + x[p+1, q]) + (x[p, q+1] + x[p+1, q+1])), the order the SIMD resize gradient copies', () => {
  const [h, w, c] = [9, 11, 8];
  const x = tf.tensor4d(new Rng(5).normalArray(h * w * c), [1, h, w, c]);
  const xv = x.dataSync(), f = Math.fround;
  for (const stride of [1, 2]) {
    const pooled = averagePool(x, 2, stride);
    const p = pooled.dataSync();
    const [, ho, wo] = pooled.shape;
    const at = (i: number, j: number, k: number) => xv[(i * w + j) * c + k];
    for (let i = 0; i < ho; i++) for (let j = 0; j < wo; j++) for (let k = 0; k < c; k++) {
      const [r, s] = [i * stride, j * stride];
      const expected = f(f(f(at(r, s, k) + at(r + 1, s, k)) + f(at(r, s + 1, k) + at(r + 1, s + 1, k))) * 0.25);
      assert.ok(Object.is(p[(i * wo + j) * c + k], expected), `stride ${stride} (${i}, ${j}, ${k})`);
    }
    pooled.dispose();
  }
  x.dispose();
});

test('the SIMD resize gradient gives the average pools\' values bit for bit (batches, rectangles, 4 to 32 channels); no tensors leak', () => {
  const rng = new Rng(17);
  const start = tf.memory().numTensors;
  for (const [n, h, w, c] of [[1, 143, 143, 32], [2, 5, 7, 4], [1, 1, 2, 8], [1, 2, 1, 4], [1, 36, 18, 16], [1, 40, 3, 12]]) {
    const dy = tf.tensor4d(rng.normalArray(n * 4 * h * w * c), [n, 2 * h, 2 * w, c]);
    assert.ok(wasmResizeGradientApplies(dy));
    const kernel = resizeBilinearBackward(dy, [n, h, w, c], false, true);
    wasmResizeGradientSwitch.set(false);
    const pools = resizeBilinearBackward(dy, [n, h, w, c], false, true);
    wasmResizeGradientSwitch.set(true);
    assert.deepEqual(kernel.shape, [n, h, w, c]);
    const a = kernel.dataSync(), b = pools.dataSync();
    let differing = 0;
    // equal as numbers (±0 compare equal: XNNPACK's pools add +0 from unused window slots)
    for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) differing++;
    assert.equal(differing, 0, `${[n, h, w, c]}: ${differing} of ${a.length} values differ`);
    tf.dispose([dy, kernel, pools]);
  }
  assert.equal(tf.memory().numTensors, start);
});

test('the SIMD resize gradient is used only for float32 maps of even size with channels % 4 = 0 and an output larger than 1×1 (a global pool sums in another order)', () => {
  const cases: Array<[number[], boolean]> = [[[1, 4, 6, 8], true], [[1, 4, 6, 3], false], [[1, 5, 6, 8], false], [[1, 4, 6, 1], false], [[1, 2, 2, 8], false], [[1, 2, 4, 8], true]];
  for (const [shape, expected] of cases) {
    const t = tf.zeros(shape);
    assert.equal(wasmResizeGradientApplies(t), expected, `${shape}`);
    t.dispose();
  }
});
