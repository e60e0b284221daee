/**
 * A second thread for the project's wasm heap kernels (Node, tfjs-wasm's threaded binary): a
 * `worker_threads` worker that instantiates the same module on the same shared `WebAssembly.Memory`
 * and runs one export call at a time while the main thread runs its own share of the work, so a
 * kernel that splits its output in two disjoint halves takes about half the time:
 *
 *     helper.begin('f', argsForSecondHalf)   // the worker starts
 *     exports.f(...argsForFirstHalf)          // the main thread works meanwhile
 *     helper.finish()                        // waits for the worker (Atomics.wait)
 *
 * tfjs-wasm's own kernels use its pthread pool; ours run between them, when that pool is idle, so the
 * two never compete for the cores. The call's arguments travel through a small shared block (numbers
 * only: byte offsets, sizes, float32 scalars). Where there is no shared heap, no `worker_threads`
 * (browsers) or the worker has not started yet, `begin` returns false and the caller does all the work.
 */
import { decodeBase64, wasmBackendMemory, type WasmHeapBinaries } from './wasm_heap_module.js';
import { KernelSwitch } from '../kernel_switch.js';

/** On unless turned off (to measure what the helper threads save): off, every kernel runs on the main thread alone. */
export const helperThreadSwitch = new KernelSwitch();

/** Control words (Int32Array indices) of the shared block. */
const REQUEST = 0, DONE = 1, FUNCTION = 2, ARG_COUNT = 3, READY = 4, FAILED = 5, CONTROL_WORDS = 8;
const MAX_ARGS = 32;
/** A call that takes longer than this has lost its worker (no kernel call takes seconds). */
const finishTimeoutMs = 120_000;

/** The worker's script (CommonJS, run with `eval: true`): instantiate, signal ready, then serve calls (the worker is unref'd: it ends with the process). */
const workerSource = `
const { workerData } = require('node:worker_threads');
const { memory, binary, names, control, args } = workerData;
const exports_ = new WebAssembly.Instance(new WebAssembly.Module(binary), { env: { memory } }).exports;
const fns = names.map((n) => exports_[n]);
const ctrl = new Int32Array(control), values = new Float64Array(args);
Atomics.store(ctrl, ${READY}, 1);
Atomics.notify(ctrl, ${READY});
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, ${REQUEST}, seen);
  seen = Atomics.load(ctrl, ${REQUEST});
  try {
    fns[ctrl[${FUNCTION}]](...Array.from(values.subarray(0, ctrl[${ARG_COUNT}])));
    Atomics.store(ctrl, ${FAILED}, 0);
  } catch (e) {
    Atomics.store(ctrl, ${FAILED}, 1);
  }
  Atomics.store(ctrl, ${DONE}, seen);
  Atomics.notify(ctrl, ${DONE});
}
`;

interface NodeWorker { unref(): void }
interface WorkerThreadsModule { Worker: new (source: string, options: { eval: true; workerData: unknown }) => NodeWorker }

/** Node's `worker_threads`, loaded synchronously (`process.getBuiltinModule`, Node ≥ 20.16), or null (browsers, older Node). */
function workerThreads(): WorkerThreadsModule | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return (proc?.getBuiltinModule?.('node:worker_threads') as WorkerThreadsModule | undefined) ?? null;
  } catch {
    return null;
  }
}

/**
 * One worker thread serving calls to the heap module's exports (module comment): `start` creates it,
 * `begin(name, args)` hands it a call, `finish()` waits for that call to end.
 */
export class HeapHelperThread {
  private readonly control: Int32Array;
  private readonly args: Float64Array;
  private readonly names: readonly string[];
  private readonly worker: NodeWorker;
  private request = 0;
  private pending = false;

  private constructor(worker: NodeWorker, control: Int32Array, args: Float64Array, names: readonly string[]) {
    this.worker = worker;
    this.control = control;
    this.args = args;
    this.names = names;
  }

  /**
   * Starts a worker running `binaries` (the shared-memory one) on the wasm backend's heap for the exports
   * `names`, or returns null where that cannot be done (no heap, not a shared one, no worker_threads).
   */
  static start(binaries: WasmHeapBinaries, names: readonly string[]): HeapHelperThread | null {
    const memory = wasmBackendMemory();
    if (!memory || typeof SharedArrayBuffer === 'undefined' || !(memory.buffer instanceof SharedArrayBuffer)) return null;
    const threads = workerThreads();
    if (!threads) return null;
    const control = new SharedArrayBuffer(CONTROL_WORDS * 4), args = new SharedArrayBuffer(MAX_ARGS * 8);
    try {
      const binary = decodeBase64(binaries.sharedMemoryBinary);
      const worker = new threads.Worker(workerSource, { eval: true, workerData: { memory, binary, names: [...names], control, args } });
      worker.unref();
      return new HeapHelperThread(worker, new Int32Array(control), new Float64Array(args), names);
    } catch {
      return null;
    }
  }

  /** Whether the worker has its module instantiated and waits for calls. */
  get ready(): boolean {
    return Atomics.load(this.control, READY) === 1;
  }

  /** Starts `name(...args)` on the worker; false (nothing started) if it is not ready, a call is pending or {@link helperThreadSwitch} is off. */
  begin(name: string, args: readonly number[]): boolean {
    if (this.pending || !this.ready || !helperThreadSwitch.enabled) return false;
    const index = this.names.indexOf(name);
    if (index < 0 || args.length > MAX_ARGS) throw new RangeError(`HeapHelperThread: unknown export ${name} or more than ${MAX_ARGS} arguments`);
    this.args.set(args);
    this.control[FUNCTION] = index;
    this.control[ARG_COUNT] = args.length;
    this.request += 1;
    this.pending = true;
    Atomics.store(this.control, REQUEST, this.request);
    Atomics.notify(this.control, REQUEST);
    return true;
  }

  /** Waits for the call `begin` started; throws if it failed in the worker. */
  finish(): void {
    if (!this.pending) return;
    const started = Date.now();
    for (;;) {
      const done = Atomics.load(this.control, DONE);
      if (done === this.request) break;
      if (Date.now() - started > finishTimeoutMs) {
        this.pending = false;
        throw new Error(`HeapHelperThread: ${this.names[this.control[FUNCTION]]} did not finish in the helper thread within ${finishTimeoutMs / 1000} s`);
      }
      Atomics.wait(this.control, DONE, done, 1000);
    }
    this.pending = false;
    if (Atomics.load(this.control, FAILED) !== 0) throw new Error(`HeapHelperThread: ${this.names[this.control[FUNCTION]]} failed in the helper thread`);
  }
}

/** Fewest values an elementwise call splits over two threads (below it, waking the worker costs more than it saves). */
export const SPLIT_MIN_VALUES = 1 << 16;

let splitCalls = 0;

/** How many calls {@link runInHalves} has shared with a helper thread in this process (for tests). */
export function sharedCallCount(): number {
  return splitCalls;
}

/**
 * Runs an elementwise export over n values in two halves, the second on `helper` (where there is one and
 * it takes the call), split at a multiple of `granule` values (the channel count, so both halves start at
 * channel 0); `args(start, count)` gives the export's arguments for the values [start, start + count).
 * Calls over fewer than `minimum` values run on the main thread alone.
 * Each value is computed by exactly one thread with the same operations, so the result is the same bits
 * as one call over all n.
 */
export function runInHalves(helper: HeapHelperThread | null, name: string, run: (...args: number[]) => void, n: number, granule: number,
  args: (start: number, count: number) => number[], minimum = SPLIT_MIN_VALUES): void {
  const half = granule * Math.ceil(n / (2 * granule));
  if (helper && n >= minimum && half < n && helper.begin(name, args(half, n - half))) {
    splitCalls += 1;
    try {
      run(...args(0, half));
    } finally {
      helper.finish();
    }
  } else {
    run(...args(0, n));
  }
}
