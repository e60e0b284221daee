/**
 * The filter gradient of a small-filter convolution as one wasm SIMD kernel of the project's own
 * (filter_gradient_simd.wat), run on tfjs-wasm's heap, registered as kernel `SdiConv2DFilterGradient` of
 * the wasm backend. For y = conv(xp, w), valid (xp already padded), strides (s_h, s_w):
 *
 *     ∂L/∂w[a, b, c, o] = Σ_{n, i, j} xp[n, s_h·i + a, s_w·j + b, c] · dy[n, i, j, o]
 *
 * read straight from the NHWC tensors: no transposed or sliced copies of x (the matMul formulation,
 * `channelMajorTapMatMul`, copies x channel-major once and slices a window per tap and chunk), and the
 * pixel sum in blocks that stay in the L1 cache. It sums in a different order from XNNPACK's GEMM, so
 * results agree to float32 rounding, not bit for bit (test/engine/wasm_filter_gradient_kernel.test.ts).
 * With tfjs-wasm's threaded binary (Node), a helper thread (kernels/heap_helper_thread.ts) computes the
 * second half of the input channels while the main thread computes the first. Needs Cin % 4 = 0 and
 * Cout % 8 = 0 ({@link wasmFilterGradientApplies}).
 */
import { tf } from '../tf.js';
import { KernelSwitch } from '../kernel_switch.js';
import * as binaries from './filter_gradient_simd_binary.js';
import { heapOffsets, instantiateOnWasmHeap, type WasmHeapBackend } from './wasm_heap_module.js';
import { HeapHelperThread, runInHalves } from './heap_helper_thread.js';

interface FilterGradientExports {
  filterGradient(x: number, dy: number, out: number, n: number, hp: number, wp: number, cin: number,
    ho: number, wo: number, cout: number, kh: number, kw: number, sh: number, sw: number, block: number,
    ciStart: number, ciEnd: number): void;
}

/** The kernel's attributes: filter size, strides and the pixel block. */
export interface FilterGradientAttrs {
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  block: number;
}

/** Kernel name (wasm backend only). */
export const SdiConv2DFilterGradient = 'SdiConv2DFilterGradient';

/** On unless turned off (to measure or compare with the matMul formulation). */
export const wasmFilterGradientSwitch = new KernelSwitch();

/** Output pixels per block of the pixel sum (its x and dy rows then fit a 48 KiB L1 cache up to 48 channels). */
export const filterGradientBlock = 32;

let simd: FilterGradientExports | null = null;
let helper: HeapHelperThread | null = null;

/** Threads the kernel runs on now: 2 once its helper thread (see the file comment) has started, else 1. */
export function wasmFilterGradientThreads(): number {
  return helper?.ready ? 2 : 1;
}

/**
 * Instantiates the module on the wasm backend's heap and registers the kernel (idempotent); false where it
 * cannot. With `helperThread` (tfjs-wasm running two or more threads on a shared heap) a worker shares the work.
 */
export function installWasmFilterGradientKernel(helperThread = false): boolean {
  if (!simd) {
    simd = instantiateOnWasmHeap<FilterGradientExports>(binaries);
    if (!simd) return false;
    tf.registerKernel({ kernelName: SdiConv2DFilterGradient, backendName: 'wasm', kernelFunc: filterGradientKernel as unknown as tf.KernelFunc });
  }
  if (helperThread && !helper) helper = HeapHelperThread.start(binaries, ['filterGradient']);
  return true;
}

function filterGradientKernel({ inputs: { x, dy }, backend, attrs }: { inputs: Record<string, tf.TensorInfo>; backend: WasmHeapBackend; attrs: FilterGradientAttrs }): tf.TensorInfo {
  const [n, hp, wp, cin] = x.shape, [, ho, wo, cout] = dy.shape;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, block } = attrs;
  if (cin % 4 !== 0 || cout % 8 !== 0) throw new RangeError(`${SdiConv2DFilterGradient}: needs input channels % 4 = 0 and output channels % 8 = 0, got ${cin} and ${cout}`);
  if (hp < sh * (ho - 1) + kh || wp < sw * (wo - 1) + kw || x.shape[0] !== dy.shape[0] || !(block >= 1)) {
    throw new RangeError(`${SdiConv2DFilterGradient}: x ${x.shape} too small for dy ${dy.shape} with a ${kh}×${kw} filter, strides ${sh}×${sw} (or block ${block} < 1)`);
  }
  const out = backend.makeOutput([kh, kw, cin, cout], 'float32');
  const [xAt, dyAt, outAt] = heapOffsets(backend, x, dy, out);
  // the input channels in two halves of whole 4-channel tiles: the second on the helper thread, if it takes it
  runInHalves(helper, 'filterGradient', simd!.filterGradient, cin, 4,
    (ciStart, count) => [xAt, dyAt, outAt, n, hp, wp, cin, ho, wo, cout, kh, kw, sh, sw, block, ciStart, ciStart + count], 0);
  return out;
}

/** Whether the kernel runs here for these channel counts (the wasm backend, the module installed, the switch on, Cin % 4 = 0, Cout % 8 = 0). */
export function wasmFilterGradientApplies(inChannels: number, outChannels: number): boolean {
  return simd !== null && wasmFilterGradientSwitch.enabled && tf.getBackend() === 'wasm'
    && inChannels % 4 === 0 && outChannels % 8 === 0 && inChannels > 0 && outChannels > 0;
}

/**
 * ∂L/∂w [kh, kw, Cin, Cout] for y = conv(xp, w) valid with the given strides, xp [N, Hp, Wp, Cin] and
 * dy [N, Ho, Wo, Cout] (Ho = ⌊(Hp − kh)/s_h⌋ + 1, likewise Wo; the caller pads x and checks the shapes).
 */
export function simdFilterGradient(xp: tf.Tensor4D, dy: tf.Tensor4D, filterHeight: number, filterWidth: number,
  strideHeight: number, strideWidth: number, block = filterGradientBlock): tf.Tensor4D {
  const attrs: FilterGradientAttrs = { filterHeight, filterWidth, strideHeight, strideWidth, block };
  return tf.engine().runKernel(SdiConv2DFilterGradient, { x: xp, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}
