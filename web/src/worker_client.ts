/**
 * The page's handle on the deblurring worker: request/response for decoding, fire-and-forget
 * engine selection and runs with event callbacks, and a cancel that always ends within a deadline
 * (the run is asked to stop; if the worker has not answered in time it is terminated and a fresh
 * one started, so a long GPU step can never keep the page "running").
 */
import type { Image } from '../../src/image/image.js';
import type { DeblurOptions } from '../../src/deblur.js';
import type { EngineInfo, EnginePreference, FailureKind, FromWorker, ProgressSummary, Region, RunResult, ToWorker } from './protocol.js';
import type { Kernel } from '../../src/physics/kernel.js';

export interface WorkerEvents {
  onEngine(info: EngineInfo): void;
  onProgress(progress: ProgressSummary): void;
  onPreview(progress: ProgressSummary, image: Image, kernel: Kernel): void;
  onDone(result: RunResult): void;
  onFailed(kind: FailureKind, message: string): void;
}

/** A decoded image and the size it had in the file (larger when it was downscaled). */
export interface DecodedImage {
  image: Image;
  original: { width: number; height: number };
}

/** How a cancel ended: the worker returned the estimate so far, or it was terminated. */
export type CancelOutcome = 'stopped' | 'terminated';

export class DeblurWorkerClient {
  private worker!: Worker;
  private nextId = 1;
  private readonly decodes = new Map<number, { resolve: (d: DecodedImage) => void; reject: (e: Error) => void }>();
  private running = false;
  private runEnded: (() => void) | null = null;
  private preference: EnginePreference = 'auto';

  constructor(private readonly events: WorkerEvents) {
    this.spawn();
  }

  private spawn(): void {
    this.worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'deblur' });
    this.worker.onmessage = (event: MessageEvent<FromWorker>) => this.dispatch(event.data);
    this.worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.finishRun();
      this.events.onFailed('internal', `the worker failed: ${event.message || 'it could not be loaded (old browser without module workers?)'}`);
    };
  }

  private post(message: ToWorker, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  private dispatch(m: FromWorker): void {
    switch (m.type) {
      case 'decoded':
        this.decodes.get(m.id)?.resolve({ image: m.image, original: m.original });
        this.decodes.delete(m.id);
        return;
      case 'decodeFailed':
        this.decodes.get(m.id)?.reject(new Error(m.message));
        this.decodes.delete(m.id);
        return;
      case 'engine':
        return this.events.onEngine(m.info);
      case 'progress':
        return this.events.onProgress(m.progress);
      case 'preview':
        return this.events.onPreview(m.progress, m.image, m.kernel);
      case 'done':
        this.finishRun();
        return this.events.onDone(m.result);
      case 'failed':
        this.finishRun();
        return this.events.onFailed(m.kind, m.message);
    }
  }

  private finishRun(): void {
    this.running = false;
    const ended = this.runEnded;
    this.runEnded = null;
    ended?.();
  }

  /** Decodes PNG/JPEG bytes with the library's codec, off the main thread (downscaled above `maxMegapixels`). */
  decode(name: string, bytes: ArrayBuffer, maxMegapixels: number): Promise<DecodedImage> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.decodes.set(id, { resolve, reject });
      this.post({ type: 'decode', id, name, bytes, maxMegapixels }, [bytes]);
    });
  }

  /** Starts the engine for a preference; the answer arrives through `onEngine`. */
  selectEngine(preference: EnginePreference): void {
    this.preference = preference;
    this.post({ type: 'engine', preference });
  }

  /** Starts a run (the image is copied; the caller keeps its own). */
  run(image: Image, region: Region | null, options: DeblurOptions): void {
    this.running = true;
    const copy: Image = { width: image.width, height: image.height, channels: image.channels, data: image.data.slice() };
    this.post({ type: 'run', image: copy, region, options }, [copy.data.buffer]);
  }

  get isRunning(): boolean {
    return this.running;
  }

  /**
   * Asks the run to stop; resolves 'stopped' when the worker answers (done with the estimate so
   * far, through `onDone`) within `deadlineMs`, else terminates the worker, starts a fresh one with
   * the same engine preference and resolves 'terminated'.
   */
  cancel(deadlineMs = 800): Promise<CancelOutcome> {
    if (!this.running) return Promise.resolve('stopped');
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.runEnded = null;
        this.running = false;
        this.worker.terminate();
        for (const pending of this.decodes.values()) pending.reject(new Error('cancelled'));
        this.decodes.clear();
        this.spawn();
        this.selectEngine(this.preference);
        resolve('terminated');
      }, deadlineMs);
      this.runEnded = () => {
        clearTimeout(timer);
        resolve('stopped');
      };
      this.post({ type: 'cancel' });
    });
  }
}
