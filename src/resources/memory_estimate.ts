/**
 * Memory a deblur run needs, estimated from sizes alone before anything is allocated (pure: no
 * tfjs, no I/O), so that a run that cannot fit is refused with advice instead of dying of
 * out-of-memory halfway.
 *
 * ## Formula (bytes; float32 tensors, 4 B per element)
 *
 * Solver (tensors on the backend, the peak of one training step), on the enlarged support
 * P₀ = (h + k_h − 1)(w + k_w − 1) of the h×w working image, U-Net width d, skip width s, L levels,
 * P_{i+1} = ⌈H_i/2⌉⌈W_i/2⌉ (level i's input has c_i channels: c₀ = 1, then d), m_i = P_{i+1}/4:
 *
 *   params   = 4 · 4 · (|θ| + |φ|)                        weights, gradients, Adam m and v
 *   forward  = 4 · Σ_i [ 6s·P_i                              skip: 1×1 CBA
 *                       + c_i·P_i + 6d·P_{i+1}               reflection pad + stride-2 3×3 CBA
 *                       + NL_i                               NonLocal block (deepest levels only)
 *                       + 7d·P_{i+1}                         pad + 3×3 CBA
 *                       + (17d + 4s)·P_i ]                   decoder: up-sample d, concat d+s, BN 2(d+s),
 *            + 4 · 8·P₀                                                pad d+s + 3×3 CBA 6d, 1×1 CBA 6d;
 *                                                          output conv, sigmoid, blur and loss
 *   NL_i     = 8.5d·P_{i+1} + d·m_i + 4·P_{i+1}·m_i          θ/φ/g convs and pools, f = softmax(θφᵀ/c),
 *                                                          f·g, W_z conv + BN + residual
 *   optimiser = 4 · n_opt · max(|θ|, |φ|)                 temporaries of one Adam step on the larger group
 *              (n_opt = OPTIMIZER_TEMP_COPIES, on wasm FUSED_OPTIMIZER_TEMP_COPIES)
 *   solver   = params + max(forward · (1 + b), optimiser)   b = BACKWARD_FACTOR, on wasm WASM_BACKWARD_FACTOR
 *
 * where a conv → BatchNorm → LeakyReLU block (CBA, nn/layers.ts with the fused ops of engine/ops)
 * keeps 6 tensors of its output size (conv, +bias, BN's x̂ and output, LeakyReLU's slope and output)
 * plus its reflection-padded input for 3×3 convs. The gradient pass keeps about BACKWARD_FACTOR
 * times the forward activations alive at its peak, and the flat Adam step (solver/flat_adam.ts)
 * briefly holds ≈ OPTIMIZER_TEMP_COPIES full-size temporaries of the group it updates (concatenated
 * gradient, new moments, the update and its parts) after the activations are freed; it dominates
 * for small images with a large kernel network (k = 31, 1000 units: 3.9 M parameters, ≈ 250 MB; on
 * wasm, where the update is one SIMD pass with no intermediate vectors, ≈ 47 MB).
 * Both constants were measured with tf.profile (see
 * test/reliability/memory_estimate.test.ts, which fails when the networks change enough to need a
 * new count).
 *
 * Restore (host memory, JavaScript typed arrays): non-blind HQS deconvolution (deconv/hqs.ts) of
 * each channel in turn on an FFT canvas R×C = 2^⌈log₂(H + k)⌉ × 2^⌈log₂(W + k)⌉ holds 28 float64
 * planes and a byte mask: 225 B per canvas pixel, one channel at a time. The network restore
 * (`restore: network`) needs nothing beyond the solver.
 *
 * Images (host): the decoded input (4·H·W·c), its luminance, the working crop, the output image and
 * the per-channel planes of the restore: ≈ 4·H·W·(2c + 3).
 *
 * Peak: on `wasm` the tensor heap never shrinks (WebAssembly memory only grows) and is capped at
 * 4 GiB by 32-bit addressing, so solver + restore + images add up; on `cpu` the tensors are freed
 * before the restore, so the peak is max(solver, restore) + images; on `webgpu` the solver lives in
 * GPU memory: the peak is then the larger of the GPU tensors and the host's restore + images.
 */
import { SdiError } from '../errors.js';

/** The backend whose memory layout the estimate follows (module comment). */
export type EstimateBackend = 'wasm' | 'cpu' | 'webgpu';

/** The image network's shape, as far as memory is concerned. */
export interface UNetShape {
  levels: number;
  width: number;
  skipWidth: number;
  nonLocalLevels: number;
}

/** A run's sizes: image, working image, kernels, networks, backend and restore mode. */
export interface MemoryEstimateInput {
  /** The full input image. */
  image: { width: number; height: number; channels: number };
  /** The gray image the kernel is estimated on (after crop and downscale). */
  working: { width: number; height: number };
  /** Kernel size estimated on the working image [k_h, k_w]. */
  workingKernel: [number, number];
  /** Kernel size at full resolution [k_h, k_w] (for the restore canvas). */
  kernel: [number, number];
  unet: UNetShape;
  kernelNet: { hiddenUnits: number; hiddenLayers: number };
  backend: EstimateBackend;
  /** How the output image is made: `nonblind` runs the full-image HQS restore. */
  restore: 'network' | 'nonblind';
}

/** The estimated bytes of a run, by part, and its peak. */
export interface MemoryEstimate {
  /** Trainable parameters of the image and kernel networks. */
  parameters: { image: number; kernel: number };
  /** 16 B per parameter: weights, gradients, Adam's two moments. */
  parameterBytes: number;
  /** Activations kept for back-propagation at the peak of a training step (forward + backward). */
  activationBytes: number;
  /** Temporaries of one optimiser step on the larger parameter group (after the activations are freed). */
  optimizerBytes: number;
  /** parameterBytes + max(activationBytes, optimizerBytes): tensor memory of the solver (wasm heap, JS heap or GPU). */
  solverBytes: number;
  /** Host memory of the full-image restore (largest single-channel HQS canvas), 0 for `network`. */
  restoreBytes: number;
  /** Host memory of the image copies (input, luminance, crop, output, planes). */
  imageBytes: number;
  /** Peak memory beyond the runtime's own ≈ 300 MB (Node + tfjs), see the module comment (webgpu: GPU or host). */
  peakBytes: number;
  /** Which part dominates the peak. */
  dominant: 'solver' | 'restore' | 'images';
}

/** Bytes of a float32 element. */
const F32 = 4;
/** Tensors a conv → BN → LeakyReLU block keeps per output element (see the module comment). */
const CBA_TENSORS = 6;
/**
 * Peak extra memory of the gradient pass, as a multiple of the forward activations: fitted to
 * tf.profile's peak on the wasm backend for 8–64-channel U-Nets on 24–96 px images (measured
 * (peak − params)/forward = 2.24–2.33); test/reliability/memory_estimate.test.ts checks it.
 */
export const BACKWARD_FACTOR = 1.3;
/**
 * The same on the wasm backend, whose filter gradients are one SIMD kernel reading x and dy in place
 * (engine/kernels/wasm_filter_gradient_kernel.ts) instead of matMuls over a channel-major copy of x and
 * its window slices: measured (peak − params)/forward − 1 = 0.47–0.66 for 8–64-channel U-Nets on
 * 24–96 px images (2026-11-28).
 */
export const WASM_BACKWARD_FACTOR = 0.55;
/**
 * Full-size temporaries of one flat Adam step, in copies of the updated group's parameters:
 * measured 17 (tf.profile peak of a k = 31 kernel network step, 3.9 M parameters).
 */
export const OPTIMIZER_TEMP_COPIES = 17;
/**
 * The same on the wasm backend, whose Adam update is one SIMD kernel over the whole group
 * (engine/kernels/wasm_adam_kernel.ts): only its outputs m', v' and the new weights, no concatenated
 * gradient or weights and no split: measured 3.05 (2026-11-28; 9 before, with the concatenation).
 */
export const FUSED_OPTIMIZER_TEMP_COPIES = 3;
/** HQS restore: 28 float64 planes + a byte mask per canvas pixel (deconv/hqs.ts). */
export const HQS_BYTES_PER_CANVAS_PIXEL = 225;
/** Largest WebAssembly heap (32-bit addressing; tfjs-backend-wasm's emscripten heap maximum). */
export const WASM_HEAP_LIMIT_BYTES = 4294901760;
/** Share of the wasm heap a run may plan to use (the allocator needs headroom for fragmentation). */
const WASM_USABLE_FRACTION = 0.9;

/** Smallest power of two ≥ n. */
function pow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** Parameters of conv (k×k, cin → cout, with bias) + BatchNorm(cout): k²·cin·cout + cout + 2·cout. */
function cbaParams(cin: number, cout: number, k: number): number {
  return k * k * cin * cout + 3 * cout;
}

/** |θ| of nn/unet.ts's SkipUNet on a one-channel input (matches SkipUNet.params.count()). */
export function unetParameterCount(u: UNetShape, inputChannels = 1): number {
  const { levels: L, width: d, skipWidth: s, nonLocalLevels } = u;
  const c2 = Math.max(1, Math.floor(d / 2));
  let n = 0, c = inputChannels;
  for (let i = 0; i < L; i++) {
    n += cbaParams(c, s, 1) + cbaParams(c, d, 3) + cbaParams(d, d, 3);
    if (i >= L - nonLocalLevels) n += 3 * (d * c2 + c2) + (c2 * d + d) + 2 * d;
    c = d;
  }
  n += L * (2 * (d + s) + cbaParams(d + s, d, 3) + cbaParams(d, d, 1));
  n += d * inputChannels + inputChannels;
  return n;
}

/** |φ| of nn/kernel_generator.ts's fully connected kernel network for a k_h×k_w kernel. */
export function kernelNetParameterCount(kernel: [number, number], net: { hiddenUnits: number; hiddenLayers: number }): number {
  const dim = kernel[0] * kernel[1], h = net.hiddenUnits;
  let n = 0, d = dim;
  for (let l = 0; l < net.hiddenLayers; l++) {
    n += d * h + h;
    d = h;
  }
  return n + d * dim + dim;
}

/** Forward activation elements of one U-Net pass kept for back-propagation (module comment). */
export function unetForwardElements(height: number, width: number, u: UNetShape): number {
  const { levels: L, width: d, skipWidth: s, nonLocalLevels } = u;
  let h = height, w = width, c = 1, total = 0;
  for (let i = 0; i < L; i++) {
    const P = h * w;
    h = Math.ceil(h / 2);
    w = Math.ceil(w / 2);
    const Pn = h * w;
    total += CBA_TENSORS * s * P; // skip 1×1 CBA
    total += c * P + CBA_TENSORS * d * Pn; // padded input + stride-2 3×3 CBA
    if (i >= L - nonLocalLevels) {
      const m = Math.max(1, Math.floor(h / 2) * Math.floor(w / 2));
      total += 8.5 * d * Pn + d * m + 4 * Pn * m;
    }
    total += (CBA_TENSORS + 1) * d * Pn; // padded input + 3×3 CBA at the lower resolution
    total += (2 * CBA_TENSORS + 5) * d * P + 4 * s * P; // decoder: up-sample, concat, BN, pad + 3×3 CBA, 1×1 CBA
    c = d;
  }
  return total + 8 * height * width;
}

/** Host bytes of the HQS restore of one channel of an H×W image with a k_h×k_w kernel. */
export function restoreBytesPerChannel(height: number, width: number, kernel: [number, number]): number {
  const margin = Math.max(kernel[0], kernel[1]);
  return HQS_BYTES_PER_CANVAS_PIXEL * pow2(height + margin) * pow2(width + margin);
}

/** Estimates the memory of a deblur run (see the module comment for every term). */
export function estimateDeblurMemory(input: MemoryEstimateInput): MemoryEstimate {
  const [kh, kw] = input.workingKernel;
  const Hp = input.working.height + kh - 1, Wp = input.working.width + kw - 1;
  const parameters = { image: unetParameterCount(input.unet), kernel: kernelNetParameterCount(input.workingKernel, input.kernelNet) };
  const parameterBytes = 4 * F32 * (parameters.image + parameters.kernel);
  const kernelNetActivations = 2 * input.kernelNet.hiddenLayers * input.kernelNet.hiddenUnits + 4 * kh * kw;
  const forward = F32 * (unetForwardElements(Hp, Wp, input.unet) + kernelNetActivations);
  const activationBytes = Math.round(forward * (1 + (input.backend === 'wasm' ? WASM_BACKWARD_FACTOR : BACKWARD_FACTOR)));
  const optimizerCopies = input.backend === 'wasm' ? FUSED_OPTIMIZER_TEMP_COPIES : OPTIMIZER_TEMP_COPIES;
  const optimizerBytes = F32 * optimizerCopies * Math.max(parameters.image, parameters.kernel);
  const solverBytes = parameterBytes + Math.max(activationBytes, optimizerBytes);
  const { width: W, height: H, channels: C } = input.image;
  const restoreBytes = input.restore === 'nonblind' ? restoreBytesPerChannel(H, W, input.kernel) : 0;
  const imageBytes = F32 * (H * W * (2 * C + 3) + input.working.width * input.working.height * 2);
  const peakBytes =
    input.backend === 'cpu' ? Math.max(solverBytes, restoreBytes) + imageBytes
      : input.backend === 'webgpu' ? Math.max(solverBytes, restoreBytes + imageBytes)
        : solverBytes + restoreBytes + imageBytes;
  const parts: Array<[MemoryEstimate['dominant'], number]> = [['solver', solverBytes], ['restore', restoreBytes], ['images', imageBytes]];
  const dominant = parts.reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  return { parameters, parameterBytes, activationBytes, optimizerBytes, solverBytes, restoreBytes, imageBytes, peakBytes, dominant };
}

/**
 * Default memory budget of a run: in Node 8 GiB, or `SDI_MEMORY_LIMIT_GB` from the environment
 * (the HQS restore of a 12-megapixel photo alone needs ≈ 3.6 GiB, so 4 GiB would refuse ordinary
 * photos); in a browser half the device memory the browser reports (`navigator.deviceMemory`,
 * itself capped at 8 GB), else 2 GiB.
 */
export function defaultMemoryLimitBytes(): number {
  const GiB = 2 ** 30;
  if (typeof process !== 'undefined' && typeof process.versions?.node === 'string') {
    const fromEnv = Number(process.env.SDI_MEMORY_LIMIT_GB);
    return fromEnv > 0 ? fromEnv * GiB : 8 * GiB;
  }
  const deviceGb = (globalThis as { navigator?: { deviceMemory?: number } }).navigator?.deviceMemory;
  return deviceGb && deviceGb > 0 ? Math.max(1, deviceGb / 2) * GiB : 2 * GiB;
}

/** Bytes as "1.5 GiB" / "300 MiB". */
export function formatBytes(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${Math.max(1, Math.round(bytes / 2 ** 20))} MiB`;
}

/** What {@link assertDeblurFits} needs: the estimate's inputs plus how the working image was derived. */
export interface DeblurFitCheck extends MemoryEstimateInput {
  /** The area the kernel is estimated on before the working-size crop (the image or the user's region). */
  area: { width: number; height: number };
  /** The working size (largest side) in use, and the scale of the estimate. */
  maxSide: number;
  scale: number;
  /** Budget; default {@link defaultMemoryLimitBytes}. */
  limitBytes?: number;
}

/** The wasm heap a run may plan to fill (the allocator needs headroom). */
export const WASM_USABLE_BYTES = Math.floor(WASM_HEAP_LIMIT_BYTES * WASM_USABLE_FRACTION);

/**
 * Estimates the run and throws a one-line {@link SdiError} that says what to do when it does not fit:
 * the peak above the limit, or (wasm) the networks above the wasm heap. When the networks dominate it
 * suggests the largest --max-size that fits; when the full-image restore dominates, a downscale factor.
 */
export function assertDeblurFits(check: DeblurFitCheck): MemoryEstimate {
  const limit = check.limitBytes ?? defaultMemoryLimitBytes();
  if (!(limit > 0 && limit < Infinity)) throw new SdiError(`the memory limit must be a positive number of bytes, got ${check.limitBytes}`);
  const estimate = estimateDeblurMemory(check);
  const fits = (e: MemoryEstimate) => e.peakBytes <= limit && !(check.backend === 'wasm' && e.solverBytes > WASM_USABLE_BYTES);
  if (fits(estimate)) return estimate;
  const overWasm = check.backend === 'wasm' && estimate.solverBytes > WASM_USABLE_BYTES;
  const need = overWasm
    ? `the networks need about ${formatBytes(estimate.solverBytes)}, more than the ${formatBytes(WASM_USABLE_BYTES)} the wasm backend can hold`
    : `this run needs about ${formatBytes(estimate.peakBytes)} (networks ${formatBytes(estimate.solverBytes)}, full-image restore ${formatBytes(estimate.restoreBytes)}), more than the ${formatBytes(limit)} memory limit`;
  if (overWasm || estimate.dominant === 'solver') {
    const withSide = (side: number): MemoryEstimate => {
      const w = Math.max(1, Math.round(Math.min(check.area.width, side) * check.scale)), h = Math.max(1, Math.round(Math.min(check.area.height, side) * check.scale));
      return estimateDeblurMemory({ ...check, working: { width: w, height: h } });
    };
    let side = Math.min(check.maxSide, Math.max(check.area.width, check.area.height));
    while (side > 16 && !fits(withSide(side))) side = Math.max(16, Math.floor((side * 0.9) / 8) * 8);
    const advice = fits(withSide(side)) ? `use --max-size ${side} (library: maxWorkingSize) or a lighter preset` : 'use a lighter preset or a smaller --kernel-size';
    throw new SdiError(`${need}: ${advice}`, 3);
  }
  let factor = 2;
  while (factor < 64) {
    const w = Math.ceil(check.image.width / factor), h = Math.ceil(check.image.height / factor);
    if (fits(estimateDeblurMemory({ ...check, image: { ...check.image, width: w, height: h } }))) break;
    factor++;
  }
  const { width: W, height: H } = check.image;
  throw new SdiError(`${need}: downscale the ${W}×${H} image by ${factor} (to about ${Math.ceil(W / factor)}×${Math.ceil(H / factor)}) or raise the limit (SDI_MEMORY_LIMIT_GB, library: memoryLimitBytes)`, 3);
}
