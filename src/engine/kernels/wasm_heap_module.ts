/**
 * Instantiating the project's own wasm SIMD modules (the .wat files beside this one, assembled by
 * scripts/build_wasm_kernels.ts) on tfjs-backend-wasm's heap: each module imports the backend's
 * `WebAssembly.Memory`, so its functions read and write tensors in place, given their byte offsets
 * (`backend.getMemoryOffset(dataId)`), as tfjs-wasm's own C++ kernels do. The threaded binary's heap is
 * a shared memory, which a module must declare as such: each source is assembled twice.
 */
import { tf } from '../tf.js';

/** The part of tfjs-wasm's backend the project's heap kernels use. */
export interface WasmHeapBackend {
  wasm: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  getMemoryOffset(dataId: unknown): number;
}

/** A .wat source assembled for an ordinary and for a shared memory (base64), as the generated *_binary.ts modules export them. */
export interface WasmHeapBinaries {
  plainMemoryBinary: string;
  sharedMemoryBinary: string;
}

/** The wasm backend's heap, or null where the backend is not registered or its memory is not where tfjs-wasm 4.22 keeps it. */
export function wasmBackendMemory(): WebAssembly.Memory | null {
  const backend = tf.findBackend('wasm') as unknown as WasmHeapBackend | null;
  const memory = backend?.wasm?.wasmMemory ?? backend?.wasm?.asm?.memory;
  return memory instanceof WebAssembly.Memory ? memory : null;
}

/** The bytes of a base64 text (a module binary). */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const bytes = atob(text);
  const out = new Uint8Array(new ArrayBuffer(bytes.length));
  for (let i = 0; i < bytes.length; i++) out[i] = bytes.charCodeAt(i);
  return out;
}

/**
 * The exports of `binaries` instantiated on the wasm backend's heap (the shared-memory binary where the
 * heap is a SharedArrayBuffer), or null where there is no heap or the engine rejects the module
 * (no wasm SIMD): callers then keep tfjs's own kernels.
 */
export function instantiateOnWasmHeap<T>(binaries: WasmHeapBinaries): T | null {
  const memory = wasmBackendMemory();
  if (!memory) return null;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  try {
    const module = new WebAssembly.Module(decodeBase64(shared ? binaries.sharedMemoryBinary : binaries.plainMemoryBinary));
    return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as T;
  } catch {
    return null;
  }
}

/** `count` new float32 tensors of `like`'s shape on the heap (allocate every output before taking offsets). */
export function outputsLike(backend: WasmHeapBackend, like: tf.TensorInfo, count: number): tf.TensorInfo[] {
  return Array.from({ length: count }, () => backend.makeOutput(like.shape.slice(), 'float32'));
}

/** Byte offsets of the tensors' data in the heap, in order. */
export function heapOffsets<T extends tf.TensorInfo[]>(backend: Pick<WasmHeapBackend, 'getMemoryOffset'>, ...tensors: T): { [K in keyof T]: number } {
  return tensors.map((t) => backend.getMemoryOffset(t.dataId)) as { [K in keyof T]: number };
}
