/**
 * Choosing and starting the tfjs backend: `wasm` (default in Node), `cpu` (pure JS fallback) or
 * `webgpu` (when a WebGPU adapter is available). Registers the project's gradients first, so conv
 * nets train on every backend (tfjs keeps one gradient registry for all backends).
 *
 * Threads (wasm): in Node the threaded XNNPACK binary is started with one thread per free core
 * (cores minus the load average, at most 8; `SDI_WASM_THREADS=n` overrides, 1 disables) through the workarounds documented in
 * wasm_threads.ts; `BackendInfo.threads` reports what the backend actually runs on
 * (`getThreadsCount()`). If the threaded start fails, the single-threaded binary is started instead
 * and the reason says why. In browsers tfjs decides (threads need a cross-origin-isolated page).
 * The wasm backend's JavaScript Slice/SplitV/Concat kernels are replaced by faster ones, its Identity by
 * one that shares memory instead of copying (kernels/wasm_copy_kernels.ts; with its BatchMatMul guarded
 * against a tfjs-wasm bug that sharing would trigger, kernels/wasm_matmul_operand_guard.ts), and once it runs, the project's SIMD modules are instantiated on its
 * heap: batch norm + LeakyReLU, Adam, strided copies (kernels/*.wat; bit for bit tfjs's results).
 */
import { tf } from './tf.js';
import '@tensorflow/tfjs-backend-cpu';
import { SdiError } from '../errors.js';
import { registerEngineGradients } from './gradients/register.js';
import { isNode, prepareNodeWasmThreads, unrefWasmThreadWorkers, wantedWasmThreads, type WasmThreadsPreparation } from './wasm_threads.js';
import { startWebgpu } from './webgpu.js';
import { installWasmCopyKernels, installWasmSimdCopy } from './kernels/wasm_copy_kernels.js';
import { installWasmMirrorPadGradientKernel } from './kernels/wasm_mirror_pad_gradient_kernel.js';
import { installWasmBatchNormKernels } from './kernels/wasm_batch_norm_kernels.js';
import { installWasmAdamKernel } from './kernels/wasm_adam_kernel.js';
import { installWasmFilterGradientKernel } from './kernels/wasm_filter_gradient_kernel.js';
import { installWasmResizeGradientKernel } from './kernels/wasm_resize_gradient_kernel.js';

/** The tfjs backends the project runs on. */
export type BackendName = 'wasm' | 'cpu' | 'webgpu';

/** The backend a run actually got (it may differ from the one asked for) and why. */
export interface BackendInfo {
  /** The backend actually in use. */
  name: BackendName;
  /** Threads the backend runs on (wasm), 1 where not applicable. */
  threads: number;
  /** Why this backend was chosen, or why the requested one was not available. */
  reason: string;
}

let current: BackendInfo | null = null;

// Registered on import too, so code that only calls tf.setBackend still trains with the correct gradients.
registerEngineGradients();

/**
 * Starts the requested backend (idempotent). `wasm` falls back to `cpu` with a reason if it cannot
 * start; `webgpu` throws an {@link SdiError} when no adapter is available.
 */
export async function initBackend(requested: BackendName = 'wasm'): Promise<BackendInfo> {
  registerEngineGradients();
  if (current && current.name === requested && tf.getBackend() === requested) return current;
  if (requested === 'cpu') {
    await tf.setBackend('cpu');
    await tf.ready();
    current = { name: 'cpu', threads: 1, reason: 'requested' };
  } else if (requested === 'wasm') {
    current = await startWasm();
  } else if (requested === 'webgpu') {
    await startWebgpu();
    current = { name: 'webgpu', threads: 1, reason: 'requested' };
  } else {
    throw new SdiError(`unknown backend '${String(requested)}' (wasm, cpu or webgpu)`);
  }
  return current;
}

let heapKernels = false;

/** The project's SIMD kernels on tfjs-wasm's heap (engine/kernels/*.wat); each falls back to tfjs's ops where it cannot start. */
function installHeapKernels(threads: number): void {
  heapKernels = [installWasmSimdCopy(), installWasmBatchNormKernels(threads > 1), installWasmAdamKernel(threads > 1), installWasmFilterGradientKernel(threads > 1),
    installWasmResizeGradientKernel(threads > 1)].every(Boolean);
}

/** Whether the wasm backend runs the project's SIMD kernels on its heap (batch norm, Adam, copies, filter and resize gradients), as {@link initBackend} started them. */
export function wasmHeapKernelsActive(): boolean {
  return heapKernels;
}

async function startWasm(): Promise<BackendInfo> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  installWasmCopyKernels();
  installWasmMirrorPadGradientKernel();
  if (tf.findBackend('wasm') !== null) {
    await tf.setBackend('wasm');
    installHeapKernels(wasm.getThreadsCount());
    return { name: 'wasm', threads: wasm.getThreadsCount(), reason: 'requested' };
  }
  let note = '';
  let prepared: WasmThreadsPreparation | null = null;
  if (isNode()) {
    const threads = await wantedWasmThreads();
    if (threads > 1) {
      try {
        prepared = await prepareNodeWasmThreads(threads, wasm.setThreadsCount);
      } catch (e) {
        note = `; threads unavailable (${(e as Error).message})`;
      }
    }
  }
  let ok = false;
  try {
    ok = await tf.setBackend('wasm');
  } finally {
    prepared?.restore();
  }
  if (!ok && prepared) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    wasm.setThreadsCount(1);
    note = '; the threaded wasm binary failed to start, using one thread';
    ok = await tf.setBackend('wasm');
  }
  if (ok) {
    await tf.ready();
    if (prepared) unrefWasmThreadWorkers();
    installHeapKernels(wasm.getThreadsCount());
    return { name: 'wasm', threads: wasm.getThreadsCount(), reason: `requested${note}` };
  }
  await tf.setBackend('cpu');
  return { name: 'cpu', threads: 1, reason: 'wasm backend failed to start; using the (slow) cpu backend' };
}
