import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf.js';
import { initBackend } from '../../src/engine/backend.js';
import { batchNormTrain } from '../../src/engine/ops/batch_norm.js';
import { blockedCorrelation } from '../../src/engine/ops/blocked_correlation.js';
import { leakyRelu } from '../../src/engine/ops/leaky_relu.js';
import { biasAdd } from '../../src/engine/ops/bias_add.js';
import { rowMatMul } from '../../src/engine/ops/row_matmul.js';
import { sumTensors, webgpuMaxSumInputs } from '../../src/engine/ops/sum_tensors.js';
import { permute } from '../../src/engine/ops/permute.js';
import { averagePool } from '../../src/engine/ops/average_pool.js';
import { withOriginalGradients } from '../../src/engine/gradients/reference_gradients.js';
import { Rng } from '../../src/rng.js';

// one wasm thread: these tests check values (threading is tested in backend.test.ts)
before(async () => {
  process.env.SDI_WASM_THREADS ??= '1';
  await initBackend('cpu');
  await initBackend('wasm');
});

/** The composition the op replaces (tf.moments, sub, mul, rsqrt, add), differentiated by tfjs. */
function composed(x: tf.Tensor4D, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.add(tf.mul(tf.sub(x, mean), tf.mul(gamma, tf.rsqrt(tf.add(variance, 1e-5)))), beta);
}

function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0, scale = 0;
  for (let i = 0; i < a.length; i++) { diff = Math.max(diff, Math.abs(a[i] - b[i])); scale = Math.max(scale, Math.abs(b[i])); }
  return diff / scale;
}

test('batchNormTrain and its gradients equal the composed batch norm on cpu', () => {
  for (const shape of [[1, 9, 7, 5], [2, 6, 6, 3], [1, 32, 32, 16]] as Array<[number, number, number, number]>) {
    const rng = new Rng(11);
    const xv = rng.normalArray(shape.reduce((a, b) => a * b, 1)).map((v) => 2 + 3 * v);
    const c = shape[3];
    const gv = rng.normalArray(c), bv = rng.normalArray(c);
    const rv = rng.normalArray(xv.length);
    const run = (backend: string, f: (x: tf.Tensor4D, g: tf.Tensor, b: tf.Tensor) => tf.Tensor) => {
      tf.setBackend(backend);
      return tf.tidy(() => {
        const x = tf.tensor4d(xv, shape), g = tf.tensor1d(gv), b = tf.tensor1d(bv), r = tf.tensor4d(rv, shape);
        const y = f(x, g, b);
        const grads = tf.grads((xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(f(xx as tf.Tensor4D, gg, bb), r)))([x, g, b]);
        return [y, ...grads].map((t) => t.dataSync());
      });
    };
    const ref = run('cpu', composed);
    const got = run('wasm', (x, g, b) => batchNormTrain(x, g as tf.Tensor1D, b as tf.Tensor1D));
    ['y', 'dx', 'dγ', 'dβ'].forEach((name, k) => {
      const e = relativeError(got[k], ref[k]);
      assert.ok(e < 2e-4, `${name} ${shape}: ${e}`);
    });
  }
});

test('batchNormTrain with a bias equals the composed batch norm of x + b on cpu; ∂L/∂b is exactly 0 (the composition\'s is rounding noise)', () => {
  for (const shape of [[1, 9, 7, 5], [2, 6, 6, 3]] as Array<[number, number, number, number]>) {
    const rng = new Rng(13);
    const xv = rng.normalArray(shape.reduce((a, b) => a * b, 1)).map((v) => 2 + 3 * v);
    const c = shape[3];
    const gv = rng.normalArray(c), bv = rng.normalArray(c), biasv = rng.normalArray(c).map((v) => 5 * v);
    const rv = rng.normalArray(xv.length);
    const inputs: Array<[Float32Array, number[]]> = [[xv, shape], [gv, [c]], [bv, [c]], [biasv, [c]]];
    const ref = valueAndGradients('cpu', inputs, rv, (x, g, b, bias) => composed(tf.add(x, bias) as tf.Tensor4D, g, b));
    const got = valueAndGradients('wasm', inputs, rv, (x, g, b, bias) => batchNormTrain(x as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5, bias as tf.Tensor1D));
    ['y', 'dx', 'dγ', 'dβ'].forEach((name, k) => {
      const e = relativeError(got[k], ref[k]);
      assert.ok(e < 2e-4, `${name} ${shape}: ${e}`);
    });
    const scale = Math.max(...Array.from(ref[3], Math.abs));
    assert.ok(Math.max(...Array.from(ref[4], Math.abs)) < 1e-4 * scale, `composed db ${Array.from(ref[4])}`);
    assert.deepEqual(Array.from(got[4]), new Array(c).fill(0));
  }
});

/** Values and gradients of Σ f(inputs)·r on `backend`. */
function valueAndGradients(backend: string, inputs: Array<[Float32Array | number[], number[]]>, r: Float32Array | number[], f: (...xs: tf.Tensor[]) => tf.Tensor, original = false): Float32Array[] {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const xs = inputs.map(([v, s]) => tf.tensor(v, s));
    const y = f(...xs);
    const rt = tf.tensor(r, y.shape);
    const run = () => tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(f(...a), rt)))(xs);
    const grads = original ? withOriginalGradients(['Conv2D'], run) : run();
    return [y, ...grads].map((t) => t.dataSync() as Float32Array);
  });
}

test('blockedCorrelation equals conv2d \'valid\' (tfjs on cpu) in value and both gradients', () => {
  const cases: Array<[number, number, number, number, number]> = [[40, 38, 31, 31, 4], [37, 41, 9, 7, 4], [20, 23, 5, 6, 2], [50, 50, 31, 31, 8]];
  for (const [h, w, kh, kw, block] of cases) {
    const rng = new Rng(h + kh);
    const xv = rng.normalArray(h * w), fv = rng.normalArray(kh * kw), rv = rng.normalArray((h - kh + 1) * (w - kw + 1));
    const ref = valueAndGradients('cpu', [[xv, [1, h, w, 1]], [fv, [kh, kw, 1, 1]]], rv,
      (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'valid'), true);
    const got = valueAndGradients('wasm', [[xv, [1, h, w, 1]], [fv, [kh, kw]]], rv,
      (x, f) => blockedCorrelation(x as tf.Tensor4D, f as tf.Tensor2D, block));
    ['y', 'dx', 'df'].forEach((name, k) => {
      const e = relativeError(got[k], ref[k]);
      assert.ok(e < 1e-4, `${name} ${h}×${w} ⋆ ${kh}×${kw} block ${block}: ${e}`);
    });
  }
});

test('leakyRelu equals tf.leakyRelu in value and gradient', () => {
  const rng = new Rng(5);
  const xv = rng.normalArray(2 * 7 * 5 * 3), rv = rng.normalArray(xv.length);
  xv[0] = 0;
  for (const alpha of [0.2, 0.01]) {
    const ref = valueAndGradients('cpu', [[xv, [2, 7, 5, 3]]], rv, (x) => tf.leakyRelu(x, alpha));
    const got = valueAndGradients('wasm', [[xv, [2, 7, 5, 3]]], rv, (x) => leakyRelu(x, alpha));
    ref.forEach((r, k) => assert.ok(relativeError(got[k], r) < 1e-6, `alpha ${alpha} output ${k}`));
  }
});

test('biasAdd equals tf.add in value and both gradients (cpu reference), batch 1 and 2', () => {
  const rng = new Rng(11);
  for (const shape of [[1, 9, 7, 5], [2, 6, 5, 3]]) {
    const n = shape.reduce((a, b) => a * b, 1), c = shape[3];
    const xv = rng.normalArray(n), bv = rng.normalArray(c), rv = rng.normalArray(n);
    const ref = valueAndGradients('cpu', [[xv, shape], [bv, [c]]], rv, (x, b) => tf.add(x, b));
    const got = valueAndGradients('wasm', [[xv, shape], [bv, [c]]], rv, (x, b) => biasAdd(x as tf.Tensor4D, b as tf.Tensor1D));
    ref.forEach((r, k) => assert.ok(relativeError(got[k], r) < 1e-5, `shape ${shape} output ${k}: ${relativeError(got[k], r)}`));
  }
});

test('rowMatMul equals tf.matMul in value and both gradients (cpu reference), also under relu and softmax', () => {
  const rng = new Rng(12);
  for (const [k, n] of [[9, 7], [49, 120], [300, 49]]) {
    const hv = rng.normalArray(k), wv = rng.normalArray(k * n), rv = rng.normalArray(n);
    const ref = valueAndGradients('cpu', [[hv, [1, k]], [wv, [k, n]]], rv, (h, w) => tf.softmax(tf.relu(tf.matMul(h as tf.Tensor2D, w as tf.Tensor2D))));
    const got = valueAndGradients('wasm', [[hv, [1, k]], [wv, [k, n]]], rv, (h, w) => tf.softmax(tf.relu(rowMatMul(h as tf.Tensor2D, w as tf.Tensor2D))));
    ref.forEach((r, i) => assert.ok(relativeError(got[i], r) < 1e-4, `${k}×${n} output ${i}: ${relativeError(got[i], r)}`));
  }
  // more than one row: plain tf.matMul
  const a = tf.tensor2d([1, 2, 3, 4], [2, 2]), b = tf.tensor2d([1, 0, 0, 1], [2, 2]);
  assert.deepEqual(Array.from(rowMatMul(a, b).dataSync()), [1, 2, 3, 4]);
  tf.dispose([a, b]);
});

test('sumTensors: grouped sums equal one AddN; off webgpu it is one AddN bit for bit; no tensors left behind', async () => {
  await tf.setBackend('cpu');
  const rng = new Rng(5);
  const parts = Array.from({ length: 20 }, () => tf.tensor2d(Float32Array.from({ length: 12 }, () => rng.normal()), [3, 4]));
  const before = tf.memory().numTensors;
  const [one, grouped, webgpuSized, single] = tf.tidy(() => [
    tf.addN(parts).dataSync(), sumTensors(parts, 3).dataSync(), sumTensors(parts, webgpuMaxSumInputs).dataSync(), sumTensors([parts[0]]).dataSync(),
  ]);
  assert.equal(tf.memory().numTensors, before);
  assert.ok(relativeError(grouped, one) < 1e-6 && relativeError(webgpuSized, one) < 1e-6);
  assert.deepEqual(single, parts[0].dataSync());
  const defaultSum = tf.tidy(() => sumTensors(parts).dataSync());
  assert.deepEqual(defaultSum, one, 'the default (cpu) sum is bit for bit one AddN');
  assert.throws(() => sumTensors([]), /no tensors/);
  assert.throws(() => sumTensors(parts, 1), /at least 2/);
  tf.dispose(parts);
  await tf.setBackend('wasm');
});

test('permute equals tf.transpose, and is a reshape (no Transpose kernel) exactly when it only moves axes of size 1', async () => {
  tf.setBackend('cpu');
  const cases: Array<[number[], number[], boolean]> = [
    [[1, 5, 4, 3], [1, 2, 0, 3], true], // batch 1 moved inward
    [[1, 5, 4, 3], [3, 1, 2, 0], false], // channels to the front
    [[2, 5, 1, 3], [2, 0, 1, 3], true], // a size-1 axis to the front
    [[4, 1, 3], [1, 0, 2], true],
    [[4, 3], [1, 0], false],
    [[1, 3], [1, 0], true],
    [[3, 1, 1, 2], [0, 2, 3, 1], true],
  ];
  for (const [shape, perm, reshape] of cases) {
    const x = tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i * 0.5 - 3), shape);
    const expected = tf.transpose(x, perm);
    const profile = await tf.profile(() => permute(x, perm));
    const got = permute(x, perm);
    assert.deepEqual(got.shape, expected.shape);
    assert.deepEqual(Array.from(got.dataSync()), Array.from(expected.dataSync()), `${shape} ${perm}`);
    assert.equal(profile.kernels.some((k) => k.name === 'Transpose'), !reshape, `${shape} ${perm}: ${profile.kernels.map((k) => k.name)}`);
    tf.dispose([x, expected, got]);
  }
});

test('averagePool equals tf.avgPool bit for bit in value and gradient (wasm), without tf.avgPool\'s trailing Cast kernel', async () => {
  await tf.setBackend('wasm');
  const rng = new Rng(9);
  const x = tf.tensor4d(Float32Array.from({ length: 2 * 9 * 10 * 4 }, () => rng.normal()), [2, 9, 10, 4]);
  for (const [filter, stride] of [[2, 1], [2, 2], [[3, 1], 1]] as Array<[number | [number, number], number]>) {
    const [mine, theirs] = [averagePool, (t: tf.Tensor4D, f: number | [number, number], s: number) => tf.avgPool(t, f, s, 'valid') as tf.Tensor4D].map((pool) => tf.tidy(() => {
      const { value, grads } = tf.valueAndGrads((t: tf.Tensor) => tf.sum(tf.square(pool(t as tf.Tensor4D, filter, stride))))([x]);
      return [pool(x, filter, stride).dataSync(), value.dataSync(), grads[0].dataSync()];
    }));
    mine.forEach((a, i) => assert.deepEqual(a, theirs[i], `filter ${filter} stride ${stride}: output ${i}`));
  }
  const profile = await tf.profile(() => { tf.dispose(averagePool(x, 2, 2)); });
  assert.deepEqual(profile.kernels.map((k) => k.name), ['AvgPool']);
  const integers = tf.zeros([1, 2, 2, 1], 'int32') as tf.Tensor4D;
  assert.throws(() => averagePool(integers, 2, 1), /float32/);
  tf.dispose([x, integers]);
});
