/**
 * Training-mode batch normalisation as five WGSL kernels for tfjs-webgpu, where a training step is
 * bound by the host cost of each dispatch (≈ 60 µs, results/gpu/) and the composed op
 * (ops/batch_norm.ts) costs ≈ 24 of them per layer. On the input viewed as X [P, C] (P = N·H·W pixels):
 *
 *   SdiBnMoments   (one workgroup per channel)  stats = [μ_c ; r_c],  μ = Σ_p X/P,  r = 1/√(Σ_p (X − μ)²/P + ε)
 *   SdiBnApply     (one thread per entry)       Z = (X − μ)·r·γ + β,  Y = s_α(Z)·Z
 *   SdiBnGradBeta  (one workgroup per channel)  ∂L/∂β = Σ_p G
 *   SdiBnGradGamma (one workgroup per channel)  ∂L/∂γ = r·Σ_p G·(X − μ)
 *   SdiBnGradInput (one thread per entry)       dX = γr·(G − ∂L/∂β / P − (X − μ)·r·∂L/∂γ / P)
 *
 * with a LeakyReLU folded in, s_α(z) = 1 if z > 0 else α, and G = s_α(Z)·dY the gradient at Z (Z
 * recomputed from X; α = 1 is the plain batch norm). The same equations as ops/batch_norm.ts and
 * ops/leaky_relu.ts (two passes for the variance, as there), so a layer costs 2 dispatches forward and
 * 3 backward, against ≈ 24 for the composed batch norm and 3 for the activation. (∂L/∂β and ∂L/∂γ are two
 * reductions rather than one [2, C] result split in two: tfjs-webgpu's split is a Slice dispatch per
 * part, while a second pass over X and dY costs the GPU microseconds.) Registered for the webgpu backend only ({@link registerWebgpuBatchNormKernels}, called when
 * it starts); batchNormTrain and batchNormLeakyRelu use them there.
 */
import { tf } from './tf.js';
import { KernelSwitch } from './kernel_switch.js';
import { perEntryProgram, registerWebgpuKernel, type WebgpuProgram } from './webgpu_program.js';

/** Names of the kernels (tfjs kernel registry, backend `webgpu`). */
export const BN_MOMENTS = 'SdiBnMoments';
export const BN_APPLY = 'SdiBnApply';
export const BN_GRAD_BETA = 'SdiBnGradBeta';
export const BN_GRAD_GAMMA = 'SdiBnGradGamma';
export const BN_GRAD_INPUT = 'SdiBnGradInput';
/** The per-channel sum Σ_p X (a conv bias's gradient, ops/bias_add.ts), the same reduction alone. */
export const CHANNEL_SUM = 'SdiChannelSum';

/** Threads per workgroup of the per-channel reductions (a power of two). */
const REDUCE_THREADS = 256;
/** Threads per workgroup of the elementwise kernels. */
const ELEMENT_THREADS = 128;

/** Σ over the workgroup of one f32 per thread (tree in workgroup memory); every thread gets the total. */
const workgroupSum = `
  var<workgroup> partial : array<f32, ${REDUCE_THREADS}>;
  fn workgroupSum(v : f32) -> f32 {
    partial[localId.x] = v;
    workgroupBarrier();
    var s = ${REDUCE_THREADS / 2}u;
    loop {
      if (s == 0u) { break; }
      if (localId.x < s) { partial[localId.x] = partial[localId.x] + partial[localId.x + s]; }
      workgroupBarrier();
      s = s / 2u;
    }
    let total = partial[0];
    workgroupBarrier();
    return total;
  }`;

/** One workgroup per channel; the output is `rows` values per channel, [rows, C]. */
function perChannelProgram(key: string, variableNames: string[], channels: number, body: string, withSlope: boolean, rows: 1 | 2): WebgpuProgram {
  return {
    variableNames,
    outputShape: rows === 1 ? [channels] : [2, channels],
    shaderKey: key,
    dispatchLayout: { x: [0, 1] },
    dispatch: [channels, 1, 1],
    workgroupSize: [REDUCE_THREADS, 1, 1],
    uniforms: 'channels : i32, pixels : i32, epsilon : f32, alpha : f32,',
    getUserCode: () => `
      ${workgroupSum}
      ${withSlope ? slopeAt : ''}
      fn main(index : i32) {
        let channel = index / ${REDUCE_THREADS};
        let C = uniforms.channels;
        let P = uniforms.pixels;
        ${body}
      }`,
  };
}

function elementwiseProgram(key: string, variableNames: string[], pixels: number, channels: number, expression: string): WebgpuProgram {
  return perEntryProgram(key, variableNames, [pixels, channels], 'channels : i32, pixels : i32, epsilon : f32, alpha : f32,', `
      ${slopeAt}
      fn main(index : i32) {
        if (index < uniforms.size) {
          let C = uniforms.channels;
          let c = index % C;
          setOutputAtIndex(index, ${expression});
        }
      }`, ELEMENT_THREADS);
}

/** s_α(Z) at entry i of channel c: Z = (x − μ)·r·γ + β recomputed (needs buffers x, stats, gamma, beta). */
const slopeAt = `
  fn slopeAt(i : i32, c : i32, C : i32) -> f32 {
    let z = (x[i] - stats[c]) * stats[C + c] * gamma[c] + beta[c];
    return select(uniforms.alpha, 1.0, z > 0.0);
  }`;

const momentsBody = `
  var s = 0.0;
  for (var p = i32(localId.x); p < P; p = p + ${REDUCE_THREADS}) { s = s + x[p * C + channel]; }
  let mean = workgroupSum(s) / f32(P);
  var q = 0.0;
  for (var p = i32(localId.x); p < P; p = p + ${REDUCE_THREADS}) { let d = x[p * C + channel] - mean; q = q + d * d; }
  let variance = workgroupSum(q) / f32(P);
  if (localId.x == 0u) {
    result[channel] = mean;
    result[C + channel] = inverseSqrt(variance + uniforms.epsilon);
  }`;

/** Per channel Σ_p G (row 'beta') or r·Σ_p G·(X − μ) (row 'gamma'), G = s_α(Z)·dY. */
function gradSumBody(row: 'beta' | 'gamma'): string {
  const term = row === 'beta' ? 'g' : 'g * (x[p * C + channel] - mean)';
  return `
  let mean = stats[channel];
  var s = 0.0;
  for (var p = i32(localId.x); p < P; p = p + ${REDUCE_THREADS}) {
    let g = dy[p * C + channel] * slopeAt(p * C + channel, channel, C);
    s = s + ${term};
  }
  let total = workgroupSum(s);
  if (localId.x == 0u) {
    result[channel] = ${row === 'beta' ? 'total' : 'stats[C + channel] * total'};
  }`;
}

const channelSumBody = `
  var s = 0.0;
  for (var p = i32(localId.x); p < P; p = p + ${REDUCE_THREADS}) { s = s + x[p * C + channel]; }
  let total = workgroupSum(s);
  if (localId.x == 0u) { result[channel] = total; }`;

function uniformsOf(pixels: number, channels: number, epsilon: number, alpha = 1): Array<{ type: string; data: number[] }> {
  return [{ type: 'int32', data: [channels] }, { type: 'int32', data: [pixels] }, { type: 'float32', data: [epsilon] }, { type: 'float32', data: [alpha] }];
}

let registered = false;

/** Registers the five kernels and the channel sum for the webgpu backend (idempotent). */
export function registerWebgpuBatchNormKernels(): void {
  if (registered) return;
  const kernel = (name: string, run: Parameters<typeof registerWebgpuKernel<Record<string, number>>>[1]) => registerWebgpuKernel(name, run);
  // every program but the moments calls slopeAt, so it binds x, stats, gamma and beta (WebGPU's automatic
  // layout drops buffers a shader does not use, and tfjs binds every input)
  kernel(BN_MOMENTS, ({ x }, { epsilon }, backend) => {
    const [pixels, channels] = x.shape;
    return backend.runWebGPUProgram(perChannelProgram('sdi_bn_moments', ['x'], channels, momentsBody, false, 2), [x], 'float32', uniformsOf(pixels, channels, epsilon));
  });
  kernel(BN_APPLY, ({ x, stats, gamma, beta }, { alpha }, backend) => {
    const [pixels, channels] = x.shape;
    const program = elementwiseProgram('sdi_bn_apply', ['x', 'stats', 'gamma', 'beta'], pixels, channels,
      '((x[index] - stats[c]) * stats[C + c] * gamma[c] + beta[c]) * slopeAt(index, c, C)');
    return backend.runWebGPUProgram(program, [x, stats, gamma, beta], 'float32', uniformsOf(pixels, channels, 0, alpha));
  });
  for (const [name, row] of [[BN_GRAD_BETA, 'beta'], [BN_GRAD_GAMMA, 'gamma']] as const) {
    kernel(name, ({ dy, x, stats, gamma, beta }, { alpha }, backend) => {
      const [pixels, channels] = x.shape;
      return backend.runWebGPUProgram(perChannelProgram(`sdi_bn_grad_${row}`, ['dy', 'x', 'stats', 'gamma', 'beta'], channels, gradSumBody(row), true, 1), [dy, x, stats, gamma, beta], 'float32', uniformsOf(pixels, channels, 0, alpha));
    });
  }
  kernel(CHANNEL_SUM, ({ x }, _attrs, backend) => {
    const [pixels, channels] = x.shape;
    return backend.runWebGPUProgram(perChannelProgram('sdi_channel_sum', ['x'], channels, channelSumBody, false, 1), [x], 'float32', uniformsOf(pixels, channels, 0));
  });
  // 7 inputs + the output: WebGPU's default limit of 8 storage buffers per stage
  kernel(BN_GRAD_INPUT, ({ dy, x, stats, gamma, beta, dBeta, dGamma }, { alpha }, backend) => {
    const [pixels, channels] = x.shape;
    const program = elementwiseProgram('sdi_bn_grad_input', ['dy', 'x', 'stats', 'gamma', 'beta', 'dBeta', 'dGamma'], pixels, channels,
      'gamma[c] * stats[C + c] * (dy[index] * slopeAt(index, c, C) - dBeta[c] / f32(uniforms.pixels) - (x[index] - stats[c]) * stats[C + c] * dGamma[c] / f32(uniforms.pixels))');
    return backend.runWebGPUProgram(program, [dy, x, stats, gamma, beta, dBeta, dGamma], 'float32', uniformsOf(pixels, channels, 0, alpha));
  });
  registered = true;
}

const use = new KernelSwitch();

/** Turns the kernels' use by batchNormTrain off or on (for measurement: bench/gpu/webgpu_probe.ts); returns the previous setting. */
export function setWebgpuBatchNorm(on: boolean): boolean {
  return use.set(on);
}

/** Whether batchNormTrain uses the kernels: the webgpu backend is active, they are registered and not turned off. */
export function webgpuBatchNormAvailable(): boolean {
  return use.enabled && registered && tf.getBackend() === 'webgpu';
}

/**
 * The fused forward and backward (see the module comment) as a tf.customGrad op over x [N, H, W, C],
 * γ, β [C], and an optional conv bias b [C] that BN removes (its gradient is Σ_p ∂L/∂x_p = 0 exactly);
 * `alpha` < 1 applies a LeakyReLU with that slope to the result (1: none).
 */
export function webgpuBatchNormTrain(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number, bias?: tf.Tensor1D, alpha = 1): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const pixels = n * h * w;
  const run = (name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, number> = {}) =>
    tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [xIn, gIn, bIn] = args as [tf.Tensor, tf.Tensor, tf.Tensor];
    const x2 = tf.reshape(xIn, [pixels, c]);
    const stats = run(BN_MOMENTS, { x: x2 }, { epsilon });
    const value = tf.reshape(run(BN_APPLY, { x: x2, stats, gamma: gIn, beta: bIn }, { alpha }), [n, h, w, c]);
    save([x2, stats, gIn, bIn]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, st, g, b] = saved;
      const dy2 = tf.reshape(dy, [pixels, c]);
      const dBeta = run(BN_GRAD_BETA, { dy: dy2, x: xs, stats: st, gamma: g, beta: b }, { alpha });
      const dGamma = run(BN_GRAD_GAMMA, { dy: dy2, x: xs, stats: st, gamma: g, beta: b }, { alpha });
      const dx = tf.reshape(run(BN_GRAD_INPUT, { dy: dy2, x: xs, stats: st, gamma: g, beta: b, dBeta, dGamma }, { alpha }), [n, h, w, c]);
      const grads = [dx, dGamma, dBeta];
      if (args.length === 5) grads.push(tf.zeros([c]));
      return grads;
    };
    return { value, gradFunc };
  });
  return (bias ? op(x, gamma, beta, bias) : op(x, gamma, beta)) as tf.Tensor4D;
}

/** Whether {@link webgpuChannelSum} can run: the webgpu backend is active and the kernels are registered (not subject to {@link setWebgpuBatchNorm}). */
export function webgpuChannelSumAvailable(): boolean {
  return registered && tf.getBackend() === 'webgpu';
}

/** Σ over N, H, W per channel of x [N, H, W, C] as [C], in one dispatch (one workgroup per channel). */
export function webgpuChannelSum(x: tf.Tensor4D): tf.Tensor1D {
  const c = x.shape[3];
  return tf.tidy(() => tf.engine().runKernel(CHANNEL_SUM, { x: tf.reshape(x, [-1, c]) } as unknown as tf.NamedTensorMap, {} as tf.NamedAttrMap) as tf.Tensor1D);
}
