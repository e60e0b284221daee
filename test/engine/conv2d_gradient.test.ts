import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf.js';
import { initBackend } from '../../src/engine/backend.js';
import { withOriginalGradients } from '../../src/engine/gradients/reference_gradients.js';
import { convGeometry, type Conv2DAttributes } from '../../src/engine/gradients/conv_geometry.js';
import { blockedApplies, conv2dInputGradient, type InputGradientMethod } from '../../src/engine/gradients/conv2d_input_gradient.js';
import { batchedTapMatMulFilterGradient, batchedMatMulFilterGradient1x1, conv2dFilterGradient, type FilterGradientMethod } from '../../src/engine/gradients/conv2d_filter_gradient.js';
import { Rng } from '../../src/rng.js';
import { wasmFilterGradientApplies } from '../../src/engine/kernels/wasm_filter_gradient_kernel.js';
import { wasmInterleaveApplies, wasmInterleaveSwitch } from '../../src/engine/kernels/wasm_copy_kernels.js';

type Pad = Conv2DAttributes['pad'];
interface Case { x: [number, number, number, number]; w: [number, number, number, number]; stride: number | [number, number]; pad: Pad }

const cases: Case[] = [
  { x: [1, 9, 9, 3], w: [3, 3, 3, 4], stride: 1, pad: 'same' },
  { x: [1, 10, 8, 32], w: [3, 3, 32, 16], stride: 1, pad: 'same' },
  { x: [1, 20, 18, 8], w: [3, 3, 8, 4], stride: 1, pad: 'valid' },
  { x: [2, 17, 16, 8], w: [3, 3, 8, 5], stride: 1, pad: 'same' },
  { x: [1, 9, 8, 3], w: [3, 3, 3, 4], stride: 2, pad: 'same' },
  { x: [1, 10, 10, 16], w: [3, 3, 16, 32], stride: 2, pad: 'same' },
  { x: [2, 10, 7, 3], w: [3, 3, 3, 5], stride: 2, pad: 'valid' },
  { x: [1, 8, 8, 2], w: [3, 3, 2, 2], stride: 1, pad: 'valid' },
  { x: [1, 7, 7, 8], w: [1, 1, 8, 3], stride: 1, pad: 'same' },
  { x: [1, 7, 6, 8], w: [1, 1, 8, 3], stride: 2, pad: 'valid' },
  { x: [1, 100, 90, 4], w: [1, 1, 4, 3], stride: 1, pad: 'valid' }, // 1×1 over more pixels than one matMul chunk
  { x: [1, 9, 7, 1], w: [1, 1, 1, 5], stride: 1, pad: 'same' }, // 1×1 from one channel
  { x: [1, 9, 7, 6], w: [1, 1, 6, 1], stride: 1, pad: 'valid' }, // 1×1 to one channel
  { x: [1, 40, 38, 1], w: [31, 31, 1, 1], stride: 1, pad: 'valid' },
  { x: [1, 12, 11, 2], w: [4, 3, 2, 3], stride: 2, pad: 'same' },
  { x: [1, 12, 11, 2], w: [3, 3, 2, 3], stride: 1, pad: 2 },
  { x: [1, 12, 11, 2], w: [3, 3, 2, 3], stride: [2, 1], pad: [[0, 0], [2, 1], [0, 3], [0, 0]] },
  { x: [1, 13, 11, 2], w: [5, 5, 2, 3], stride: 3, pad: 'same' },
  // shapes the wasm SIMD filter gradient takes (Cin % 4 = 0, Cout % 8 = 0): rows longer than its pixel block, a batch, strides, 1×1, 5×5
  { x: [1, 21, 75, 12], w: [3, 3, 12, 8], stride: 1, pad: 'valid' },
  { x: [2, 11, 13, 8], w: [3, 3, 8, 16], stride: 2, pad: 'same' },
  { x: [1, 9, 9, 4], w: [5, 5, 4, 8], stride: 1, pad: 'same' },
  { x: [1, 7, 7, 8], w: [1, 1, 8, 8], stride: 1, pad: 'valid' },
];

function label(c: Case): string {
  return `x ${c.x.join('×')} w ${c.w.join('×')} stride ${String(c.stride)} pad ${JSON.stringify(c.pad)}`;
}

function randomTensor(shape: number[], rng: Rng): tf.Tensor {
  return tf.tensor(rng.normalArray(shape.reduce((a, b) => a * b, 1)), shape);
}

/** tfjs's own gradients of L = Σ y·r on the cpu backend (r: a fixed random weighting). */
function referenceGradients(c: Case, seed: number): { dx: Float32Array; dw: Float32Array; dy: Float32Array } {
  tf.setBackend('cpu');
  return tf.tidy(() => {
    const rng = new Rng(seed);
    const x = randomTensor(c.x, rng) as tf.Tensor4D, w = randomTensor(c.w, rng) as tf.Tensor4D;
    const yShape = tf.conv2d(x, w, c.stride, c.pad).shape;
    const r = randomTensor(yShape, rng);
    const [dx, dw] = withOriginalGradients(['Conv2D'], () =>
      tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), r)))([x, w]));
    return { dx: dx.dataSync() as Float32Array, dw: dw.dataSync() as Float32Array, dy: r.dataSync() as Float32Array };
  });
}

/** max |a − b| / max |b|. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let diff = 0, scale = 0;
  for (let i = 0; i < a.length; i++) { diff = Math.max(diff, Math.abs(a[i] - b[i])); scale = Math.max(scale, Math.abs(b[i])); }
  return diff / scale;
}

const tolerance = 1e-4;

// one wasm thread: these tests check values (threading is tested in backend.test.ts)
before(async () => {
  process.env.SDI_WASM_THREADS ??= '1';
  await initBackend('cpu');
  await initBackend('wasm');
});

test('the registered Conv2D gradient on wasm equals tfjs\'s own gradient on cpu', () => {
  for (const [i, c] of cases.entries()) {
    const ref = referenceGradients(c, 100 + i);
    tf.setBackend('wasm');
    const [dx, dw] = tf.tidy(() => {
      const rng = new Rng(100 + i);
      const x = randomTensor(c.x, rng) as tf.Tensor4D, w = randomTensor(c.w, rng) as tf.Tensor4D;
      const r = tf.tensor(ref.dy, tf.conv2d(x, w, c.stride, c.pad).shape);
      return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), r)))([x, w])
        .map((t) => t.dataSync());
    });
    assert.ok(relativeError(dx, ref.dx) < tolerance, `dx ${label(c)}: ${relativeError(dx, ref.dx)}`);
    assert.ok(relativeError(dw, ref.dw) < tolerance, `dw ${label(c)}: ${relativeError(dw, ref.dw)}`);
  }
});

test('every input- and filter-gradient method agrees with tfjs on cpu', () => {
  const inputMethods: InputGradientMethod[] = ['direct', 'polyphase', 'blocked', 'native'];
  const filterMethods: FilterGradientMethod[] = ['blocked', 'channelsAsBatch', 'stripsAsBatch', 'tapMatMul', 'flatTapMatMul', 'matMul1x1', 'batchedMatMul1x1', 'channelMajorTapMatMul', 'batchedTapMatMul', 'simd'];
  for (const [i, c] of cases.entries()) {
    const ref = referenceGradients(c, 200 + i);
    tf.setBackend('wasm');
    const rng = new Rng(200 + i);
    const x = randomTensor(c.x, rng) as tf.Tensor4D, w = randomTensor(c.w, rng) as tf.Tensor4D;
    const g = convGeometry(c.x, c.w, { strides: c.stride, pad: c.pad });
    const dy = tf.tensor(ref.dy, [g.batch, g.outHeight, g.outWidth, g.outChannels]) as tf.Tensor4D;
    const strideOne = g.strideHeight === 1 && g.strideWidth === 1;
    for (const m of inputMethods) {
      if (m === 'direct' && (!strideOne || g.padTop > g.filterHeight - 1)) continue;
      if (m === 'blocked' && !blockedApplies(g)) continue;
      const dx = tf.tidy(() => conv2dInputGradient(dy, w, g, m).dataSync());
      assert.ok(relativeError(dx, ref.dx) < tolerance, `input ${m} ${label(c)}`);
    }
    for (const m of filterMethods) {
      if (m === 'blocked' && !blockedApplies(g)) continue;
      if (m === 'simd' && !wasmFilterGradientApplies(g.inChannels, g.outChannels)) continue;
      if ((m === 'matMul1x1' || m === 'batchedMatMul1x1') && !(g.filterHeight === 1 && g.filterWidth === 1 && strideOne && g.padTop === 0 && g.padLeft === 0)) continue;
      const dw = tf.tidy(() => conv2dFilterGradient(x, dy, g, m).dataSync());
      assert.ok(relativeError(dw, ref.dw) < tolerance, `filter ${m} ${label(c)}: ${relativeError(dw, ref.dw)}`);
    }
    // the batched taps with chunks of 7 pixels: many chunks, a zero tail, and (3×3, 5×5) several tap groups
    const dwChunked = tf.tidy(() => batchedTapMatMulFilterGradient(x, dy, g, 7).dataSync());
    assert.ok(relativeError(dwChunked, ref.dw) < tolerance, `filter batchedTapMatMul, chunk 7, ${label(c)}: ${relativeError(dwChunked, ref.dw)}`);
    // the batched 1×1 product with short chunks: equal chunks where a divisor is near, else a zero tail
    if (g.filterHeight === 1 && g.filterWidth === 1 && strideOne && g.padTop === 0 && g.padLeft === 0) {
      for (const chunk of [5, 7]) {
        const dw1 = tf.tidy(() => batchedMatMulFilterGradient1x1(x, dy, g, chunk).dataSync());
        assert.ok(relativeError(dw1, ref.dw) < tolerance, `filter batchedMatMul1x1, chunk ${chunk}, ${label(c)}: ${relativeError(dw1, ref.dw)}`);
      }
    }
    tf.dispose([x, w, dy]);
  }
});

test('on wasm the polyphase input gradient\'s one-copy interleave gives the reshape/transpose/slice\'s values bit for bit; no tensors leak', () => {
  tf.setBackend('wasm');
  const start = tf.memory().numTensors;
  let strided = 0;
  for (const [i, c] of cases.entries()) {
    const g = convGeometry(c.x, c.w, { strides: c.stride, pad: c.pad });
    const rng = new Rng(300 + i);
    const w = randomTensor(c.w, rng) as tf.Tensor4D;
    const dy = randomTensor([g.batch, g.outHeight, g.outWidth, g.outChannels], rng) as tf.Tensor4D;
    assert.ok(wasmInterleaveApplies());
    const fused = conv2dInputGradient(dy, w, g, 'polyphase');
    wasmInterleaveSwitch.set(false);
    const composed = conv2dInputGradient(dy, w, g, 'polyphase');
    wasmInterleaveSwitch.set(true);
    assert.deepEqual(fused.shape, composed.shape);
    const a = fused.dataSync(), b = composed.dataSync();
    for (let k = 0; k < a.length; k++) assert.ok(Object.is(a[k], b[k]), `${label(c)}: value ${k} ${a[k]} against ${b[k]}`);
    if (g.strideHeight > 1 || g.strideWidth > 1) strided++;
    tf.dispose([w, dy, fused, composed]);
  }
  assert.ok(strided >= 6, `${strided} strided cases`);
  assert.equal(tf.memory().numTensors, start);
});
