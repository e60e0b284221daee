/**
 * The page's run settings: read from the form, pre-filled from the URL, turned into `deblur`
 * options. URL query parameters (for links and the end-to-end test; all optional):
 *
 *   preset=fast|lean|thorough|balanced|paper   kernel=N (kernel size)   seed=N   engine=auto|webgpu|wasm
 *   steps=T  iters=S or iters=SxN,SxN…  (override the preset's outer / inner step counts, or give an
 *   inner-step schedule: S inner steps for N outer steps, in order, as the CLI's --iters; also under "Advanced")
 *   region=x,y,w,h (kernel-estimation region in image pixels, applied to the next image loaded)
 *   refine=map-l0|none (refine the network's kernel by MAP-L0 after training: the CLI's --refine)
 *   restarts=N (1–8: train from seeds seed … seed + N − 1 and keep the kernel of lowest L0 energy, or their mean when they agree: the CLI's --restarts)
 *
 * e.g. `?engine=wasm&preset=fast&kernel=5&steps=3&iters=2` is the tiny run the e2e test uses.
 */
import type { DeblurOptions } from '../../src/deblur.js';
import { presetNames, resolveSolverOptions, type PresetName } from '../../src/solver/presets.js';
import { iterationsOption, type SolverOverrides } from '../../src/solver/options.js';
import { KERNEL_REFINEMENTS, type KernelRefinement } from '../../src/solver/kernel_refinement.js';
import type { EnginePreference, Region } from './protocol.js';

export interface PageSettings {
  preset: PresetName;
  kernelSize: number;
  seed: number;
  engine: EnginePreference;
  /** Preset overrides (undefined: the preset's own). */
  steps?: number;
  /** Inner steps as typed: a count S ("50") or a schedule of SxN groups ("25x15,50x15"). */
  iterations?: string;
  region: Region | null;
  /** Kernel refinement after training (undefined: none, as the CLI's default). */
  refine?: KernelRefinement;
  /** Training runs from successive seeds, the lowest-energy kernel kept (undefined or 1: one run). */
  restarts?: number;
}

/** Most restarts the page offers (each is a whole training run). */
export const maxPageRestarts = 8;

export const enginePreferences: readonly EnginePreference[] = ['auto', 'webgpu', 'wasm'];

/** Settings given in the URL's query string (invalid values are ignored). */
export function settingsFromQuery(search: string): Partial<PageSettings> {
  const q = new URLSearchParams(search);
  const out: Partial<PageSettings> = {};
  const int = (name: string, min: number, max: number): number | undefined => {
    const raw = q.get(name);
    if (raw === null || raw.trim() === '') return undefined;
    const v = Number(raw);
    return Number.isInteger(v) && v >= min && v <= max ? v : undefined;
  };
  const preset = q.get('preset');
  if (preset && (presetNames as readonly string[]).includes(preset)) out.preset = preset as PresetName;
  const engine = q.get('engine');
  if (engine && (enginePreferences as readonly string[]).includes(engine)) out.engine = engine as EnginePreference;
  out.kernelSize = int('kernel', 3, 151);
  out.seed = int('seed', 0, 2 ** 31 - 1);
  out.steps = int('steps', 1, 1000);
  out.restarts = int('restarts', 1, maxPageRestarts);
  const refine = q.get('refine');
  if (refine && (KERNEL_REFINEMENTS as readonly string[]).includes(refine)) out.refine = refine as KernelRefinement;
  const iters = q.get('iters')?.trim();
  if (iters && (/^\d+$/.test(iters) ? int('iters', 1, 10000) !== undefined : /^\d+x\d+(,\d+x\d+)*$/i.test(iters))) out.iterations = iters;
  const region = q.get('region')?.split(',').map(Number);
  if (region && region.length === 4 && region.every((v) => Number.isInteger(v) && v >= 0)) {
    out.region = { x0: region[0], y0: region[1], width: region[2], height: region[3] };
  }
  for (const key of Object.keys(out) as Array<keyof PageSettings>) if (out[key] === undefined) delete out[key];
  return out;
}

/**
 * The `deblur` options of the page's settings (the engine preference travels in `backend`). An
 * inner-step schedule must cover the run's outer steps (the given T, else the preset's); a setting
 * that cannot be used throws an SdiError ({@link stepSettingsProblem} says so beforehand).
 */
export function deblurOptionsOf(s: PageSettings): DeblurOptions {
  const solver: SolverOverrides = {};
  if (s.steps !== undefined) solver.steps = s.steps;
  if (s.iterations !== undefined) Object.assign(solver, iterationsOption(s.iterations, outerSteps(s)));
  const options: DeblurOptions = { preset: s.preset, kernelSize: s.kernelSize, seed: s.seed, backend: s.engine === 'auto' ? undefined : s.engine, solver };
  if (s.refine !== undefined && s.refine !== 'none') options.refine = s.refine;
  if (s.restarts !== undefined && s.restarts > 1) options.restarts = s.restarts;
  return options;
}

/**
 * Why the step settings cannot be used, as one sentence for the page's notes, or null when they can:
 * T must be a whole number ≥ 1, and S a whole number ≥ 1 or a schedule whose groups cover T outer steps.
 */
export function stepSettingsProblem(s: Pick<PageSettings, 'preset' | 'steps' | 'iterations'>): string | null {
  if (s.steps !== undefined && !(Number.isInteger(s.steps) && s.steps >= 1)) return "The number of outer steps must be a whole number ≥ 1 (or empty for the preset's).";
  if (s.iterations === undefined) return null;
  const steps = outerSteps(s);
  try {
    iterationsOption(s.iterations, steps);
    return null;
  } catch (e) {
    const detail = e instanceof Error && !e.message.startsWith('--iters') ? e.message : `got "${s.iterations}"`;
    return `Inner steps must be a whole number ≥ 1 or SxN groups covering the ${steps} outer steps (e.g. 25x15,50x15; empty for the preset's): ${detail}.`;
  }
}

/** T of the run: the given outer steps, else the preset's. */
function outerSteps(s: Pick<PageSettings, 'preset' | 'steps'>): number {
  return s.steps ?? resolveSolverOptions(s.preset).steps;
}
