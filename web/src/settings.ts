/**
 * The page's run settings: read from the form, pre-filled from the URL, turned into `deblur`
 * options. URL query parameters (for links and the end-to-end test; all optional):
 *
 *   preset=fast|balanced|paper   kernel=N (kernel size)   seed=N   engine=auto|webgpu|wasm
 *   steps=T  iters=S  (override the preset's outer / inner step counts; also under "Advanced")
 *   region=x,y,w,h (kernel-estimation region in image pixels, applied to the next image loaded)
 *
 * e.g. `?engine=wasm&preset=fast&kernel=5&steps=3&iters=2` is the tiny run the e2e test uses.
 */
import type { DeblurOptions } from '../../src/deblur.js';
import { presetNames, type PresetName } from '../../src/solver/presets.js';
import type { SolverOverrides } from '../../src/solver/options.js';
import type { EnginePreference, Region } from './protocol.js';

export interface PageSettings {
  preset: PresetName;
  kernelSize: number;
  seed: number;
  engine: EnginePreference;
  /** Preset overrides (undefined: the preset's own). */
  steps?: number;
  iterations?: number;
  region: Region | null;
}

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
  out.iterations = int('iters', 1, 10000);
  const region = q.get('region')?.split(',').map(Number);
  if (region && region.length === 4 && region.every((v) => Number.isInteger(v) && v >= 0)) {
    out.region = { x0: region[0], y0: region[1], width: region[2], height: region[3] };
  }
  for (const key of Object.keys(out) as Array<keyof PageSettings>) if (out[key] === undefined) delete out[key];
  return out;
}

/** The `deblur` options of the page's settings (the engine preference travels in `backend`). */
export function deblurOptionsOf(s: PageSettings): DeblurOptions {
  const solver: SolverOverrides = {};
  if (s.steps !== undefined) solver.steps = s.steps;
  if (s.iterations !== undefined) solver.iterations = s.iterations;
  return { preset: s.preset, kernelSize: s.kernelSize, seed: s.seed, backend: s.engine === 'auto' ? undefined : s.engine, solver };
}
