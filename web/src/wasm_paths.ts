/**
 * Tells tfjs's wasm backend where the bundler put its three .wasm binaries (plain, SIMD,
 * threaded SIMD). Must run before the wasm backend starts (the worker calls it at load time).
 */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import plainWasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdWasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimdWasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

let configured = false;

/** Points tfjs-backend-wasm at the bundled binaries (idempotent). */
export function configureWasmPaths(): void {
  if (configured) return;
  const absolute = (url: string) => new URL(url, self.location.href).href;
  setWasmPaths({
    'tfjs-backend-wasm.wasm': absolute(plainWasmUrl),
    'tfjs-backend-wasm-simd.wasm': absolute(simdWasmUrl),
    'tfjs-backend-wasm-threaded-simd.wasm': absolute(threadedSimdWasmUrl),
  });
  configured = true;
}
