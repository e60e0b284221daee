/**
 * The project's own wasm SIMD kernels for training-mode batch norm + LeakyReLU
 * (batch_norm_simd.wat), registered as tfjs kernels of the wasm backend and run on tfjs-wasm's own
 * heap: the module imports the backend's `WebAssembly.Memory` (shared for the threaded binary), so a
 * kernel reads its inputs and writes its outputs in place, as tfjs-wasm's C++ kernels do. Each one is
 * a single pass doing what tfjs-wasm does in two or three (tfjs-wasm's broadcasting Mul/Add/Sub over
 * [1, 1, 1, C] per-channel vectors are several times slower than a plain elementwise pass):
 *
 *     SdiCentreSquare          c = x − μ,  q = c²
 *     SdiScaleShiftLeaky       y = c·s + β,  out = y if y > 0 else α·y
 *     SdiLeakyGradCentred      g = dOut if out > 0 else α·dOut,  gc = g·c
 *     SdiBatchNormInputGrad    dx = (g − (c·t + m))·s
 *
 * (μ, s, β, t, m per channel.) The float32 operations are the ones of the tfjs composition they replace,
 * in the same order, so results are bit for bit the same (test/engine/wasm_heap_kernels.test.ts).
 * On tfjs-wasm's threaded binary (Node) a helper thread (kernels/heap_helper_thread.ts) does the second half
 * of the pixels of each large call, with the same bits.
 */
import { tf } from '../tf.js';
import { KernelSwitch } from '../kernel_switch.js';
import * as binaries from './batch_norm_simd_binary.js';
import { heapOffsets, instantiateOnWasmHeap, outputsLike, type WasmHeapBackend } from './wasm_heap_module.js';
import { HeapHelperThread, runInHalves } from './heap_helper_thread.js';

interface SimdExports {
  centreSquare(x: number, mu: number, c: number, sq: number, n: number, channels: number): void;
  scaleShiftLeaky(c: number, s: number, beta: number, out: number, n: number, channels: number, alpha: number): void;
  leakyGradCentred(dOut: number, out: number, c: number, g: number, gc: number, n: number, alpha: number): void;
  batchNormInputGradient(g: number, c: number, t: number, m: number, s: number, dx: number, n: number, channels: number): void;
}

interface KernelArgs {
  inputs: Record<string, tf.TensorInfo>;
  backend: WasmHeapBackend;
  attrs: { alpha?: number };
}

/** Kernel names (wasm backend only). */
export const SdiCentreSquare = 'SdiCentreSquare';
export const SdiScaleShiftLeaky = 'SdiScaleShiftLeaky';
export const SdiLeakyGradCentred = 'SdiLeakyGradCentred';
export const SdiBatchNormInputGrad = 'SdiBatchNormInputGrad';

/** On unless turned off (to measure or compare with the tfjs composition). */
export const wasmBatchNormSwitch = new KernelSwitch();

let simd: SimdExports | null = null;
let helper: HeapHelperThread | null = null;

function size(t: tf.TensorInfo): number {
  return t.shape.reduce((a, b) => a * b, 1);
}


/**
 * Instantiates the SIMD module on the wasm backend's heap (kernels/wasm_heap_module.ts) and registers its
 * kernels (idempotent). Returns false, registering nothing, where the heap cannot be found or the engine
 * lacks wasm SIMD; the callers then keep the tfjs composition. With `helperThread` (two or more wasm threads
 * on a shared heap) a worker takes half of each large call.
 */
export function installWasmBatchNormKernels(helperThread = false): boolean {
  if (!simd) {
    simd = instantiateOnWasmHeap<SimdExports>(binaries);
    if (!simd) return false;
    registerKernels(simd);
  }
  if (helperThread && !helper) helper = HeapHelperThread.start(binaries, ['centreSquare', 'scaleShiftLeaky', 'leakyGradCentred', 'batchNormInputGradient']);
  return true;
}

function registerKernels(k: SimdExports): void {
  const register = (kernelName: string, run: (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[]) =>
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: run as unknown as tf.KernelFunc });
  // each kernel: outputs shaped like its first input, then the call with every tensor's heap offset, over
  // all values at once or in two halves on two threads (whole pixels, so per-channel vectors stay aligned)
  const channels = (t: tf.TensorInfo) => t.shape[t.shape.length - 1];
  register(SdiCentreSquare, ({ inputs: { x, mean }, backend }) => {
    const [c, sq] = outputsLike(backend, x, 2);
    const [xAt, muAt, cAt, sqAt] = heapOffsets(backend, x, mean, c, sq), C = channels(x);
    runInHalves(helper, 'centreSquare', k.centreSquare, size(x), C, (at, n) => [xAt + 4 * at, muAt, cAt + 4 * at, sqAt + 4 * at, n, C]);
    return [c, sq];
  });
  register(SdiScaleShiftLeaky, ({ inputs: { centred, scale, beta }, backend, attrs }) => {
    const [out] = outputsLike(backend, centred, 1);
    const [cAt, sAt, betaAt, outAt] = heapOffsets(backend, centred, scale, beta, out), C = channels(centred), alpha = attrs.alpha ?? 1;
    runInHalves(helper, 'scaleShiftLeaky', k.scaleShiftLeaky, size(centred), C, (at, n) => [cAt + 4 * at, sAt, betaAt, outAt + 4 * at, n, C, alpha]);
    return out;
  });
  register(SdiLeakyGradCentred, ({ inputs: { dy, out, centred }, backend, attrs }) => {
    const [g, gc] = outputsLike(backend, dy, 2);
    const [dyAt, outAt, cAt, gAt, gcAt] = heapOffsets(backend, dy, out, centred, g, gc), alpha = attrs.alpha ?? 1;
    runInHalves(helper, 'leakyGradCentred', k.leakyGradCentred, size(dy), 4, (at, n) => [dyAt + 4 * at, outAt + 4 * at, cAt + 4 * at, gAt + 4 * at, gcAt + 4 * at, n, alpha]);
    return [g, gc];
  });
  register(SdiBatchNormInputGrad, ({ inputs: { g, centred, t, m, scale }, backend }) => {
    const [dx] = outputsLike(backend, g, 1);
    const [gAt, cAt, tAt, mAt, sAt, dxAt] = heapOffsets(backend, g, centred, t, m, scale, dx), C = channels(g);
    runInHalves(helper, 'batchNormInputGradient', k.batchNormInputGradient, size(g), C, (at, n) => [gAt + 4 * at, cAt + 4 * at, tAt, mAt, sAt, dxAt + 4 * at, n, C]);
    return dx;
  });
}

/** Whether the fused kernels apply to a [N, H, W, C] tensor on the active backend: wasm, installed, C a multiple of 4. */
export function wasmBatchNormAvailable(channels: number): boolean {
  return simd !== null && wasmBatchNormSwitch.enabled && channels % 4 === 0 && tf.getBackend() === 'wasm';
}

/** [c, c²] with c = x − μ (μ: [1, 1, 1, C] or [C]). */
export function centreSquare(x: tf.Tensor4D, mean: tf.Tensor): [tf.Tensor4D, tf.Tensor4D] {
  return tf.engine().runKernel(SdiCentreSquare, { x, mean }) as unknown as [tf.Tensor4D, tf.Tensor4D];
}

/** y = c·s + β, then out = y if y > 0 else α·y (α = 1: y itself). */
export function scaleShiftLeaky(centred: tf.Tensor4D, scale: tf.Tensor, beta: tf.Tensor, alpha: number): tf.Tensor4D {
  return tf.engine().runKernel(SdiScaleShiftLeaky, { centred, scale, beta }, { alpha } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

/** [g, g·c] with g = dy if out > 0 else α·dy. */
export function leakyGradCentred(dy: tf.Tensor4D, out: tf.Tensor4D, centred: tf.Tensor4D, alpha: number): [tf.Tensor4D, tf.Tensor4D] {
  return tf.engine().runKernel(SdiLeakyGradCentred, { dy, out, centred }, { alpha } as unknown as tf.NamedAttrMap) as unknown as [tf.Tensor4D, tf.Tensor4D];
}

/** dx = (g − (c·t + m))·s, per-channel t, m, s. */
export function batchNormInputGrad(g: tf.Tensor4D, centred: tf.Tensor4D, t: tf.Tensor, m: tf.Tensor, scale: tf.Tensor): tf.Tensor4D {
  return tf.engine().runKernel(SdiBatchNormInputGrad, { g, centred, t, m, scale }) as tf.Tensor4D;
}
