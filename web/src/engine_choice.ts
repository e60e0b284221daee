/**
 * Picks the tfjs backend for the worker and says why, in words for the page:
 * WebGPU when the browser offers a hardware GPU adapter, else WebAssembly (wasm). A software
 * ("fallback") WebGPU adapter such as SwiftShader is slower than wasm, so `auto` skips it.
 * The backend itself is started by the library's initBackend (the one the CLI uses).
 */
import { initBackend, wasmHeapKernelsActive } from '../../src/engine/backend.js';
import { tf } from '../../src/engine/tf.js';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import type { EngineInfo, EnginePreference } from './protocol.js';

/** The parts of the WebGPU API this module reads (the DOM typings of TypeScript 5 lack them). */
interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<GpuAdapterLike | null>;
}

/** What the browser offers for WebGPU: an adapter, or why there is none. */
export interface WebGpuProbe {
  adapter: GpuAdapterLike | null;
  /** Why WebGPU cannot be used (empty when an adapter was found). */
  missing: string;
  name: string;
  software: boolean;
}

/** Asks the browser for a WebGPU adapter (never throws). */
export async function probeWebGpu(): Promise<WebGpuProbe> {
  const gpu = (self.navigator as unknown as { gpu?: GpuLike }).gpu;
  if (!gpu) {
    const why = self.isSecureContext
      ? 'this browser has no WebGPU (navigator.gpu is missing; Chrome/Edge 113+, Safari 26+ and recent Firefox have it)'
      : 'WebGPU needs a secure page (https:// or http://localhost / 127.0.0.1)';
    return { adapter: null, missing: why, name: '', software: false };
  }
  let adapter: GpuAdapterLike | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return { adapter: null, missing: `the browser refused a WebGPU adapter (${message(e)})`, name: '', software: false };
  }
  if (!adapter) return { adapter: null, missing: 'WebGPU is present but offered no GPU adapter (GPU blocked or disabled in the browser settings)', name: '', software: false };
  const info = adapter.info ?? {};
  const name = [info.vendor, info.architecture, info.description].filter((s) => s && s.length > 0).join(' ') || 'unnamed adapter';
  const software = Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter) || /swiftshader|llvmpipe|lavapipe|software/i.test(name);
  return { adapter, missing: '', name, software };
}

/**
 * Starts the backend the preference asks for and describes the choice. `auto`: WebGPU on a
 * hardware adapter, else wasm; `webgpu`: WebGPU even on a software adapter (falls back to wasm,
 * with the reason, when it cannot start); `wasm`: wasm.
 */
export async function chooseEngine(preference: EnginePreference): Promise<EngineInfo> {
  let whyNotGpu: string;
  if (preference === 'wasm') {
    whyNotGpu = 'WebAssembly was chosen in the settings';
  } else {
    const probe = await probeWebGpu();
    if (!probe.adapter) whyNotGpu = probe.missing;
    else if (probe.software && preference === 'auto') whyNotGpu = `the only WebGPU adapter is a software one (${probe.name}), slower than WebAssembly; pick WebGPU in the settings to use it anyway`;
    else {
      try {
        await initBackend('webgpu');
        const reason = preference === 'webgpu' ? 'WebGPU was chosen in the settings' : 'this browser offers WebGPU on a GPU adapter';
        return { name: 'webgpu', reason, detail: `adapter: ${probe.name}${probe.software ? ' (software)' : ''}` };
      } catch (e) {
        whyNotGpu = `WebGPU adapter found (${probe.name}) but tfjs's webgpu backend did not start: ${message(e)}`;
      }
    }
  }
  const started = await initBackend('wasm');
  if (started.name !== 'wasm') return { name: started.name, reason: `${whyNotGpu}; ${started.reason}`, detail: 'pure JavaScript (slow)' };
  return { name: 'wasm', reason: whyNotGpu, detail: await wasmDetail() };
}

/** SIMD / threads / isolation of the running wasm backend, for the page. */
async function wasmDetail(): Promise<string> {
  let threads = 1;
  try {
    threads = getThreadsCount();
  } catch {
    /* not started */
  }
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) ? 'SIMD' : 'no SIMD';
  const threaded = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  const why = !self.crossOriginIsolated ? ' (the page is not cross-origin isolated)' : !threaded ? ' (no WebAssembly threads in this browser)' : '';
  const fused = wasmHeapKernelsActive() ? ', fused SIMD kernels' : '';
  return `WebAssembly, ${simd}${fused}, ${threads} thread${threads === 1 ? '' : 's'}${why}`;
}

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 200);
}
