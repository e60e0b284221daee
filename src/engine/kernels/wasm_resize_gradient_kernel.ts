/**
 * The gradient of an exact 2× bilinear upsampling with half-pixel centres (the U-Net decoder's
 * `resizeBilinear`, 143 → 286, 36 → 72, …) as one wasm SIMD kernel of the project's own
 * (resize_gradient_simd.wat), registered as `SdiResizeDoubleGrad` of the wasm backend. With
 * k = [¼, ¾, ¾, ¼] and dy edge-replicated by one pixel,
 *
 *     ∂L/∂x[i, j, c] = Σ_{a, b = 0…3} k[a]·k[b]·dy[2i − 1 + a, 2j − 1 + b, c],
 *
 * summed exactly as gradients/resize_bilinear_gradient.ts does with tfjs ops (a mirror pad and three
 * 2×2 average pools, 4·P₂(P₁(P₁(pad(dy))))), so the values are the same bit for bit, in one pass over dy
 * instead of four. With tfjs-wasm's threaded binary a helper thread (kernels/heap_helper_thread.ts)
 * computes the second half of the output rows. Needs C % 4 = 0 and an output larger than 1×1
 * ({@link wasmResizeGradientApplies}).
 */
import { tf } from '../tf.js';
import { KernelSwitch } from '../kernel_switch.js';
import * as binaries from './resize_gradient_simd_binary.js';
import { heapOffsets, instantiateOnWasmHeap, type WasmHeapBackend } from './wasm_heap_module.js';
import { HeapHelperThread, runInHalves } from './heap_helper_thread.js';

interface ResizeGradientExports {
  resizeDoubleGrad(dy: number, out: number, h2: number, w2: number, channels: number, rowStart: number, rowEnd: number): void;
}

/** Kernel name (wasm backend only); inputs {dy} [N, 2h, 2w, C], output [N, h, w, C]. */
export const SdiResizeDoubleGrad = 'SdiResizeDoubleGrad';

/** On unless turned off (to measure or compare with the average pools). */
export const wasmResizeGradientSwitch = new KernelSwitch();

/** Output rows below which one call is not shared with the helper thread. */
const splitMinimumRows = 16;

let simd: ResizeGradientExports | null = null;
let helper: HeapHelperThread | null = null;

/**
 * Instantiates the module on the wasm backend's heap and registers the kernel (idempotent); false where it
 * cannot (the gradient then keeps the average pools). With `helperThread` a worker shares the rows.
 */
export function installWasmResizeGradientKernel(helperThread = false): boolean {
  if (!simd) {
    simd = instantiateOnWasmHeap<ResizeGradientExports>(binaries);
    if (!simd) return false;
    tf.registerKernel({ kernelName: SdiResizeDoubleGrad, backendName: 'wasm', kernelFunc: resizeDoubleGradKernel as unknown as tf.KernelFunc });
  }
  if (helperThread && !helper) helper = HeapHelperThread.start(binaries, ['resizeDoubleGrad']);
  return true;
}

function resizeDoubleGradKernel({ inputs: { dy }, backend }: { inputs: Record<string, tf.TensorInfo>; backend: WasmHeapBackend }): tf.TensorInfo {
  const [n, h2, w2, c] = dy.shape;
  if (h2 % 2 !== 0 || w2 % 2 !== 0 || c % 4 !== 0 || dy.dtype !== 'float32') {
    throw new RangeError(`${SdiResizeDoubleGrad}: needs an even float32 map with channels % 4 = 0, got ${dy.shape} ${dy.dtype}`);
  }
  const h = h2 / 2, w = w2 / 2;
  const out = backend.makeOutput([n, h, w, c], 'float32');
  const [dyAt, outAt] = heapOffsets(backend, dy, out);
  const dyImage = h2 * w2 * c * 4, outImage = h * w * c * 4;
  for (let b = 0; b < n; b++) {
    runInHalves(helper, 'resizeDoubleGrad', simd!.resizeDoubleGrad, h, 1,
      (start, count) => [dyAt + b * dyImage, outAt + b * outImage, h2, w2, c, start, start + count], splitMinimumRows);
  }
  return out;
}

/** Whether the kernel runs here for dy (the wasm backend, the module installed, the switch on, float32 rank 4 with C % 4 = 0, even sizes, an output larger than 1×1). */
export function wasmResizeGradientApplies(dy: tf.Tensor): boolean {
  if (simd === null || !wasmResizeGradientSwitch.enabled || tf.getBackend() !== 'wasm' || dy.rank !== 4 || dy.dtype !== 'float32') return false;
  const [, h2, w2, c] = dy.shape as [number, number, number, number];
  // a 1×1 output makes the stride-2 pool a global one, which XNNPACK sums in another order
  return c % 4 === 0 && h2 % 2 === 0 && w2 % 2 === 0 && h2 * w2 > 4;
}

/** ∂L/∂x [N, h, w, C] of the exact 2× half-pixel upsampling, given dy [N, 2h, 2w, C] (check {@link wasmResizeGradientApplies} first). */
export function wasmResizeDoubleBackward(dy: tf.Tensor4D): tf.Tensor4D {
  return tf.engine().runKernel(SdiResizeDoubleGrad, { dy }) as tf.Tensor4D;
}
