/**
 * Turns an exception from decoding or deblurring into a one-line message for the page, classified
 * as out-of-memory, bad input, engine trouble or an internal error.
 */
import { SdiError } from '../../src/errors.js';
import type { FailureKind } from './protocol.js';

const memoryPatterns = /out of memory|allocation failed|Array buffer allocation|OOM|Cannot enlarge memory|memory access out of bounds|RangeError: Invalid typed array length|GPUOutOfMemory|Aborted\(/i;
const enginePatterns = /webgpu|wasm|backend|GPUDevice|device (was )?lost/i;

/** Kind and user-facing text of a failure. */
export function describeFailure(e: unknown): { kind: FailureKind; message: string } {
  const raw = e instanceof Error ? e.message : typeof e === 'object' && e && 'message' in e ? String((e as { message: unknown }).message) : String(e);
  const text = raw.split('\n')[0].slice(0, 300);
  if (e instanceof SdiError) return { kind: 'input', message: text };
  if (memoryPatterns.test(raw) || (e instanceof RangeError && /length|size|memory/i.test(raw))) {
    return { kind: 'memory', message: `the browser ran out of memory (${text}). Try a smaller kernel size, the 'fast' preset, a smaller region, or a smaller image.` };
  }
  if (enginePatterns.test(raw)) return { kind: 'engine', message: `the compute engine failed (${text}). Reload the page, or choose WebAssembly in the settings.` };
  return { kind: 'internal', message: text };
}
