/**
 * Messages between the page (main thread) and the deblurring worker. Pixel and kernel arrays
 * travel as transferable Float32Arrays (no copies on the way back).
 */
import type { DeblurOptions, RunReport } from '../../src/deblur.js';
import type { Image } from '../../src/image/image.js';
import type { Kernel } from '../../src/physics/kernel.js';
import type { SolverProgress } from '../../src/solver/self_diffusion.js';

/** Which engine the user asked for: `auto` = WebGPU on a hardware adapter, else wasm. */
export type EnginePreference = 'auto' | 'webgpu' | 'wasm';

/** The tfjs backend the worker runs on and why it was chosen (shown on the page). */
export interface EngineInfo {
  name: 'webgpu' | 'wasm' | 'cpu';
  /** One sentence: why this engine (e.g. "this browser has no WebGPU"). */
  reason: string;
  /** Technical detail: adapter name, SIMD, threads, cross-origin isolation. */
  detail: string;
}

/** A rectangle in image pixels: [x0, x0+width) × [y0, y0+height). */
export interface Region {
  x0: number;
  y0: number;
  width: number;
  height: number;
}

/** Solver progress without the preview arrays. */
export type ProgressSummary = Omit<SolverProgress, 'preview'>;

/** What `deblur` returned, plus the region bookkeeping of the page. */
export interface RunResult {
  image: Image;
  kernel: Kernel;
  report: RunReport;
}

export type ToWorker =
  /** Decode a file; images above `maxMegapixels` are downscaled (area average) to fit. */
  | { type: 'decode'; id: number; name: string; bytes: ArrayBuffer; maxMegapixels: number }
  | { type: 'engine'; preference: EnginePreference }
  | { type: 'run'; image: Image; region: Region | null; options: DeblurOptions }
  | { type: 'cancel' };

/** Why a run or a decode failed: `memory` (out of memory), `input` (bad file/options), `engine`, `internal`. */
export type FailureKind = 'memory' | 'input' | 'engine' | 'internal';

export type FromWorker =
  | { type: 'decoded'; id: number; image: Image; original: { width: number; height: number } }
  | { type: 'decodeFailed'; id: number; message: string }
  | { type: 'engine'; info: EngineInfo }
  | { type: 'progress'; progress: ProgressSummary }
  | { type: 'preview'; progress: ProgressSummary; image: Image; kernel: Kernel }
  | { type: 'done'; result: RunResult }
  | { type: 'failed'; kind: FailureKind; message: string };
