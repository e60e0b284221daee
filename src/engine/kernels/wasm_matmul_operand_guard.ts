/**
 * A guard around tfjs-backend-wasm 4.22's BatchMatMul for a bug of its own: the C++ kernel caches one
 * XNNPACK fully-connected operator per right operand `b`, keyed by b's tensor id (the operator holds b
 * packed), and registers a disposal hook for that id. Using the SAME tensor id as `b` a second time with
 * another shape or transpose flag (a Reshape shares the id, so `matMul(a, b)` then
 * `matMul(c, reshape(b, …))` is enough) aborts the module ("Aborted()", or the heap is corrupted and a
 * later kernel dies with "memory access out of bounds"). Reproduced with tfjs alone, without this
 * project's kernels (test/engine/wasm_shared_identity.test.ts).
 *
 * The guard remembers, per data id, the (shape, transposeB) under which it first served as `b`; a later
 * call that would use it under another key gets a private copy of `b` instead (a new id, so a new cache
 * entry that the copy's disposal removes again). Values are untouched, so results are the same bits.
 *
 * Nothing in tfjs-wasm's own flow hits this while every saved tensor is a copy; it matters once tensors
 * share memory, as the copy-free Identity (wasm_copy_kernels.ts) makes every tensor a gradient saves share
 * the id of the tensor it saves (the NonLocal block's `g` is `b` of f·g in the forward pass and, reshaped,
 * of a product in its gradient).
 */
import { tf } from '../tf.js';

interface BackendWithHeap {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: tf.DataId): boolean;
}

interface MatMulArgs {
  inputs: { a: tf.TensorInfo; b: tf.TensorInfo };
  attrs: { transposeA: boolean; transposeB: boolean };
  backend: unknown;
}

/** (shape, transposeB) each data id has served under as BatchMatMul's `b` (weak: ids go with their tensors). */
const keyOfOperand = new WeakMap<tf.DataId, string>();
let copies = 0;
let installed = false;

/** How many BatchMatMul calls the guard has given a private copy of `b` (for tests). */
export function guardedMatMulCopies(): number {
  return copies;
}

/** Wraps the wasm backend's BatchMatMul with the guard (idempotent; after the backend is imported). */
export function installWasmMatMulOperandGuard(): void {
  if (installed) return;
  const original = tf.getKernel(tf.BatchMatMul, 'wasm');
  if (!original) return;
  const run = original.kernelFunc as unknown as (args: MatMulArgs) => tf.TensorInfo;
  tf.unregisterKernel(tf.BatchMatMul, 'wasm');
  tf.registerKernel({ ...original, kernelFunc: ((args: MatMulArgs) => guardedMatMul(args, run)) as unknown as tf.KernelFunc });
  installed = true;
}

function guardedMatMul(args: MatMulArgs, run: (args: MatMulArgs) => tf.TensorInfo): tf.TensorInfo {
  const { b } = args.inputs;
  const key = `${b.shape.join('x')}|${args.attrs.transposeB ? 't' : 'n'}`;
  const previous = keyOfOperand.get(b.dataId);
  if (previous === undefined || previous === key) {
    keyOfOperand.set(b.dataId, key);
    return run(args);
  }
  const backend = args.backend as BackendWithHeap;
  const copy = backend.makeOutput(b.shape.slice(), b.dtype);
  backend.typedArrayFromHeap(copy).set(backend.typedArrayFromHeap(b));
  keyOfOperand.set(copy.dataId, key);
  copies += 1;
  try {
    return run({ ...args, inputs: { a: args.inputs.a, b: copy } });
  } finally {
    backend.disposeData(copy.dataId);
  }
}
