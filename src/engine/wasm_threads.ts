/**
 * Multi-threaded tfjs-backend-wasm under Node.
 *
 * tfjs-backend-wasm 4.22 ships a threaded SIMD binary (XNNPACK with a pthreads pool of Web Workers)
 * but never uses it in Node, for three reasons, each worked around here just for the backend's
 * start-up:
 *
 * 1. Its `WASM_HAS_MULTITHREAD_SUPPORT` flag returns false whenever `IS_NODE` (tfjs issue #3830).
 *    → the flag is set to true before `setBackend('wasm')`.
 * 2. It hands Emscripten the pthread worker script as a `blob:` URL and the main script as a Blob;
 *    Node's `worker_threads.Worker` cannot load `blob:` URLs, and the worker's `importScripts` of the
 *    Blob fails. (Forcing the flag alone therefore made the backend fail to start.)
 *    → `URL.createObjectURL` is redirected, during start-up only, to a temporary file holding the
 *    package's own worker script with its main-script loading replaced by a `require` of the
 *    package's `tfjs-backend-wasm-threaded-simd.js` (a CommonJS file shipped beside it).
 * 3. Its C++ caps the XNNPACK pool at `emscripten_num_logical_cores() / 2` (it assumes two hardware
 *    threads per core), i.e. 1 thread on a 2-core machine, whatever `setThreadsCount` asks for.
 *    → `os.cpus()` reports twice the requested thread count while the module initialises.
 *
 * 4. The pthread workers would inherit the process's loader flags (e.g. `--import tsx`) and reload
 *    them: `worker_threads.Worker` is wrapped during start-up to give them an empty `execArgv`.
 * 5. Emscripten keeps a worker `ref`'d while its pthread runs, and XNNPACK's pool threads run for
 *    the life of the module, so the process would never exit: {@link unrefWasmThreadWorkers}.
 *
 * Browsers are not touched: there tfjs picks the threaded binary itself when the page is
 * cross-origin isolated.
 */
import { tf } from './tf.js';

/** What {@link prepareNodeWasmThreads} changed, and how to undo the temporary patches. */
export interface WasmThreadsPreparation {
  /** Threads asked of the backend. */
  requested: number;
  /** Undoes the start-up patches (call after `setBackend` resolved). */
  restore: () => void;
}

/** True when running under Node (not in a browser or a worker of one). */
export function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/**
 * Threads to use for wasm in Node: `SDI_WASM_THREADS` if set (at most 8, the workers the binary
 * pre-creates), else the cores that are free when the backend starts,
 *
 *   threads = clamp(cores − round(load₁), 1, 8),
 *
 * with load₁ the 1-minute load average. Measured on the 2-core machine (2026-11-26, bench:speed and
 * a `fast` run, results bit-identical to one thread): on an idle machine 2 threads make the
 * 256²/32-channel step ≈ 20 % faster (≈ 1.0 s vs 1.23 s), the 128² step of the `fast` preset ≈ 13 %
 * faster and the 64² step ≈ 12 % slower (per-op synchronisation); on a machine where another
 * process keeps a core busy the threaded pool is much slower (2.6 s vs 1.6 s per 256² step), hence
 * the load term. Set `SDI_WASM_THREADS` (or `sdi deblur --threads`) to fix it.
 */
export async function wantedWasmThreads(): Promise<number> {
  const fromEnv = Number(process.env.SDI_WASM_THREADS);
  if (Number.isInteger(fromEnv) && fromEnv >= 1) return Math.min(fromEnv, 8);
  const os = await import('node:os');
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(8, cores - Math.round(os.loadavg()[0])));
}

/**
 * Prepares the next `tf.setBackend('wasm')` to start the threaded binary with `threads` threads.
 * Throws if the package layout is not the one these workarounds were written for.
 * `setThreadsCount` is the wasm package's own export, passed in to keep one module instance.
 */
export async function prepareNodeWasmThreads(threads: number, setThreadsCount: (n: number) => void): Promise<WasmThreadsPreparation> {
  const [{ createRequire }, fs, path, osModule] = await Promise.all([
    import('node:module'), import('node:fs'), import('node:path'), import('node:os'),
  ]);
  const os = osModule.default;
  const require = createRequire(import.meta.url);
  const packageDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const wasmOut = path.join(packageDir, 'wasm-out');
  const factoryPath = path.join(wasmOut, 'tfjs-backend-wasm-threaded-simd.js');
  const { wasmWorkerContents } = require(path.join(wasmOut, 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string };
  const loadMainScript = 'if(typeof e.data.urlOrBlob=="string"){importScripts(e.data.urlOrBlob)}else{var objectUrl=URL.createObjectURL(e.data.urlOrBlob);importScripts(objectUrl);URL.revokeObjectURL(objectUrl)}';
  if (typeof wasmWorkerContents !== 'string' || !wasmWorkerContents.includes(loadMainScript) || !fs.existsSync(factoryPath)) {
    throw new Error('unexpected tfjs-backend-wasm worker script layout');
  }
  const workerScript = wasmWorkerContents
    .replace(loadMainScript, `global.WasmBackendModuleThreadedSimd=require(${JSON.stringify(factoryPath)});`)
    .replace(/\n/g, '\\n');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdi-tfjs-wasm-'));
  const workerFile = path.join(dir, 'pthread-worker.cjs');
  fs.writeFileSync(workerFile, workerScript);
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

  // the pthread workers run a plain CommonJS file: do not let them inherit loader flags (tsx) and
  // reload them, which costs seconds of start-up for the eight pre-created workers
  const workerThreads = require('node:worker_threads') as typeof import('node:worker_threads');
  const OriginalWorker = workerThreads.Worker;
  class PlainWorker extends OriginalWorker {
    constructor(file: string | URL, options?: import('node:worker_threads').WorkerOptions) {
      super(file, { execArgv: [], ...options });
    }
  }
  const originalCreateObjectURL = URL.createObjectURL;
  const originalCpus = os.cpus;
  URL.createObjectURL = (obj: Blob | MediaSource) =>
    obj instanceof Blob && obj.type === 'application/javascript' ? workerFile : originalCreateObjectURL(obj);
  os.cpus = () => {
    const cpus = originalCpus();
    return Array.from({ length: 2 * threads }, (_, i) => cpus[i % cpus.length]);
  };
  workerThreads.Worker = PlainWorker;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  setThreadsCount(threads);
  return {
    requested: threads,
    restore: () => {
      URL.createObjectURL = originalCreateObjectURL;
      os.cpus = originalCpus;
      workerThreads.Worker = OriginalWorker;
    },
  };
}

/**
 * Lets the process exit while XNNPACK's pool threads wait for work: Emscripten `ref`s a worker while
 * its pthread runs, and the pool's pthreads run for the life of the module.
 */
export function unrefWasmThreadWorkers(): void {
  const backend = tf.findBackend('wasm') as unknown as { wasm?: { PThread?: { runningWorkers?: Array<{ unref?: () => void }> } } } | null;
  for (const worker of backend?.wasm?.PThread?.runningWorkers ?? []) worker.unref?.();
}
