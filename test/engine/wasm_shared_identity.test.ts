import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import * as path from 'node:path';
import { tf } from '../../src/engine/tf.js';
import { initBackend } from '../../src/engine/backend.js';
import { wasmSharedIdentitySwitch } from '../../src/engine/kernels/wasm_copy_kernels.js';
import { guardedMatMulCopies } from '../../src/engine/kernels/wasm_matmul_operand_guard.js';
import { Rng } from '../../src/rng.js';
import { SkipUNet } from '../../src/nn/unet.js';
import { KernelGenerator } from '../../src/nn/kernel_generator.js';
import { blurValid } from '../../src/solver/differentiable_blur.js';
import { projectRoot } from '../helpers.js';

/**
 * Runs `source` (an ES module) in a fresh Node process, from a scratch folder under the project's ignored
 * tmp/ (so that package names resolve): tfjs-wasm's aborts end a process.
 */
function runIsolated(source: string): { status: number | null; output: string } {
  const scratch = path.join(projectRoot, 'tmp');
  fs.mkdirSync(scratch, { recursive: true });
  const dir = fs.mkdtempSync(path.join(scratch, 'sdi-guard-'));
  const file = path.join(dir, 'case.ts');
  fs.writeFileSync(file, source);
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: projectRoot, encoding: 'utf8', timeout: 120_000 });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The same tensor as BatchMatMul's `b` under two shapes (a Reshape shares its id). */
const twoShapesOfOneOperand = (imports: string) => `
${imports}
const b = tf.tensor2d([[1, 2, 3, 4, 5, 6, 7, 8]]);
const first = tf.matMul(tf.ones([3, 1]), b).dataSync();
const second = tf.matMul(tf.ones([3, 8]), tf.reshape(b, [8, 1])).dataSync();
console.log('done', first[7], second[2]);
`;

test('tfjs-wasm alone aborts when one tensor is BatchMatMul\'s b under two shapes; with the guard it runs and gives the right values', () => {
  const bare = runIsolated(twoShapesOfOneOperand(`import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
await tf.setBackend('wasm');`));
  assert.notEqual(bare.status, 0, `tfjs-wasm no longer aborts (the guard may be unnecessary): ${bare.output.slice(-200)}`);
  assert.doesNotMatch(bare.output, /^done/m);
  const src = (file: string) => pathToFileURL(path.join(projectRoot, 'src', file)).href;
  const guarded = runIsolated(twoShapesOfOneOperand(`import { tf } from '${src('engine/tf.js')}';
import { initBackend } from '${src('engine/backend.js')}';
process.env.SDI_WASM_THREADS = '1';
await initBackend('wasm');`));
  assert.equal(guarded.status, 0, guarded.output.slice(-400));
  assert.match(guarded.output, /^done 8 36$/m);
});

test('the guard copies b only when its id comes back under another shape, and leaves nothing behind', async () => {
  await initBackend('wasm');
  const start = tf.memory();
  const copiesBefore = guardedMatMulCopies();
  const b = tf.tensor2d([[1, -2], [3, 4]]);
  const [same, again] = tf.tidy(() => [tf.matMul(tf.eye(2), b), tf.matMul(tf.ones([3, 2]), b)]); // same shape, other a: the cached operator serves
  assert.equal(guardedMatMulCopies(), copiesBefore);
  const flat = tf.tidy(() => tf.matMul(tf.ones([1, 4]), tf.reshape(b, [4, 1]))); // b's id as a 4×1 operand: copied
  assert.equal(guardedMatMulCopies(), copiesBefore + 1);
  assert.deepEqual(Array.from(same.dataSync()), [1, -2, 3, 4]);
  assert.deepEqual(Array.from(again.dataSync()), [4, 2, 4, 2, 4, 2]);
  assert.deepEqual(Array.from(flat.dataSync()), [6]);
  tf.dispose([b, same, again, flat]);
  assert.equal(tf.memory().numTensors, start.numTensors);
  assert.equal(tf.memory().numBytes, start.numBytes);
});

test('on wasm, Identity shares memory: the clone keeps its values after the source is disposed, nothing leaks; off, it copies', async () => {
  await initBackend('wasm');
  const before = tf.memory();
  const x = tf.tensor2d([[1.5, -2.25], [3, 4.75]]);
  const shared = tf.clone(x);
  assert.equal(shared.dataId, x.dataId, 'the clone copied');
  assert.equal(tf.memory().numDataBuffers, before.numDataBuffers + 1);
  const previous = wasmSharedIdentitySwitch.set(false);
  let copied: tf.Tensor;
  try {
    copied = tf.clone(x);
  } finally {
    wasmSharedIdentitySwitch.set(previous);
  }
  assert.notEqual(copied.dataId, x.dataId, 'switched off, the clone shares');
  x.dispose();
  assert.deepEqual(Array.from(shared.dataSync()), [1.5, -2.25, 3, 4.75]);
  assert.deepEqual(Array.from(copied.dataSync()), [1.5, -2.25, 3, 4.75]);
  tf.dispose([shared, copied]);
  assert.equal(tf.memory().numDataBuffers, before.numDataBuffers, 'buffers left behind');
  assert.equal(tf.memory().numBytes, before.numBytes, 'bytes left behind');
});

test('on wasm, a U-Net + kernel-network step gives the same loss and gradients, bit for bit, with the shared Identity and without', async () => {
  await initBackend('wasm');
  const rng = new Rng(5);
  const k = 15, n = 32, support = n + k - 1;
  const unet = new SkipUNet({ inputChannels: 1, levels: 4, width: 8, skipWidth: 4, nonLocalLevels: 2 }, rng.fork());
  const kgen = new KernelGenerator({ kernelHeight: k, kernelWidth: k, hiddenUnits: 40, hiddenLayers: 2 }, rng.fork());
  const noise = rng.fork();
  const y = tf.tensor4d(Float32Array.from({ length: n * n }, () => noise.uniform()), [1, n, n, 1]);
  const xn = tf.tensor4d(noise.normalArray(support * support), [1, support, support, 1]);
  const zn = tf.tensor2d(noise.normalArray(k * k), [1, k * k]);
  const vars = [...unet.variables, ...kgen.variables];
  const start = tf.memory().numTensors;
  const step = (): Float32Array[] => {
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(tf.sub(blurValid(unet.apply(xn), tf.reshape(kgen.apply(zn), [k, k]) as tf.Tensor2D), y))) as tf.Scalar, vars);
    const out = [value, ...vars.map((v) => grads[v.name])].map((t) => t.dataSync() as Float32Array);
    tf.dispose([value, ...Object.values(grads)]);
    return out;
  };
  const shared = step();
  const previous = wasmSharedIdentitySwitch.set(false);
  let copied: Float32Array[];
  try {
    copied = step();
  } finally {
    wasmSharedIdentitySwitch.set(previous);
  }
  assert.equal(shared.length, copied.length);
  shared.forEach((s, i) => assert.deepEqual(s, copied[i], `output ${i} differs`));
  assert.equal(tf.memory().numTensors, start);
  tf.dispose([y, xn, zn]);
  unet.dispose();
  kgen.dispose();
});
