import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as path from 'node:path';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { pathToFileURL } from 'node:url';
import { tf } from '../../src/engine/tf.js';
import { initBackend } from '../../src/engine/backend.js';
import { wantedWasmThreads } from '../../src/engine/wasm_threads.js';
import { conv2dGradConfig } from '../../src/engine/gradients/conv2d_gradient.js';
import { SdiError } from '../../src/errors.js';
import { projectRoot } from '../helpers.js';
import { Rng } from '../../src/rng.js';
import { SkipUNet } from '../../src/nn/unet.js';
import { KernelGenerator } from '../../src/nn/kernel_generator.js';
import { blurValid } from '../../src/solver/differentiable_blur.js';
import { installWasmSimdCopy, wasmSimdCopySwitch } from '../../src/engine/kernels/wasm_copy_kernels.js';

test('initBackend registers the project gradients and starts wasm with the threads it reports', async () => {
  const info = await initBackend('wasm');
  assert.equal(tf.getGradient('Conv2D'), conv2dGradConfig);
  assert.equal(info.name, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  assert.equal(info.threads, wasm.getThreadsCount());
  // The default follows the free cores (load average), which may move between two reads: check the range.
  assert.ok(info.threads >= 1 && info.threads <= Math.min(8, os.availableParallelism()), `threads ${info.threads}`);
  const wanted = await wantedWasmThreads();
  assert.ok(Number.isInteger(wanted) && wanted >= 1 && wanted <= 8);
  assert.equal(await initBackend('wasm'), info, 'idempotent');
  const cpu = await initBackend('cpu');
  assert.deepEqual([cpu.name, tf.getBackend()], ['cpu', 'cpu']);
});

test('SDI_WASM_THREADS fixes the thread count; otherwise it is the free cores', async () => {
  const saved = process.env.SDI_WASM_THREADS;
  try {
    process.env.SDI_WASM_THREADS = '3';
    assert.equal(await wantedWasmThreads(), 3);
    process.env.SDI_WASM_THREADS = '99';
    assert.equal(await wantedWasmThreads(), 8);
    delete process.env.SDI_WASM_THREADS;
    const free = Math.max(1, Math.min(8, os.availableParallelism() - Math.round(os.loadavg()[0])));
    assert.ok(Math.abs((await wantedWasmThreads()) - free) <= 1);
  } finally {
    if (saved === undefined) delete process.env.SDI_WASM_THREADS; else process.env.SDI_WASM_THREADS = saved;
  }
});

/** `src/…` module path → an import specifier usable from a script in a temporary folder. */
const projectModule = (rel: string) => JSON.stringify(pathToFileURL(path.join(projectRoot, rel)).href);

/**
 * Runs `lines` as a TypeScript module in a fresh `node --import tsx` process with SDI_WASM_THREADS =
 * `threads` (the pthread workers inherit the parent's flags, as in any tsx-run program); returns the
 * finished process. The script's folder is removed afterwards.
 */
function runWasmScript(lines: string[], threads: string, timeout: number): SpawnSyncReturns<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdi-threads-'));
  const file = path.join(dir, 'script.mts');
  fs.writeFileSync(file, lines.join('\n'));
  try {
    return spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: projectRoot, timeout, encoding: 'utf8', env: { ...process.env, SDI_WASM_THREADS: threads } });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('a process that trained on the threaded wasm backend exits by itself', () => {
  const result = runWasmScript([
    `import { tf } from ${projectModule('src/engine/tf.js')};`,
    `import { initBackend } from ${projectModule('src/engine/backend.js')};`,
    "const info = await initBackend('wasm');",
    'const x = tf.randomNormal([1, 16, 16, 4]), w = tf.variable(tf.randomNormal([3, 3, 4, 4]));',
    "tf.train.adam(0.01).minimize(() => tf.sum(tf.square(tf.conv2d(x, w, 1, 'same'))));",
    'console.log(info.threads);',
  ], '2', 60_000);
  assert.equal(result.signal, null, 'killed by the timeout: the pthread workers kept the process alive');
  assert.equal(result.status, 0, result.stderr.slice(-2000));
  assert.equal(Number(result.stdout.trim()), 2, 'threaded start (SDI_WASM_THREADS=2)');
});

test('a solver run gives bit-identical results with 1 and 2 wasm threads', () => {
  const script = [
    `import { createHash } from 'node:crypto';`,
    `import { initBackend } from ${projectModule('src/engine/backend.js')};`,
    `import { runSelfDiffusion } from ${projectModule('src/solver/self_diffusion.js')};`,
    `import { defaultSolverOptions } from ${projectModule('src/solver/options.js')};`,
    "const info = await initBackend('wasm');",
    'const n = 56, data = Float32Array.from({ length: n * n }, (_, i) => 0.5 + 0.4 * Math.sin(i * 0.37) * Math.cos(i * 0.011));',
    'const r = await runSelfDiffusion({ width: n, height: n, channels: 1, data }, { ...defaultSolverOptions, kernelSize: [7, 7], steps: 3, iterations: 2, seed: 1,',
    '  unet: { inputChannels: 1, levels: 3, width: 16, skipWidth: 4, nonLocalLevels: 1 }, kernelHiddenUnits: 32, kernelHiddenLayers: 2 });',
    "const h = createHash('sha256'); h.update(Buffer.from(r.image.data.buffer)); h.update(Buffer.from(r.kernel.data.buffer));",
    "console.log(info.threads + ' ' + h.digest('hex'));",
  ];
  const run = (threads: string) => {
    const result = runWasmScript(script, threads, 120_000);
    assert.equal(result.status, 0, result.stderr.slice(-2000));
    return result.stdout.trim().split(' ');
  };
  const [one, two] = [run('1'), run('2')];
  assert.deepEqual([one[0], two[0]], ['1', '2']);
  assert.equal(two[1], one[1], 'image and kernel differ between 1 and 2 threads');
});

test('the SIMD filter gradient, batch norm and Adam kernels share their work with helper threads on 2 wasm threads, with the same bits, and the process exits by itself', () => {
  const script = [
    `import { createHash } from 'node:crypto';`,
    `import { tf } from ${projectModule('src/engine/tf.js')};`,
    `import { initBackend } from ${projectModule('src/engine/backend.js')};`,
    `import { convGeometry } from ${projectModule('src/engine/gradients/conv_geometry.js')};`,
    `import { conv2dFilterGradient } from ${projectModule('src/engine/gradients/conv2d_filter_gradient.js')};`,
    `import { wasmFilterGradientThreads } from ${projectModule('src/engine/kernels/wasm_filter_gradient_kernel.js')};`,
    `import { batchNormLeakyRelu } from ${projectModule('src/engine/ops/batch_norm.js')};`,
    `import { adamUpdate } from ${projectModule('src/engine/kernels/wasm_adam_kernel.js')};`,
    `import { sharedCallCount } from ${projectModule('src/engine/kernels/heap_helper_thread.js')};`,
    "const info = await initBackend('wasm');",
    'for (let i = 0; i < 100 && wasmFilterGradientThreads() < info.threads; i++) await new Promise((r) => setTimeout(r, 50));',
    'const x = tf.tensor4d(Float32Array.from({ length: 30 * 41 * 24 }, (_, i) => Math.sin(i * 0.37)), [1, 30, 41, 24]);',
    'const dy = tf.tensor4d(Float32Array.from({ length: 15 * 21 * 16 }, (_, i) => Math.cos(i * 0.11)), [1, 15, 21, 16]);',
    "const g = convGeometry(x.shape, [3, 3, 24, 16], { strides: 2, pad: 'same' });",
    "const h = createHash('sha256');",
    "h.update(Buffer.from(conv2dFilterGradient(x, dy, g, 'simd').dataSync().buffer));",
    // batch norm + LeakyReLU (value and gradients) and Adam on tensors large enough to be split (≥ 65 536 values)
    'const xb = tf.tensor4d(Float32Array.from({ length: 48 * 48 * 32 }, (_, i) => Math.sin(i * 0.013) + 0.1 * Math.cos(i)), [1, 48, 48, 32]);',
    'const gamma = tf.linspace(0.5, 1.5, 32), beta = tf.linspace(-0.2, 0.2, 32);',
    'const r = tf.tensor4d(Float32Array.from({ length: 48 * 48 * 32 }, (_, i) => Math.cos(i * 0.007)), [1, 48, 48, 32]);',
    'const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(batchNormLeakyRelu(a as tf.Tensor4D, b as tf.Tensor1D, c as tf.Tensor1D, 0.2), r)) as tf.Scalar)([xb, gamma, beta]);',
    'for (const t of [value, ...grads]) h.update(Buffer.from(t.dataSync().buffer));',
    'const v = (k: number) => tf.tensor1d(Float32Array.from({ length: 100_003 }, (_, i) => Math.sin(i * 0.001 * k) ** 2 + 0.01 * k));',
    'for (const t of adamUpdate([v(1)], v(2), v(3), [v(4)], { beta1: 0.9, beta2: 0.999, stepSize: 1e-3, vScale: 1.001, epsilon: 1e-8 })) h.update(Buffer.from(t.dataSync().buffer));',
    "console.log(info.threads + ' ' + wasmFilterGradientThreads() + ' ' + h.digest('hex') + ' ' + sharedCallCount());",
  ];
  const run = (threads: string) => {
    const result = runWasmScript(script, threads, 60_000);
    assert.equal(result.signal, null, 'killed by the timeout: the helper thread kept the process alive');
    assert.equal(result.status, 0, result.stderr.slice(-2000));
    return result.stdout.trim().split(' ');
  };
  const [one, two] = [run('1'), run('2')];
  assert.deepEqual([one[0], one[1], two[0], two[1]], ['1', '1', '2', '2']);
  assert.equal(one[3], '0', 'one thread: no call shared');
  assert.ok(Number(two[3]) >= 4, `two threads: ${two[3]} batch norm / Adam calls shared with a helper thread`);
  assert.equal(two[2], one[2], 'the filter gradient, batch norm or Adam outputs differ between 1 and 2 threads');
});

test('webgpu either starts or fails with a one-line SdiError saying why', async () => {
  try {
    const info = await initBackend('webgpu');
    assert.equal(info.name, 'webgpu');
  } catch (e) {
    assert.ok(e instanceof SdiError, String(e));
    assert.match(e.message, /^webgpu backend is not available: \S/);
    assert.ok(!e.message.includes('\n'));
  }
  await initBackend('wasm');
});

test('the replaced wasm Slice, SplitV, Concat, Reverse and Transpose kernels give exactly the cpu backend\'s results', async () => {
  await initBackend('cpu');
  await initBackend('wasm');
  const rng = new Rng(9);
  const values = rng.normalArray(2 * 5 * 6 * 7);
  const ints = Int32Array.from(values, (v) => Math.round(10 * v));
  const shape: [number, number, number, number] = [2, 5, 6, 7];
  const programs: Array<(x: tf.Tensor4D, i: tf.Tensor4D) => tf.Tensor[]> = [
    (x) => [tf.slice(x, [0, 1, 2, 3], [2, 3, 4, 4]), tf.slice(x, [1, 0, 0, 0], [1, 5, 6, 7]), tf.slice(x, [0, 2, 0, 0], [2, 1, 6, 7])],
    (x) => [tf.slice(x, [0, 0, 0, 6], [2, 5, 6, 1]), tf.slice(x, [0, 0, 0, 0], [2, 5, 6, 0])],
    (x, i) => [tf.slice(i, [0, 1, 1, 1], [1, 2, 2, 2]), ...tf.split(i, [3, 4], 3), tf.slice(i, [1, 0, 0, 0], [1, 5, 6, 7]), tf.concat([i, i], 2)],
    (x) => tf.split(x, [2, 1, 4], 3).concat(tf.split(x, [1, 4], 1)),
    (x, i) => [tf.concat([x, tf.square(x)], 3), tf.concat([x, x, x], 1), tf.concat([i, i], 3), tf.concat([tf.slice(x, [0, 0, 0, 0], [2, 5, 6, 0]), x], 3)],
    (x) => { // channel runs of 7 × 12 = 84 values (longer than the SIMD loop's 256 bytes), 20 and 64 (SIMD only)
      const wide = tf.tile(x, [1, 1, 1, 12]);
      return [...tf.split(wide, [20, 64], 3), tf.concat([wide, x, wide], 3), tf.slice(wide, [1, 1, 0, 3], [1, 3, 5, 70])];
    },
    (x, i) => [tf.reverse(x, [0, 1]), tf.reverse(x, 3), tf.reverse(x, [1, 3]), tf.reverse(i, [0, 2]), tf.reverse(tf.reshape(x, [-1]), 0)],
    (x, i) => [tf.transpose(x, [3, 1, 2, 0]), tf.transpose(x, [0, 2, 1, 3]), tf.transpose(i, [1, 0, 3, 2]),
      tf.transpose(tf.reshape(x, [2, 5, 2, 3, 7, 1]), [0, 2, 5, 1, 3, 4]), tf.transpose(tf.reshape(x, [70, 6])), tf.transpose(tf.reshape(x, [1, 420, 1]), [2, 1, 0])],
  ];
  for (const [k, program] of programs.entries()) {
    const run = (backend: string) => {
      tf.setBackend(backend);
      return tf.tidy(() => program(tf.tensor4d(values, shape), tf.tensor4d(ints, shape, 'int32')).map((t) => ({ shape: t.shape, dtype: t.dtype, data: Array.from(t.dataSync()) })));
    };
    const expected = run('cpu');
    assert.deepEqual(run('wasm'), expected, `program ${k}`);
    const previous = wasmSimdCopySwitch.set(false); // the JavaScript copies, used where the SIMD module cannot start
    assert.deepEqual(run('wasm'), expected, `program ${k}, JavaScript copies`);
    wasmSimdCopySwitch.set(previous);
  }
  assert.ok(installWasmSimdCopy(), 'the SIMD copy module runs on the wasm heap');
});

test('wasm: a 16-channel U-Net and kernel-network training step (the case a copy-free Identity kernel crashed in) runs twice and disposes cleanly', async () => {
  await initBackend('wasm');
  const start = tf.memory().numTensors;
  const rng = new Rng(3);
  const k = 31, n = 64, support = n + k - 1;
  const unet = new SkipUNet({ inputChannels: 1, levels: 5, width: 16, skipWidth: 16, nonLocalLevels: 3 }, rng.fork());
  const kgen = new KernelGenerator({ kernelHeight: k, kernelWidth: k, hiddenUnits: 100, hiddenLayers: 3 }, rng.fork());
  const noise = rng.fork();
  const y = tf.tensor4d(Float32Array.from({ length: n * n }, () => noise.uniform()), [1, n, n, 1]);
  const xn = tf.tensor4d(noise.normalArray(support * support), [1, support, support, 1]);
  const zn = tf.tensor2d(noise.normalArray(k * k), [1, k * k]);
  const vars = [...unet.variables, ...kgen.variables];
  for (let i = 0; i < 2; i++) {
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(tf.sub(blurValid(unet.apply(xn), tf.reshape(kgen.apply(zn), [k, k]) as tf.Tensor2D), y))) as tf.Scalar, vars);
    assert.ok(Number.isFinite(value.dataSync()[0]));
    tf.dispose([value, ...Object.values(grads)]);
  }
  tf.dispose([y, xn, zn]);
  unet.dispose();
  kgen.dispose();
  assert.equal(tf.memory().numTensors, start);
});
