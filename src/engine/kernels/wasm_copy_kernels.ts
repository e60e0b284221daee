/**
 * Faster JavaScript implementations of tfjs-backend-wasm's JavaScript-side copy kernels — Slice,
 * SplitV and Concat — and of two of its copy kernels, registered over the package's own for the
 * wasm backend:
 * - Reverse copies maximal contiguous runs (tfjs-wasm's kernel takes ≈1 ms even for a 3×3×32×32 filter);
 * - Transpose of small tensors (≤ {@link jsTransposeMaxSize} values) in JavaScript, where the
 *   package's generic rank-5/6 path costs milliseconds per call.
 *
 * and one copy that need not happen at all: Identity shares the input's memory (the backend's reference
 * count goes up, as for its own Reshape) instead of copying it, as tfjs's cpu, webgl and webgpu backends
 * do. tfjs-core runs it for every tensor a gradient saves (`engine.clone`: per 256²/32-channel step
 * ≈ 320 copies, 7 of them full 286²×32 maps, ≈ 11–14 ms). No wasm kernel writes into its inputs, so
 * sharing is safe once tfjs-wasm's BatchMatMul no longer breaks on a shared id
 * (wasm_matmul_operand_guard.ts, installed with it: without the guard a 16-channel step aborted, three
 * times in three sessions).
 *
 * The package's Slice calls `backend.readSync(x)`, which copies the WHOLE input out of the wasm heap
 * on every call (so slicing a row off a 256×256×32 map costs a full 8 MB copy), then copies one
 * `subarray` per innermost run (one per pixel for a channel slice); SplitV runs that Slice once per
 * output, and Concat also allocates a `subarray` per run. These versions read the heap in place and
 * copy maximal contiguous runs: where the SIMD module copy_simd.wat is installed ({@link installWasmSimdCopy}),
 * a whole line of runs per call to it (a channel split of a 286²×32 map: 13 → ≈ 2 ms), else in JavaScript.
 * Same results, bit for bit (tests compare them with the cpu backend).
 */
import { tf } from '../tf.js';
import { KernelSwitch } from '../kernel_switch.js';
import * as copyBinaries from './copy_simd_binary.js';
import { heapOffsets, instantiateOnWasmHeap, type WasmHeapBackend } from './wasm_heap_module.js';
import { installWasmMatMulOperandGuard } from './wasm_matmul_operand_guard.js';

type TypedArray = Float32Array | Int32Array | Uint8Array;

/** The part of tfjs-wasm's backend the copy kernels use. */
export interface WasmCopyBackend extends Pick<WasmHeapBackend, 'makeOutput' | 'getMemoryOffset'> {
  typedArrayFromHeap(t: tf.TensorInfo): TypedArray;
  incRef(dataId: tf.DataId): void;
}

interface CopyExports {
  copyRuns(src: number, srcStride: number, dst: number, dstStride: number, run: number, count: number): void;
}

let simdCopy: CopyExports | null = null;

/** Whether Identity shares its input's memory (on unless turned off, to measure) rather than copying it. */
export const wasmSharedIdentitySwitch = new KernelSwitch();

/** Whether the copies run in the SIMD module (copy_simd.wat) rather than JavaScript: on unless turned off (to measure). */
export const wasmSimdCopySwitch = new KernelSwitch();

/**
 * Instantiates copy_simd.wat on the wasm backend's heap, for the kernels below (idempotent; after the backend
 * started). Without it (no heap found, no wasm SIMD) they copy in JavaScript, with the same results.
 */
export function installWasmSimdCopy(): boolean {
  simdCopy ??= instantiateOnWasmHeap<CopyExports>(copyBinaries);
  return simdCopy !== null;
}

/**
 * A {@link RunCopier} from tensor `x` to tensor `out` on the heap: the SIMD module's strided copy where
 * installed (one call per line of runs), else JavaScript over heap views. The views are taken here,
 * after `out` was allocated: an allocation may grow (and move) the heap.
 */
function heapRunCopier(backend: WasmCopyBackend, x: tf.TensorInfo, out: tf.TensorInfo): RunCopier {
  const src = backend.typedArrayFromHeap(x), dst = backend.typedArrayFromHeap(out);
  if (!simdCopy || !wasmSimdCopySwitch.enabled) return arrayRunCopier(src, dst);
  const bytes = src.BYTES_PER_ELEMENT, copy = simdCopy;
  const [from0, to0] = heapOffsets(backend, x, out);
  return (from, fromStride, to, toStride, run, count) =>
    copy.copyRuns(from0 + from * bytes, fromStride * bytes, to0 + to * bytes, toStride * bytes, run * bytes, count);
}

interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}

/**
 * Copies `count` runs of `run` values, run k from src[from + k·fromStride …] to dst[to + k·toStride …].
 * Offsets in values of the arrays handed to {@link copyBox}.
 */
export type RunCopier = (from: number, fromStride: number, to: number, toStride: number, run: number, count: number) => void;

/** A {@link RunCopier} between two typed arrays, in JavaScript. */
export function arrayRunCopier(src: TypedArray, dst: TypedArray): RunCopier {
  return (from, fromStride, to, toStride, run, count) => {
    for (let k = 0; k < count; k++, from += fromStride, to += toStride) copyRun(src, from, dst, to, run);
  };
}

/**
 * Copies the box begin…begin+size of a row-major tensor of `shape` densely, as runs handed to `copyRuns`
 * (one call per line of runs along the last axis that is not taken whole).
 */
export function copyBox(shape: readonly number[], begin: readonly number[], size: readonly number[], copyRuns: RunCopier): void {
  const rank = shape.length;
  // merge the trailing axes that are taken whole, and the first partial one, into one run
  let run = 1, axis = rank - 1;
  while (axis >= 0 && size[axis] === shape[axis]) run *= shape[axis--];
  if (axis < 0) { copyRuns(0, 0, 0, 0, run, 1); return; }
  run *= size[axis];
  const strides = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) strides[d] = strides[d + 1] * shape[d + 1];
  let base = 0;
  for (let d = 0; d <= axis; d++) base += begin[d] * strides[d];
  if (axis === 0) { copyRuns(base, 0, 0, 0, run, 1); return; }
  // axis − 1 is the line; axes 0 … axis − 2 are iterated
  const line = size[axis - 1], lineStride = strides[axis - 1];
  const outer = axis - 1;
  const index = new Array<number>(outer).fill(0);
  const count = size.slice(0, outer).reduce((a, b) => a * b, 1);
  let dstOffset = 0;
  for (let k = 0; k < count; k++) {
    let offset = base;
    for (let d = 0; d < outer; d++) offset += index[d] * strides[d];
    copyRuns(offset, lineStride, dstOffset, run, run, line);
    dstOffset += run * line;
    for (let d = outer - 1; d >= 0; d--) {
      if (++index[d] < size[d]) break;
      index[d] = 0;
    }
  }
}

function copyRun(src: TypedArray, from: number, dst: TypedArray, to: number, length: number): void {
  if (length >= 64) {
    dst.set(src.subarray(from, from + length), to);
  } else {
    for (let i = 0; i < length; i++) dst[to + i] = src[from + i];
  }
}

function sliceKernel(args: KernelArgs, fallback: tf.KernelFunc): tf.TensorInfo {
  const x = args.inputs.x as tf.TensorInfo;
  if (x.dtype === 'string') return fallback(args as never) as tf.TensorInfo;
  const backend = args.backend as WasmCopyBackend;
  const attrs = args.attrs as unknown as { begin: number | number[]; size?: number | number[] };
  const [begin, size] = tf.slice_util.parseSliceParams(x as unknown as tf.Tensor, attrs.begin, attrs.size);
  return sliceOnHeap(backend, x, begin, size);
}

/** A new tensor on the heap holding the box begin…begin+size of x (a Slice; the SIMD copy where installed). */
export function sliceOnHeap(backend: WasmCopyBackend, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  if (size.some((s) => s === 0)) return out;
  copyBox(x.shape, begin, size, heapRunCopier(backend, x, out));
  return out;
}

function splitVKernel(args: KernelArgs, fallback: tf.KernelFunc): tf.TensorInfo[] {
  const x = args.inputs.x as tf.TensorInfo;
  if (x.dtype === 'string') return fallback(args as never) as tf.TensorInfo[];
  const backend = args.backend as WasmCopyBackend;
  const attrs = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number | number[] };
  const axis = tf.util.parseAxisParam(attrs.axis, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as unknown as tf.Tensor, attrs.numOrSizeSplits, axis);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = x.shape.slice();
    size[axis] = s;
    const piece = sliceOnHeap(backend, x, begin.slice(), size);
    begin[axis] += s;
    return piece;
  });
}

function concatKernel(args: KernelArgs, fallback: tf.KernelFunc): tf.TensorInfo {
  const inputs = (args.inputs as unknown as tf.TensorInfo[]).filter((t) => t.shape.every((d) => d > 0));
  const all = args.inputs as unknown as tf.TensorInfo[];
  if (all.length === 0 || all[0].dtype === 'string' || inputs.length === 0) return fallback(args as never) as tf.TensorInfo;
  const backend = args.backend as WasmCopyBackend;
  const axis = tf.util.parseAxisParam((args.attrs as unknown as { axis: number }).axis, all[0].shape)[0];
  const outShape = tf.backend_util.computeOutShape(all.map((t) => t.shape), axis);
  const out = backend.makeOutput(outShape, all[0].dtype);
  const outer = outShape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = inputs.map((t) => t.shape.slice(axis).reduce((a, b) => a * b, 1));
  const total = inner.reduce((a, b) => a + b, 0);
  let offset = 0;
  inputs.forEach((t, i) => {
    const n = inner[i];
    heapRunCopier(backend, t, out)(0, n, offset, total, n, outer);
    offset += n;
  });
  return out;
}

/** out[i] = x[i with the coordinates on `axes` mirrored], copying the runs after the last mirrored axis whole. */
export function reverseBox(src: TypedArray, shape: readonly number[], axes: readonly number[], dst: TypedArray): void {
  const rank = shape.length;
  if (axes.length === 0) { copyRun(src, 0, dst, 0, src.length); return; }
  const last = Math.max(...axes);
  let run = 1;
  for (let d = last + 1; d < rank; d++) run *= shape[d];
  const strides = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) strides[d] = strides[d + 1] * shape[d + 1];
  const mirrored = shape.map((_, d) => axes.includes(d));
  const index = new Array<number>(last + 1).fill(0);
  const count = shape.slice(0, last + 1).reduce((a, b) => a * b, 1);
  for (let k = 0, to = 0; k < count; k++, to += run) {
    let from = 0;
    for (let d = 0; d <= last; d++) from += (mirrored[d] ? shape[d] - 1 - index[d] : index[d]) * strides[d];
    copyRun(src, from, dst, to, run);
    for (let d = last; d >= 0; d--) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
}

function reverseKernel(args: KernelArgs, fallback: tf.KernelFunc): tf.TensorInfo {
  const x = args.inputs.x as tf.TensorInfo;
  if (x.dtype === 'string' || x.shape.length === 0) return fallback(args as never) as tf.TensorInfo;
  const backend = args.backend as WasmCopyBackend;
  const axes = tf.util.parseAxisParam((args.attrs as unknown as { dims: number | number[] }).dims, x.shape);
  const out = backend.makeOutput(x.shape.slice(), x.dtype);
  reverseBox(backend.typedArrayFromHeap(x), x.shape, axes, backend.typedArrayFromHeap(out));
  return out;
}

/** Largest tensor transposed in JavaScript; larger ones keep tfjs-wasm's kernel. */
export const jsTransposeMaxSize = 1 << 16;

/** out = transpose(x, perm) for a row-major x of `shape`. */
export function transposeBox(src: TypedArray, shape: readonly number[], perm: readonly number[], dst: TypedArray): void {
  const rank = shape.length;
  const strides = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) strides[d] = strides[d + 1] * shape[d + 1];
  const outShape = perm.map((p) => shape[p]);
  const srcStride = perm.map((p) => strides[p]);
  const inner = outShape[rank - 1] ?? 1, innerStride = srcStride[rank - 1] ?? 1;
  const index = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  const count = outShape.slice(0, rank - 1).reduce((a, b) => a * b, 1);
  for (let k = 0, to = 0; k < count; k++) {
    let from = 0;
    for (let d = 0; d < rank - 1; d++) from += index[d] * srcStride[d];
    for (let i = 0; i < inner; i++, from += innerStride) dst[to++] = src[from];
    for (let d = rank - 2; d >= 0; d--) {
      if (++index[d] < outShape[d]) break;
      index[d] = 0;
    }
  }
}

function transposeKernel(args: KernelArgs, fallback: tf.KernelFunc): tf.TensorInfo {
  const x = args.inputs.x as tf.TensorInfo;
  const size = x.shape.reduce((a, b) => a * b, 1);
  if (x.dtype === 'string' || size > jsTransposeMaxSize || x.shape.length < 2) return fallback(args as never) as tf.TensorInfo;
  const backend = args.backend as WasmCopyBackend;
  const perm = (args.attrs as unknown as { perm: number[] }).perm;
  const out = backend.makeOutput(perm.map((p) => x.shape[p]), x.dtype);
  transposeBox(backend.typedArrayFromHeap(x), x.shape, perm, backend.typedArrayFromHeap(out));
  return out;
}

/** Identity: the output is the input's memory, reference counted (y = x without a copy). */
function identityKernel(args: KernelArgs, fallback: tf.KernelFunc): tf.TensorInfo {
  const x = args.inputs.x as tf.TensorInfo;
  if (x.dtype === 'string' || !wasmSharedIdentitySwitch.enabled) return fallback(args as never) as tf.TensorInfo;
  (args.backend as WasmCopyBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype };
}

/** Whether the polyphase input gradient interleaves with {@link interleavePhasesOnWasm} (on unless turned off, to measure). */
export const wasmInterleaveSwitch = new KernelSwitch();

/** Name of the phase interleave kernel (wasm backend); inputs {phases}, attrs {@link InterleaveAttrs}. */
export const SdiInterleavePhases = 'SdiInterleavePhases';

/** The interleave's strides, channels and the crop [top, top + height) × [left, left + width) of its output. */
export interface InterleaveAttrs {
  strideHeight: number;
  strideWidth: number;
  channels: number;
  top: number;
  left: number;
  height: number;
  width: number;
}

/**
 * out[n, y, x, c] = phases[n, u, v, (r·s_w + t)·C + c] with top + y = s_h·u + r and left + x = s_w·v + t:
 * the depth-to-space of a polyphase conv's output (gradients/conv2d_input_gradient.ts) and the crop of
 * its interior in one strided copy, where the reshape/transpose/slice it replaces copies the whole map
 * twice (tfjs-wasm's generic rank-6 Transpose, then a Slice). One call of the copier per output row and
 * column phase t: the pixels x ≡ t − left (mod s_w), C values each.
 */
function interleavePhasesKernel(args: KernelArgs): tf.TensorInfo {
  const phases = args.inputs.phases as tf.TensorInfo;
  const backend = args.backend as WasmCopyBackend;
  const { strideHeight: sh, strideWidth: sw, channels: c, top, left, height, width } = args.attrs as unknown as InterleaveAttrs;
  const [batch, u, v, depth] = phases.shape;
  if (depth !== sh * sw * c || top < 0 || left < 0 || top + height > u * sh || left + width > v * sw) {
    throw new RangeError(`${SdiInterleavePhases}: phases ${phases.shape} cannot give ${height}×${width}×${c} from (${top}, ${left}) at strides ${sh}×${sw}`);
  }
  const out = backend.makeOutput([batch, height, width, c], phases.dtype);
  if (batch * height * width * c === 0) return out;
  const copy = heapRunCopier(backend, phases, out);
  const phaseRow = v * depth;
  for (let n = 0; n < batch; n++) {
    for (let y = 0; y < height; y++) {
      const row = top + y, pu = Math.floor(row / sh), r = row % sh;
      const from0 = (n * u + pu) * phaseRow, to0 = ((n * height + y) * width) * c;
      for (let t = 0; t < sw; t++) {
        // the first x with (left + x) % s_w = t, and how many follow at steps of s_w
        const x0 = (t - (left % sw) + sw) % sw;
        if (x0 >= width) continue;
        const count = Math.floor((width - 1 - x0) / sw) + 1;
        const pv = Math.floor((left + x0) / sw);
        copy(from0 + pv * depth + (r * sw + t) * c, depth, to0 + x0 * c, sw * c, c, count);
      }
    }
  }
  return out;
}

/**
 * The interleave and crop of {@link interleavePhasesKernel} as a tensor op (wasm backend, after
 * {@link installWasmCopyKernels}); float32 or int32, any batch.
 */
export function interleavePhasesOnWasm(phases: tf.Tensor4D, attrs: InterleaveAttrs): tf.Tensor4D {
  return tf.engine().runKernel(SdiInterleavePhases, { phases }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

/** Whether {@link interleavePhasesOnWasm} can run now (the wasm backend with the copy kernels installed, the switch on). */
export function wasmInterleaveApplies(): boolean {
  return installed && wasmInterleaveSwitch.enabled && tf.getBackend() === 'wasm';
}

let installed = false;

/**
 * Replaces the wasm backend's Slice, SplitV, Concat, Reverse, Transpose and Identity kernels, registers
 * {@link SdiInterleavePhases}, and guards its BatchMatMul (wasm_matmul_operand_guard.ts), which the shared
 * Identity needs (idempotent; after the backend is imported).
 */
export function installWasmCopyKernels(): void {
  if (installed) return;
  installWasmMatMulOperandGuard();
  const replacements: Array<[string, (args: KernelArgs, fallback: tf.KernelFunc) => tf.TensorInfo | tf.TensorInfo[]]> = [
    [tf.Slice, sliceKernel], [tf.SplitV, splitVKernel], [tf.Concat, concatKernel],
    [tf.Reverse, reverseKernel], [tf.Transpose, transposeKernel], [tf.Identity, identityKernel],
  ];
  if (!tf.getKernel(SdiInterleavePhases, 'wasm')) {
    tf.registerKernel({ kernelName: SdiInterleavePhases, backendName: 'wasm', kernelFunc: interleavePhasesKernel as unknown as tf.KernelFunc });
  }
  for (const [name, impl] of replacements) {
    const original = tf.getKernel(name, 'wasm');
    if (!original) continue;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ ...original, kernelFunc: ((args: KernelArgs) => impl(args, original.kernelFunc)) as unknown as tf.KernelFunc });
  }
  installed = true;
}
