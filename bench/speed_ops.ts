/**
 * Speeds of the conv building blocks on the wasm backend: forward conv2d, tfjs's own input
 * gradient (conv2dTranspose = Conv2DBackpropInput; wasm has no filter-gradient kernel at all) and
 * the project's input and filter gradients (src/engine/gradients), for the U-Net's shapes and the
 * data term's 31×31 single-channel blur; plus the engine's fused ops against the compositions they
 * replace. GFLOP/s = 2·N·Ho·Wo·kh·kw·Cin·Cout / time (the forward conv's arithmetic, for every row).
 *
 *   npx tsx bench/speed_ops.ts [--threads n] [--reps n]
 *
 * Writes results/speed-ops.json. Times are medians of wall-clock over `reps` runs (CPU time of the
 * process is recorded too); the machine's load average is recorded because it is shared.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { tf } from '../src/engine/tf.js';
import { initBackend } from '../src/engine/backend.js';
import { convGeometry, convFlops, type ConvGeometry } from '../src/engine/gradients/conv_geometry.js';
import { chooseInputGradientMethod, conv2dInputGradient } from '../src/engine/gradients/conv2d_input_gradient.js';
import { chooseFilterGradientMethod, conv2dFilterGradient } from '../src/engine/gradients/conv2d_filter_gradient.js';
import { wasmFilterGradientSwitch } from '../src/engine/kernels/wasm_filter_gradient_kernel.js';
import { blockedCorrelation } from '../src/engine/ops/blocked_correlation.js';
import { batchNormTrain } from '../src/engine/ops/batch_norm.js';
import { leakyRelu } from '../src/engine/ops/leaky_relu.js';
import { writeJsonFile } from '../src/io/files.js';
import { projectRoot } from '../test/helpers.js';

interface Timing { wallMs: number; cpuMs: number }

/** Median wall and CPU time of `fn` over `reps` runs after one warm-up (wasm kernels run synchronously). */
function measure(fn: () => unknown, reps: number): Timing {
  tf.tidy(() => { fn(); });
  const wall: number[] = [], cpu: number[] = [];
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    tf.tidy(() => { fn(); });
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const median = (v: number[]) => v.sort((a, b) => a - b)[v.length >> 1];
  return { wallMs: round(median(wall)), cpuMs: round(median(cpu)) };
}

function round(v: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

interface ConvCase { label: string; x: [number, number, number, number]; w: [number, number, number, number]; stride: number; pad: 'same' | 'valid' }

const convCases: ConvCase[] = [
  { label: '256² 3×3 32→32 s1', x: [1, 256, 256, 32], w: [3, 3, 32, 32], stride: 1, pad: 'same' },
  { label: '256² 3×3 32→32 s2', x: [1, 256, 256, 32], w: [3, 3, 32, 32], stride: 2, pad: 'same' },
  { label: '256² 3×3 64→64 s1', x: [1, 256, 256, 64], w: [3, 3, 64, 64], stride: 1, pad: 'same' },
  { label: '256² 3×3 64→64 s2', x: [1, 256, 256, 64], w: [3, 3, 64, 64], stride: 2, pad: 'same' },
  { label: '256² 1×1 32→32', x: [1, 256, 256, 32], w: [1, 1, 32, 32], stride: 1, pad: 'same' },
  { label: '286² 31×31 1→1 valid (data term)', x: [1, 286, 286, 1], w: [31, 31, 1, 1], stride: 1, pad: 'valid' },
];

function convRows(c: ConvCase, reps: number) {
  const x = tf.randomNormal(c.x) as tf.Tensor4D, w = tf.randomNormal(c.w) as tf.Tensor4D;
  const g: ConvGeometry = convGeometry(c.x, c.w, { strides: c.stride, pad: c.pad });
  const dy = tf.randomNormal([g.batch, g.outHeight, g.outWidth, g.outChannels]) as tf.Tensor4D;
  const flops = convFlops(g);
  const row = (op: string, t: Timing, method?: string) => ({ shape: c.label, op, method, ...t, gflops: round(flops / t.wallMs / 1e6, 2) });
  const rows = [row('forward conv2d', measure(() => tf.conv2d(x, w, c.stride, c.pad), reps))];
  rows.push(row('input gradient, tfjs default (conv2dTranspose)', measure(() => tf.conv2dTranspose(dy, w, c.x, c.stride, c.pad), 1)));
  rows.push(row('input gradient, engine', measure(() => conv2dInputGradient(dy, w, g), reps), chooseInputGradientMethod(g)));
  rows.push(row('filter gradient, engine', measure(() => conv2dFilterGradient(x, dy, g), reps), chooseFilterGradientMethod(g)));
  if (chooseFilterGradientMethod(g) === 'simd') {
    // what the engine did before its SIMD kernel (and does where the channel counts do not fit it)
    const previous = wasmFilterGradientSwitch.set(false);
    try {
      rows.push(row('filter gradient, engine without the SIMD kernel', measure(() => conv2dFilterGradient(x, dy, g), reps), chooseFilterGradientMethod(g)));
    } finally {
      wasmFilterGradientSwitch.set(previous);
    }
  }
  if (c.w[2] === 1 && c.w[3] === 1) {
    const f = tf.reshape(w, [c.w[0], c.w[1]]) as tf.Tensor2D;
    rows.push(row('forward, ops/blockedCorrelation', measure(() => blockedCorrelation(x, f), reps), 'blocked b=4'));
  }
  tf.dispose([x, w, dy]);
  return { rows, defaultFilterGradient: 'not available: tfjs-backend-wasm has no Conv2DBackpropFilter kernel' };
}

function fusedOpRows(reps: number) {
  const shape: [number, number, number, number] = [1, 286, 286, 32];
  const x = tf.randomNormal(shape) as tf.Tensor4D, r = tf.randomNormal(shape);
  const gamma = tf.ones([32]) as tf.Tensor1D, beta = tf.zeros([32]) as tf.Tensor1D;
  const composedBn = (a: tf.Tensor4D, g: tf.Tensor, b: tf.Tensor) => {
    const { mean, variance } = tf.moments(a, [0, 1, 2]);
    return tf.add(tf.mul(tf.sub(a, mean), tf.mul(g, tf.rsqrt(tf.add(variance, 1e-5)))), b);
  };
  const fwdBwd = (f: (a: tf.Tensor4D, g: tf.Tensor, b: tf.Tensor) => tf.Tensor) =>
    () => tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor4D, g, b), r)))([x, gamma, beta]);
  const rows = [
    { shape: '286²×32', op: 'batch norm fwd+bwd, tf.moments composition', ...measure(fwdBwd(composedBn), reps) },
    { shape: '286²×32', op: 'batch norm fwd+bwd, ops/batchNormTrain', ...measure(fwdBwd((a, g, b) => batchNormTrain(a, g as tf.Tensor1D, b as tf.Tensor1D)), reps) },
    { shape: '286²×32', op: 'leaky ReLU fwd, tf.leakyRelu', ...measure(() => tf.leakyRelu(x, 0.2), reps) },
    { shape: '286²×32', op: 'leaky ReLU fwd, ops/leakyRelu', ...measure(() => leakyRelu(x, 0.2), reps) },
  ];
  tf.dispose([x, r, gamma, beta]);
  return rows;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { threads: { type: 'string' }, reps: { type: 'string', default: '5' } } });
  if (values.threads) process.env.SDI_WASM_THREADS = values.threads;
  const reps = Math.max(1, Number(values.reps));
  const info = await initBackend('wasm');
  const loadBefore = os.loadavg();
  console.log(`wasm, ${info.threads} thread(s)`);
  const conv = convCases.map((c) => {
    const result = convRows(c, reps);
    for (const r of result.rows) console.log(`${r.shape.padEnd(34)} ${r.op.padEnd(48)} ${String(r.wallMs).padStart(8)} ms  ${String(r.gflops).padStart(6)} GFLOP/s ${r.method ?? ''}`);
    return { shape: c.label, rows: result.rows, defaultFilterGradient: result.defaultFilterGradient };
  });
  const fused = fusedOpRows(reps);
  for (const r of fused) console.log(`${r.shape.padEnd(34)} ${r.op.padEnd(48)} ${String(r.wallMs).padStart(8)} ms`);
  const out = {
    date: new Date().toISOString(),
    machine: { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, node: process.version, loadAverage: { before: loadBefore.map((v) => round(v, 2)), after: os.loadavg().map((v) => round(v, 2)) } },
    backend: info.name,
    threads: info.threads,
    backendReason: info.reason,
    reps,
    timing: 'median wall-clock ms (cpuMs: CPU time of the process, all threads); gflops from wall time',
    conv,
    fusedOps: fused,
  };
  const file = path.join(projectRoot, 'results', 'speed-ops.json');
  await writeJsonFile(file, out);
  console.log(`backend ${info.name}, threads ${info.threads}; wrote ${path.relative(projectRoot, file)}`);
}

await main();
