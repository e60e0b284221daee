import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf.js';
import { initBackend } from '../../src/engine/backend.js';
import { convGeometry } from '../../src/engine/gradients/conv_geometry.js';
import { chooseFilterGradientMethod, conv2dFilterGradient } from '../../src/engine/gradients/conv2d_filter_gradient.js';
import { simdFilterGradient, wasmFilterGradientApplies, wasmFilterGradientSwitch } from '../../src/engine/kernels/wasm_filter_gradient_kernel.js';
import { Rng } from '../../src/rng.js';

before(async () => {
  process.env.SDI_WASM_THREADS ??= '1';
  await initBackend('wasm');
});

/** dw[a, b, c, o] = Σ xp[n, s·i + a, s·j + b, c]·dy[n, i, j, o], summed in float64 from the arrays. */
function directFilterGradient(x: Float32Array, xShape: number[], dy: Float32Array, dyShape: number[], k: number, s: number): Float64Array {
  const [n, hp, wp, cin] = xShape, [, ho, wo, cout] = dyShape;
  const dw = new Float64Array(k * k * cin * cout);
  for (let b = 0; b < n; b++) for (let i = 0; i < ho; i++) for (let j = 0; j < wo; j++) {
    for (let a = 0; a < k; a++) for (let t = 0; t < k; t++) {
      const xo = ((b * hp + s * i + a) * wp + s * j + t) * cin, dyo = ((b * ho + i) * wo + j) * cout;
      for (let c = 0; c < cin; c++) for (let o = 0; o < cout; o++) dw[((a * k + t) * cin + c) * cout + o] += x[xo + c] * dy[dyo + o];
    }
  }
  return dw;
}

test('the SIMD filter gradient equals the direct sum (float64) for several blocks, strides and a batch; no tensors leak', () => {
  const rng = new Rng(3);
  const before = tf.memory().numTensors;
  for (const [xShape, k, s] of [[[2, 9, 70, 8], 3, 1], [[1, 11, 12, 4], 3, 2], [[1, 8, 9, 12], 1, 1], [[1, 10, 10, 8], 5, 1]] as Array<[number[], number, number]>) {
    const ho = Math.floor((xShape[1] - k) / s) + 1, wo = Math.floor((xShape[2] - k) / s) + 1;
    const dyShape = [xShape[0], ho, wo, 16];
    const x = rng.normalArray(xShape.reduce((a, b) => a * b, 1)), dy = rng.normalArray(dyShape.reduce((a, b) => a * b, 1));
    const expected = directFilterGradient(x, xShape, dy, dyShape, k, s);
    const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    for (const block of [1, 7, 32, 1000]) {
      const got = tf.tidy(() => simdFilterGradient(tf.tensor4d(x, xShape as [number, number, number, number]), tf.tensor4d(dy, dyShape as [number, number, number, number]), k, k, s, s, block).dataSync());
      assert.equal(got.length, expected.length);
      let err = 0;
      for (let i = 0; i < got.length; i++) err = Math.max(err, Math.abs(got[i] - expected[i]));
      assert.ok(err / scale < 1e-5, `x ${xShape} k ${k} s ${s} block ${block}: relative error ${err / scale}`);
    }
  }
  assert.equal(tf.memory().numTensors, before);
});

test('wasm picks the SIMD filter gradient where its channel counts fit, the matMul formulation otherwise or with the switch off', () => {
  const g = convGeometry([1, 40, 40, 32], [3, 3, 32, 32], { strides: 1, pad: 'valid' });
  assert.equal(wasmFilterGradientApplies(32, 32), true);
  assert.equal(chooseFilterGradientMethod(g), 'simd');
  assert.equal(chooseFilterGradientMethod(convGeometry([1, 40, 40, 32], [3, 3, 32, 32], { strides: 2, pad: 'same' })), 'simd');
  assert.notEqual(chooseFilterGradientMethod(convGeometry([1, 40, 40, 3], [3, 3, 3, 32], { strides: 1, pad: 'same' })), 'simd');
  assert.notEqual(chooseFilterGradientMethod(convGeometry([1, 40, 40, 32], [3, 3, 32, 3], { strides: 1, pad: 'same' })), 'simd');
  const previous = wasmFilterGradientSwitch.set(false);
  try {
    assert.equal(chooseFilterGradientMethod(g), 'channelMajorTapMatMul');
  } finally {
    wasmFilterGradientSwitch.set(previous);
  }
  // the two agree to float32 rounding
  const rng = new Rng(9);
  const [simd, matMul] = tf.tidy(() => {
    const x = tf.tensor4d(rng.normalArray(40 * 40 * 32), [1, 40, 40, 32]);
    const dy = tf.tensor4d(rng.normalArray(38 * 38 * 32), [1, 38, 38, 32]);
    return [conv2dFilterGradient(x, dy, g, 'simd').dataSync(), conv2dFilterGradient(x, dy, g, 'channelMajorTapMatMul').dataSync()];
  });
  let err = 0, scale = 0;
  for (let i = 0; i < simd.length; i++) { err = Math.max(err, Math.abs(simd[i] - matMul[i])); scale = Math.max(scale, Math.abs(matMul[i])); }
  assert.ok(err / scale < 1e-5, `relative difference ${err / scale}`);
});

test('the SIMD filter gradient refuses channel counts and shapes it cannot take, with a one-line error', () => {
  assert.throws(() => tf.tidy(() => simdFilterGradient(tf.zeros([1, 8, 8, 6]) as tf.Tensor4D, tf.zeros([1, 6, 6, 8]) as tf.Tensor4D, 3, 3, 1, 1)), /output channels % 8 = 0, got 6 and 8/);
  assert.throws(() => tf.tidy(() => simdFilterGradient(tf.zeros([1, 8, 8, 8]) as tf.Tensor4D, tf.zeros([1, 7, 6, 8]) as tf.Tensor4D, 3, 3, 1, 1)), /too small/);
});
