/**
 * Vite configuration of the web page (web/): `npm run web` serves it on http://127.0.0.1:5173,
 * `npm run build:web` writes static files to web/dist (relative URLs: host them under any path).
 *
 * - `@tensorflow/tfjs` is aliased to src/tfjs_shim.ts: src/engine/tf.ts imports the union package
 *   only so that tfjs-core's gradients get registered; the shim registers exactly those, so the
 *   layers, converter, data and webgl packages stay out of the bundle.
 * - Every response carries COOP/COEP headers, so the page is cross-origin isolated
 *   (SharedArrayBuffer, which the multi-threaded wasm build of tfjs needs). Static hosts must send
 *   the same two headers for threads; without them the page still works on one thread.
 * - No minification: tfjs-backend-wasm starts its threads from the *source text* of its threaded
 *   module factory (`factory.toString()` in a Blob); a minifier renames the variables that text
 *   refers to and the threads fail with "e is not defined". gzip takes most of the size back.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));

/** The two headers that make the page cross-origin isolated. */
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * Rolldown notices that are noise here: the worker imports tfjs-backend-wasm statically (wasm
 * paths) and initBackend imports it dynamically (for Node), one chunk either way; build timings.
 */
const quietChecks = { checks: { ineffectiveDynamicImport: false, bundlerTimings: false } };

export default defineConfig({
  root: webRoot,
  base: './',
  resolve: {
    alias: [{ find: /^@tensorflow\/tfjs$/, replacement: fileURLToPath(new URL('./src/tfjs_shim.ts', import.meta.url)) }],
  },
  worker: { format: 'es', rolldownOptions: quietChecks },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    minify: false,
    rolldownOptions: quietChecks,
  },
  server: { host: '127.0.0.1', port: 5173, headers: isolationHeaders, fs: { allow: ['..'] } },
  preview: { host: '127.0.0.1', port: 4173, headers: isolationHeaders },
});
