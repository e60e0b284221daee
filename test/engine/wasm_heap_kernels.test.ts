import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf.js';
import { initBackend } from '../../src/engine/backend.js';
import { batchNormLeakyRelu, batchNormTrain } from '../../src/engine/ops/batch_norm.js';
import { wasmBatchNormAvailable, wasmBatchNormSwitch } from '../../src/engine/kernels/wasm_batch_norm_kernels.js';
import { generatedModule, wasmKernelSources } from '../../scripts/build_wasm_kernels.js';
import { Rng } from '../../src/rng.js';

before(async () => {
  process.env.SDI_WASM_THREADS ??= '1';
  await initBackend('wasm');
});

test('the committed SIMD binaries are what scripts/build_wasm_kernels.ts assembles from the .wat sources, and both compile', async () => {
  const { readFile } = await import('node:fs/promises');
  for (const [wat, out] of wasmKernelSources) {
    assert.equal(await readFile(new URL(`../../src/engine/kernels/${out}`, import.meta.url), 'utf8'), await generatedModule(wat), `${out} is stale`);
    const binaries = await import(`../../src/engine/kernels/${out.replace(/\.ts$/, '.js')}`) as { plainMemoryBinary: string; sharedMemoryBinary: string };
    for (const binary of [binaries.plainMemoryBinary, binaries.sharedMemoryBinary]) assert.ok(new WebAssembly.Module(Buffer.from(binary, 'base64')), `${out} compiles`);
  }
});

type Op = (x: tf.Tensor4D, g: tf.Tensor1D, b: tf.Tensor1D, bias: tf.Tensor1D) => tf.Tensor4D;

/** Value and the gradients of Σ r·op(x, γ, β, bias) in x, γ, β, bias, as arrays. */
function valueAndGradients(op: Op, shape: [number, number, number, number], seed: number): Float32Array[] {
  const rng = new Rng(seed);
  const size = shape.reduce((a, b) => a * b, 1), c = shape[3];
  return tf.tidy(() => {
    const x = tf.tensor4d(rng.normalArray(size).map((v) => 1 + 2 * v), shape);
    const g = tf.tensor1d(rng.normalArray(c)), b = tf.tensor1d(rng.normalArray(c)), bias = tf.tensor1d(rng.normalArray(c));
    const r = tf.tensor4d(rng.normalArray(size), shape);
    const { value, grads } = tf.valueAndGrads((xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor, biasi: tf.Tensor) =>
      tf.sum(tf.mul(op(xi as tf.Tensor4D, gi as tf.Tensor1D, bi as tf.Tensor1D, biasi as tf.Tensor1D), r)) as tf.Scalar)([x, g, b, bias]);
    const out = op(x, g, b, bias);
    return [out, value, ...grads].map((t) => t.dataSync() as Float32Array);
  });
}

test('wasm SIMD batch norm (+ LeakyReLU): values and all four gradients bit for bit those of the tfjs composition', () => {
  const ops: Array<[string, Op]> = [
    ['batchNormLeakyRelu', (x, g, b, bias) => batchNormLeakyRelu(x, g, b, 0.2, 1e-5, bias)],
    ['batchNormTrain', (x, g, b, bias) => batchNormTrain(x, g, b, 1e-5, bias)],
  ];
  for (const [name, op] of ops) {
    for (const shape of [[1, 9, 7, 8], [2, 5, 6, 12], [1, 40, 33, 16]] as Array<[number, number, number, number]>) {
      assert.ok(wasmBatchNormAvailable(shape[3]));
      const fused = valueAndGradients(op, shape, 5);
      const previous = wasmBatchNormSwitch.set(false);
      const composed = valueAndGradients(op, shape, 5);
      wasmBatchNormSwitch.set(previous);
      fused.forEach((a, i) => {
        assert.ok(a.every(Number.isFinite), `${name} ${shape}: output ${i} finite`);
        assert.deepEqual(a, composed[i], `${name} ${shape}: output ${i} (0 value, 1 loss, 2–5 gradients) differs`);
      });
    }
  }
});

test('wasm SIMD batch norm: channel counts that are not a multiple of 4 keep the composition; no tensors leak', () => {
  assert.equal(wasmBatchNormAvailable(6), false);
  const before = tf.memory().numTensors;
  valueAndGradients((x, g, b, bias) => batchNormLeakyRelu(x, g, b, 0.2, 1e-5, bias), [1, 8, 8, 8], 1);
  valueAndGradients((x, g, b, bias) => batchNormLeakyRelu(x, g, b, 0.2, 1e-5, bias), [1, 8, 8, 6], 1);
  assert.equal(tf.memory().numTensors, before);
});
