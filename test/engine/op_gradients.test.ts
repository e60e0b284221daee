import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf.js';
import { initBackend } from '../../src/engine/backend.js';
import { withOriginalGradients } from '../../src/engine/gradients/reference_gradients.js';
import { replacedGradientKernels } from '../../src/engine/gradients/register.js';
import { Rng } from '../../src/rng.js';

/** max |a − b| / max |b|. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let diff = 0, scale = 0;
  for (let i = 0; i < a.length; i++) { diff = Math.max(diff, Math.abs(a[i] - b[i])); scale = Math.max(scale, Math.abs(b[i])); }
  return scale === 0 ? diff : diff / scale;
}

interface OpCase {
  name: string;
  shapes: number[][];
  /** Positive inputs (for pow, sqrt, rsqrt). */
  positive?: boolean;
  f: (...xs: tf.Tensor[]) => tf.Tensor;
}

/** Gradients of Σ f(xs)·r on `backend`, with tfjs's own gradients when `original`. */
function gradients(c: OpCase, seed: number, backend: string, original: boolean): Float32Array[] {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const rng = new Rng(seed);
    const xs = c.shapes.map((s) => {
      const v = rng.normalArray(s.reduce((a, b) => a * b, 1));
      return tf.tensor(c.positive ? v.map((e) => 0.5 + Math.abs(e)) : v, s);
    });
    const yShape = c.f(...xs).shape;
    const r = tf.tensor(rng.normalArray(yShape.reduce((a, b) => a * b, 1)), yShape);
    const run = () => tf.grads((...args: tf.Tensor[]) => tf.sum(tf.mul(c.f(...args), r)))(xs);
    const gs = original ? withOriginalGradients(replacedGradientKernels, run) : run();
    return gs.map((g) => g.dataSync() as Float32Array);
  });
}

const cases: OpCase[] = [
  {
    name: 'batch norm (moments, sub, mul, rsqrt, add)', shapes: [[1, 6, 5, 4], [4], [4]],
    f: (x, gamma, beta) => {
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      return tf.add(tf.mul(tf.sub(x, mean), tf.mul(gamma, tf.rsqrt(tf.add(variance, 1e-5)))), beta);
    },
  },
  { name: 'leakyRelu 0.2', shapes: [[1, 6, 5, 4]], f: (x) => tf.leakyRelu(x, 0.2) },
  { name: 'sigmoid', shapes: [[2, 7]], f: (x) => tf.sigmoid(x) },
  { name: 'relu', shapes: [[3, 9]], f: (x) => tf.relu(x) },
  { name: 'concat on channels', shapes: [[1, 4, 5, 3], [1, 4, 5, 2]], f: (a, b) => tf.mul(tf.concat([a, b], 3), tf.concat([b, a], 3)) },
  { name: 'concat on rows', shapes: [[2, 3], [4, 3]], f: (a, b) => tf.square(tf.concat([a, b], 0)) },
  { name: 'matMul', shapes: [[5, 4], [4, 3]], f: (a, b) => tf.matMul(a, b) },
  { name: 'matMul transposeA', shapes: [[4, 5], [4, 3]], f: (a, b) => tf.matMul(a, b, true, false) },
  { name: 'matMul transposeB', shapes: [[5, 4], [3, 4]], f: (a, b) => tf.matMul(a, b, false, true) },
  { name: 'matMul transposeA and B', shapes: [[4, 5], [3, 4]], f: (a, b) => tf.matMul(a, b, true, true) },
  { name: 'matMul of a row vector (FC layer)', shapes: [[1, 6], [6, 4]], f: (a, b) => tf.relu(tf.matMul(a, b)) },
  { name: 'batched matMul', shapes: [[2, 3, 4], [2, 4, 5]], f: (a, b) => tf.matMul(a, b) },
  { name: 'softmax', shapes: [[3, 6]], f: (x) => tf.softmax(x) },
  { name: 'maxPool 2×2', shapes: [[1, 6, 8, 3]], f: (x) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid') },
  { name: 'maxPool 2×2, 16 channels, odd size', shapes: [[1, 9, 7, 16]], f: (x) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid') },
  { name: 'maxPool 3×2 windows', shapes: [[1, 6, 8, 4]], f: (x) => tf.maxPool(x as tf.Tensor4D, [3, 2], [3, 2], 'valid') },
  { name: 'transpose, reshape, slice', shapes: [[2, 3, 4]], f: (x) => tf.slice(tf.reshape(tf.transpose(x, [2, 0, 1]), [4, 6]), [1, 2], [2, 3]) },
  { name: 'slice of channels', shapes: [[1, 3, 4, 6]], f: (x) => tf.slice(x, [0, 1, 0, 2], [1, 2, 4, 3]) },
  { name: 'mean, square', shapes: [[3, 5]], f: (x) => tf.mean(tf.square(x), 1) },
  { name: 'pow, sqrt', positive: true, shapes: [[4, 3]], f: (x) => tf.add(tf.pow(x, 1.5), tf.sqrt(x)) },
  { name: 'add and mul with broadcast', shapes: [[2, 3, 4], [4], [3, 1]], f: (x, b, c) => tf.mul(tf.add(x, b), c) },
];

// one wasm thread: these tests check values (threading is tested in backend.test.ts)
before(async () => {
  process.env.SDI_WASM_THREADS ??= '1';
  await initBackend('cpu');
  await initBackend('wasm');
});

test('op gradients on wasm (with the project\'s gradients) equal tfjs\'s own on cpu', () => {
  for (const [i, c] of cases.entries()) {
    const ref = gradients(c, 10 + i, 'cpu', true);
    const got = gradients(c, 10 + i, 'wasm', false);
    ref.forEach((r, k) => {
      const e = relativeError(got[k], r);
      assert.ok(e < 1e-4, `${c.name}, input ${k}: relative error ${e}`);
    });
  }
});

/** The mirror pad's gradient by its definition: each padded entry's dy goes to the entry it copies. */
function mirrorPadGradientByDefinition(dy: Float32Array, xShape: number[], pads: Array<[number, number]>, mode: 'reflect' | 'symmetric'): Float32Array {
  const o = mode === 'reflect' ? 1 : 0;
  const source = (i: number, n: number, b: number) => (i < b ? b - i - 1 + o : i < b + n ? i - b : 2 * n + b - i - 1 - o);
  const pShape = xShape.map((n, d) => n + pads[d][0] + pads[d][1]);
  const out = new Float32Array(xShape.reduce((a, b) => a * b, 1));
  const idx = new Array<number>(4).fill(0);
  for (let k = 0; k < dy.length; k++) {
    let rem = k;
    for (let d = 3; d >= 0; d--) { idx[d] = rem % pShape[d]; rem = Math.floor(rem / pShape[d]); }
    let flat = 0;
    for (let d = 0; d < 4; d++) flat = flat * xShape[d] + source(idx[d], xShape[d], pads[d][0]);
    out[flat] += dy[k];
  }
  return out;
}

test('the MirrorPad gradient folds the mirrored borders back (tfjs\'s default does not)', () => {
  const shapes: Array<[number[], Array<[number, number]>]> = [
    [[1, 6, 5, 3], [[0, 0], [1, 1], [1, 1], [0, 0]]],
    [[1, 7, 8, 2], [[0, 0], [2, 3], [3, 1], [0, 0]]],
    [[1, 4, 4, 1], [[0, 0], [3, 3], [2, 3], [0, 0]]],
    [[2, 5, 6, 2], [[0, 0], [0, 2], [4, 0], [1, 1]]],
  ];
  for (const backend of ['wasm', 'cpu']) {
    tf.setBackend(backend);
    for (const [s, pads] of shapes) {
      for (const mode of ['reflect', 'symmetric'] as const) {
        const maxPad = mode === 'reflect' ? (n: number) => n - 1 : (n: number) => n;
        if (pads.some(([b, a], d) => b > maxPad(s[d]) || a > maxPad(s[d]))) continue;
        const rng = new Rng(7);
        const x = tf.tensor4d(rng.normalArray(s.reduce((a, b) => a * b, 1)), s as [number, number, number, number]);
        const pShape = s.map((n, d) => n + pads[d][0] + pads[d][1]);
        const dy = tf.tensor(rng.normalArray(pShape.reduce((a, b) => a * b, 1)), pShape);
        const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.mirrorPad(t as tf.Tensor4D, pads, mode), dy)))(x);
        const expected = mirrorPadGradientByDefinition(dy.dataSync() as Float32Array, s, pads, mode);
        assert.ok(relativeError(g.dataSync(), expected) < 1e-6, `${backend} ${mode} ${s} ${JSON.stringify(pads)}`);
        tf.dispose([x, dy, g]);
      }
    }
  }
});

/** ∂/∂x of Σ resize(x)·dy by definition: entry k of the gradient is Σ resize(e_k)·dy (resize is linear). */
function resizeGradientByDefinition(xShape: number[], dy: tf.Tensor, size: [number, number], alignCorners: boolean, halfPixelCenters: boolean): Float32Array {
  return tf.tidy(() => {
    const count = xShape.reduce((a, b) => a * b, 1);
    const basis = tf.reshape(tf.eye(count), [count, xShape[1], xShape[2], xShape[3]]) as tf.Tensor4D;
    const responses = tf.image.resizeBilinear(basis, size, alignCorners, halfPixelCenters);
    return tf.sum(tf.mul(responses, dy), [1, 2, 3]).dataSync() as Float32Array;
  });
}

test('the ResizeBilinear gradient is the adjoint of the forward (tfjs\'s ignores half-pixel centres)', () => {
  const cases: Array<[number[], [number, number], boolean, boolean]> = [
    [[1, 5, 7, 2], [10, 14], false, true], // exact 2×: stencil path
    [[1, 4, 4, 3], [8, 8], false, true],
    [[1, 5, 5, 2], [9, 11], false, true], // 72→143-like: dense path
    [[1, 4, 6, 2], [7, 11], true, false],
    [[1, 3, 5, 1], [6, 10], false, false],
    [[1, 6, 4, 1], [3, 5], false, true], // downscaling
  ];
  for (const backend of ['wasm', 'cpu']) {
    tf.setBackend(backend);
    for (const [s, size, ac, hp] of cases) {
      const rng = new Rng(3);
      const x = tf.tensor4d(rng.normalArray(s.reduce((a, b) => a * b, 1)), s as [number, number, number, number]);
      const dy = tf.tensor4d(rng.normalArray(size[0] * size[1] * s[3]), [1, size[0], size[1], s[3]]);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.image.resizeBilinear(t as tf.Tensor4D, size, ac, hp), dy)))(x);
      const expected = resizeGradientByDefinition(s, dy, size, ac, hp);
      assert.deepEqual(g.shape, s);
      assert.ok(relativeError(g.dataSync(), expected) < 1e-5, `${backend} ${s} → ${size} alignCorners ${ac} halfPixel ${hp}`);
      tf.dispose([x, dy, g]);
    }
  }
});
