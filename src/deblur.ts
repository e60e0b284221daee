/**
 * `deblur`: the single entry point shared by the CLI, the web worker and the benchmark harness.
 *
 * Pipeline: validate → gray working image (luminance of colour input; a centre crop of at most the
 * preset's working size for large photos; optionally downscaled) → reverse self-diffusion
 * (src/solver) estimates the kernel k and an image → restore: the network's own image (the paper's
 * output; `paper` preset, gray input estimated whole at scale 1) or non-blind deconvolution of every
 * channel of the full input with k (colour or large input, reduced scale, and the cheaper presets,
 * whose short schedules converge on the kernel before the image network) → result with a report of
 * everything needed to reproduce the run.
 */
import { initBackend, type BackendName } from './engine/backend.js';
import { ensure, SdiError } from './errors.js';
import { cropImage, downscaleImage, isFiniteImage, toLuminance, type Image } from './image/image.js';
import { resampleKernel } from './physics/kernel_resample.js';
import { assertDeblurFits } from './resources/memory_estimate.js';
import type { Kernel } from './physics/kernel.js';
import { defaultPreset, presets, resolveSolverOptions, type PresetName } from './solver/presets.js';
import { validateSolverOptions, type SolverOptions, type SolverOverrides } from './solver/options.js';
import type { MapPrior } from './baselines/map_blind.js';
import { KERNEL_REFINEMENTS, refineKernelWithMap, type KernelRefinement, type KernelRefinementReport } from './solver/kernel_refinement.js';
import { runSelfDiffusion, type SolverCheckpoint, type SolverEvent, type SolverHooks, type SolverProgress, type SolverResult } from './solver/self_diffusion.js';
import { combineRestarts } from './solver/restart_selection.js';

/** How the final image is made: the network's x_0 (`network`), non-blind HQS with the estimated kernel (`nonblind`), or the preset's choice (`auto`). */
export type RestoreMode = 'auto' | 'network' | 'nonblind';

/** Options of {@link deblur}: the preset, its overrides, the seed and the backend; every resolved value is echoed in the {@link RunReport}. */
export interface DeblurOptions {
  /** Preset (default {@link defaultPreset}, `thorough`). */
  preset?: PresetName;
  /** Kernel size: one odd-or-even number for a square kernel, or [height, width]. Default 31. */
  kernelSize?: number | [number, number];
  /** Seed of every random draw (default 0). */
  seed?: number;
  /** tfjs backend (default `wasm`). */
  backend?: BackendName;
  /** Overrides of individual solver options (steps, iterations, mode, learning rates, …). */
  solver?: SolverOverrides;
  /** Largest side of the region the kernel is estimated on (default: the preset's). */
  maxWorkingSize?: number;
  /** How the output image is made (default `auto`, see module comment). */
  restore?: RestoreMode;
  /**
   * Region (input pixels) to estimate the kernel on, e.g. a sharp-edged part of a photo chosen by
   * the user; default: the whole image, or its centre when larger than the working size. A region
   * larger than the working size is centre-cropped to it. The whole image is restored with the kernel.
   */
  region?: { x0: number; y0: number; width: number; height: number };
  /**
   * Scale s ∈ (0, 1] of the image the kernel is estimated on (default: the preset's). With s < 1
   * the working region is downscaled by 1/s and a kernel of ≈ s·k taps is estimated (≈ 1/s² less
   * work), then resampled to k × k; the image is then restored by non-blind deconvolution.
   */
  scale?: number;
  /**
   * Warm start (default none: the paper's random start): estimate the kernel first with the MAP
   * baseline of this prior (baselines/map_blind.ts, seconds on the CPU) on the working image, and
   * start the kernel network at that estimate (SolverOptions.kernelInit).
   */
  warmStart?: 'none' | MapPrior;
  /**
   * Refinement of the estimated kernel (default `none`): `map-l0` keeps, of the network's kernel, that
   * kernel refined by full-resolution MAP-L0 alternations and MAP-L0's own estimate, the one with the
   * lowest L0 energy (solver/kernel_refinement.ts). Implies restore `nonblind`.
   */
  refine?: KernelRefinement;
  /**
   * Runs of the self-diffusion (default 1), from seeds seed, seed + 1, …, at restarts× the time: the
   * kernel with the lowest L0 energy on the working region is kept, or, when every pair of the runs'
   * kernels agrees (NCC ≥ 0.7), their aligned mean (solver/restart_selection.ts; not with restore
   * `network`, whose image is one run's). The seed-dependent failures of short schedules (a kernel
   * collapsed to its window's edge) rarely repeat; where the runs agree, their errors partly cancel.
   */
  restarts?: number;
  /** Memory budget in bytes; a run estimated to need more is refused with advice (default: resources/memory_estimate.ts). */
  memoryLimitBytes?: number;
}

/** Callbacks and controls of a {@link deblur} run: progress, previews, cancellation, checkpoints. */
export interface DeblurHooks {
  /** Progress after every inner step; after each outer step with a preview when `previews` is set. */
  onProgress?: (p: SolverProgress) => void;
  previews?: boolean;
  /** Aborting stops within one training step and returns the estimate so far (report.status = 'aborted'). */
  signal?: AbortSignal;
  /** Receives the solver's full state after every outer step (see SolverCheckpoint). */
  onCheckpoint?: (checkpoint: SolverCheckpoint) => Promise<void> | void;
  /** Continue an interrupted run from its last checkpoint (same input and options). */
  resume?: SolverCheckpoint;
}

/** Everything needed to reproduce and judge a run: resolved options, seed, backend, timings, loss history, events. */
export interface RunReport {
  method: 'deblursdi';
  preset: PresetName;
  seed: number;
  backend: { name: string; threads: number; reason: string };
  input: { width: number; height: number; channels: number };
  /** The region the kernel was estimated on (in input pixels) and why. */
  working: { x0: number; y0: number; width: number; height: number; cropped: boolean; scale: number; kernelSize: [number, number] };
  restore: Exclude<RestoreMode, 'auto'>;
  /** Slope c of the non-blind restore's prior weight λ = c·σ̂ (the preset's; null with restore `network`). */
  restoreLambdaPerSigma: number | null;
  solver: SolverOptions;
  status: 'completed' | 'aborted' | 'diverged';
  /** Divergence restarts and trivial-solution warnings seen during the run. */
  events: SolverEvent[];
  parameterCounts: { image: number; kernel: number };
  /** The warm start used (null: none) and the time its MAP estimate took. */
  warmStart: { prior: MapPrior; ms: number } | null;
  /** The kernel refinement (null: none) with its energies and choice. */
  refinement: KernelRefinementReport | null;
  /**
   * With restarts > 1: each run's seed, status, selection energy and solver time; the index of the run of
   * lowest energy (its seed is `chosenSeed`: its events and, with restore `network`, its image are the
   * result's); the worst agreement (NCC) between two runs' kernels, and whether the kernel is their
   * aligned mean (`averaged`) or the chosen run's.
   */
  restarts: { runs: Array<{ seed: number; status: 'completed' | 'aborted' | 'diverged'; energy: number; solverMs: number }>; chosen: number; chosenSeed: number; agreement: number; averaged: boolean } | null;
  timings: { totalMs: number; solverMs: number; restoreMs: number; meanStepMs: number; outerMs: number[] };
  lossHistory: number[];
  outerLoss: number[];
  warnings: string[];
  startedAt: string;
}

/** What {@link deblur} returns: the restored image x̂, the estimated kernel k̂ (PSF orientation, Σk̂ = 1) and the run report. */
export interface DeblurResult {
  image: Image;
  kernel: Kernel;
  report: RunReport;
}

/** Kernel size option → [height, width], validated. */
export function resolveKernelSize(size: number | [number, number] | undefined): [number, number] {
  const s: [number, number] = size === undefined ? [31, 31] : typeof size === 'number' ? [size, size] : size;
  for (const v of s) ensure(Number.isInteger(v) && v >= 1, `kernel size must be a positive integer, got ${v}`);
  return s;
}

/**
 * Blind deblurring of one image by self-diffusion. Resolves with the restored image (same size and
 * channels as the input), the estimated kernel (our PSF convention) and a {@link RunReport}.
 */
export async function deblur(input: Image, options: DeblurOptions = {}, hooks: DeblurHooks = {}): Promise<DeblurResult> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const preset = options.preset ?? defaultPreset;
  ensure(preset in presets, `unknown preset '${preset}' (${Object.keys(presets).join(', ')})`);
  const kernelSize = resolveKernelSize(options.kernelSize);
  const seed = options.seed ?? 0;
  ensure(Number.isFinite(seed), 'seed must be a finite number');
  const restartCount = options.restarts ?? 1;
  ensure(Number.isInteger(restartCount) && restartCount >= 1 && restartCount <= 16, `restarts must be an integer from 1 to 16, got ${restartCount}`);
  if (restartCount > 1 && (hooks.resume || hooks.onCheckpoint)) throw new SdiError('checkpoints and resume work with one run: use restarts = 1');
  const { width: iw, height: ih, channels: ic } = input;
  ensure(Number.isInteger(iw) && Number.isInteger(ih) && iw >= 1 && ih >= 1 && [1, 2, 3, 4].includes(ic) && input.data?.length === iw * ih * ic,
    `not a valid image: ${iw}×${ih} with ${ic} channels needs ${iw * ih * ic} samples, got ${input.data?.length}`);
  ensure(isFiniteImage(input), 'the image contains NaN or infinite values');
  const maxSide = options.maxWorkingSize ?? presets[preset].maxWorkingSize;
  ensure(Number.isInteger(maxSide) && maxSide >= 8, `working size must be an integer ≥ 8, got ${maxSide}`);
  const [kh, kw] = kernelSize;
  ensure(kh < input.height && kw < input.width, `kernel size ${kh}×${kw} must be smaller than the image (${input.width}×${input.height})`);

  const warnings: string[] = [];
  const gray = toLuminance(input);
  const area = options.region ?? { x0: 0, y0: 0, width: input.width, height: input.height };
  ensure(
    [area.x0, area.y0, area.width, area.height].every(Number.isInteger) && area.x0 >= 0 && area.y0 >= 0 && area.width >= 1 && area.height >= 1 &&
      area.x0 + area.width <= input.width && area.y0 + area.height <= input.height,
    `region ${area.width}×${area.height}+${area.x0}+${area.y0} is not inside the ${input.width}×${input.height} image`,
  );
  const { image: region, x0, y0, width: ww, height: wh, cropped } = kernelEstimationRegion(gray, area, maxSide);
  ensure(kh < wh && kw < ww, `kernel size ${kh}×${kw} must be smaller than the working region ${ww}×${wh}`);
  const scale = options.scale ?? presets[preset].scale ?? 1;
  ensure(scale > 0 && scale <= 1, `scale must be in (0, 1], got ${scale}`);
  const working = scale < 1 ? downscaleImage(region, 1 / scale) : region;
  const workingKernel: [number, number] = scale < 1 ? [scaledKernelSide(kh, scale), scaledKernelSide(kw, scale)] : [kh, kw];
  ensure(workingKernel[0] < working.height && workingKernel[1] < working.width, `kernel ${kh}×${kw} at scale ${scale} does not fit the ${working.width}×${working.height} working image`);
  if (options.region) warnings.push(`kernel estimated on the region ${ww}×${wh} at (${x0}, ${y0}); the whole image restored with it`);
  else if (cropped) warnings.push(`image ${input.width}×${input.height} is larger than the working size ${maxSide}: kernel estimated on the centre ${ww}×${wh} crop, full image restored with it`);
  if (kh * 3 > wh || kw * 3 > ww) warnings.push(`kernel ${kh}×${kw} is large for a ${ww}×${wh} region; estimates are more reliable when the region is at least 3× the kernel`);

  const refine = options.refine ?? 'none';
  ensure(KERNEL_REFINEMENTS.includes(refine), `refine must be ${KERNEL_REFINEMENTS.join(' or ')}, got '${refine}'`);
  const requestedRestore = options.restore ?? (refine === 'none' ? 'auto' : 'nonblind');
  if (refine !== 'none' && requestedRestore === 'network') throw new SdiError('refine=map-l0 changes the kernel after training, so the network image no longer matches it: use restore=nonblind');
  const networkPossible = input.channels === 1 && !cropped && scale === 1;
  const restore: Exclude<RestoreMode, 'auto'> = requestedRestore === 'auto' ? (networkPossible ? presets[preset].restore : 'nonblind') : requestedRestore;
  if (restore === 'network' && !networkPossible) {
    throw new SdiError('restore=network needs a gray image no larger than the working size, estimated at scale 1; use restore=nonblind');
  }

  const backend = await initBackend(options.backend ?? 'wasm');
  const solver = resolveSolverOptions(preset, { ...options.solver, kernelSize: workingKernel, seed });
  validateSolverOptions(solver);
  if (options.restore !== undefined && !['auto', 'network', 'nonblind'].includes(options.restore)) throw new SdiError(`restore must be auto, network or nonblind, got '${options.restore}'`);
  const levels = maxUNetLevels(working.height + workingKernel[0] - 1, working.width + workingKernel[1] - 1);
  if (solver.unet.levels > levels) {
    warnings.push(`working image too small for ${solver.unet.levels} U-Net levels: using ${levels}`);
    solver.unet = { ...solver.unet, levels, nonLocalLevels: Math.min(solver.unet.nonLocalLevels, levels) };
  }
  if (backend.name === 'webgpu' && options.solver?.lossEvery === undefined) solver.lossEvery = Math.min(10, solver.iterations);
  assertDeblurFits({ image: input, area: options.region ?? input, working, workingKernel, kernel: kernelSize, maxSide, scale, unet: solver.unet, backend: backend.name,
    kernelNet: { hiddenUnits: solver.kernelHiddenUnits, hiddenLayers: solver.kernelHiddenLayers }, restore, limitBytes: options.memoryLimitBytes });

  const warmStartPrior = options.warmStart ?? 'none';
  ensure(['none', 'l0', 'dark-channel', 'fft-relu'].includes(warmStartPrior), `warm start must be none, l0, dark-channel or fft-relu, got '${warmStartPrior}'`);
  let warmStart: RunReport['warmStart'] = null;
  if (warmStartPrior !== 'none') { // deterministic, so a resumed run recomputes the same start
    const tWarm = performance.now();
    const { estimateKernelMap } = await import('./baselines/map_blind.js');
    const estimate = estimateKernelMap(working, { prior: warmStartPrior, kernelSize: workingKernel });
    solver.kernelInit = Array.from(estimate.kernel.data);
    validateSolverOptions(solver);
    warmStart = { prior: warmStartPrior, ms: performance.now() - tWarm };
  }
  const solverHooks: SolverHooks = { onProgress: hooks.onProgress, previews: hooks.previews, signal: hooks.signal, onCheckpoint: hooks.onCheckpoint, resume: hooks.resume };
  const tSolve = performance.now();
  const runs: Array<{ result: SolverResult; kernel: Kernel; ms: number }> = [];
  for (let r = 0; r < restartCount; r++) {
    const tRun = performance.now();
    const result = await runSelfDiffusion(working, r === 0 ? solver : { ...solver, seed: seed + r }, solverHooks);
    runs.push({ result, kernel: scale < 1 ? resampleKernel(result.kernel, kw, kh) : result.kernel, ms: performance.now() - tRun });
    if (result.status === 'aborted') break;
  }
  const solverMs = performance.now() - tSolve;
  let restarts: RunReport['restarts'] = null;
  let chosenRun = 0;
  let combinedKernel: Kernel | null = null;
  if (restartCount > 1) {
    // an aborted later run is reported but not a candidate: its kernel is unfinished
    const candidates = runs.length > 1 && runs[runs.length - 1].result.status === 'aborted' ? runs.slice(0, -1) : runs;
    const selection = await combineRestarts(region, candidates.map((run) => run.kernel), { allowAverage: restore !== 'network' });
    chosenRun = selection.chosen;
    combinedKernel = selection.kernel;
    restarts = {
      runs: runs.map((run, r) => ({ seed: seed + r, status: run.result.status, energy: r < candidates.length ? selection.energies[r] : NaN, solverMs: run.ms })),
      chosen: chosenRun, chosenSeed: seed + chosenRun, agreement: selection.agreement, averaged: selection.averaged,
    };
    if (runs.length < restartCount) warnings.push(`aborted during restart ${runs.length} of ${restartCount}: kept the best of the runs so far`);
  }
  const result = runs[chosenRun].result;
  const stepsDone = runs.reduce((n, run) => n + run.result.stepsDone, 0);

  for (const e of result.events) warnings.push(`${e.kind} (${e.action}): ${e.detail}`);
  const tRestore = performance.now();
  let kernel = combinedKernel ?? runs[chosenRun].kernel;
  let refinement: KernelRefinementReport | null = null;
  if (refine === 'map-l0' && result.status === 'completed') {
    const refined = await refineKernelWithMap(region, kernel);
    kernel = refined.kernel;
    refinement = refined.report;
    for (const c of refined.report.excluded) {
      warnings.push(`kernel refinement: ${c === 'map' ? "MAP-L0's own kernel" : "the MAP-refined kernel"} sits at its window's edge (a clipped blob) and was not considered`);
    }
  }
  let image: Image;
  const restoreLambdaPerSigma = restore === 'network' ? null : presets[preset].restoreLambdaPerSigma;
  if (restoreLambdaPerSigma === null) {
    image = result.image;
  } else {
    const { deconvolveHqs } = await import('./deconv/index.js');
    image = deconvolveHqs(input, kernel, { lambdaPerSigma: restoreLambdaPerSigma });
  }
  const restoreMs = performance.now() - tRestore;

  const report: RunReport = {
    method: 'deblursdi',
    preset,
    seed,
    backend: { name: backend.name, threads: backend.threads, reason: backend.reason },
    input: { width: input.width, height: input.height, channels: input.channels },
    working: { x0: cropped ? x0 : 0, y0: cropped ? y0 : 0, width: ww, height: wh, cropped, scale, kernelSize: workingKernel },
    restore,
    restoreLambdaPerSigma,
    solver,
    status: result.status,
    events: result.events,
    parameterCounts: result.parameterCounts,
    warmStart,
    refinement,
    restarts,
    timings: { totalMs: performance.now() - started, solverMs, restoreMs, meanStepMs: stepsDone ? solverMs / stepsDone : 0, outerMs: result.outerMs },
    lossHistory: result.lossHistory,
    outerLoss: result.outerLoss,
    warnings,
    startedAt,
  };
  return { image, kernel, report };
}

/**
 * The part of `image` the kernel is estimated on: the centre max(side) × max(side) crop of `area`
 * (default the whole image), x0 = area.x0 + ⌊(area.width − w)/2⌋ and likewise y0; `cropped` when
 * that is not the whole image (then `image` is a copy).
 */
export function kernelEstimationRegion(image: Image, area: { x0: number; y0: number; width: number; height: number } | undefined, maxSide: number): { image: Image; x0: number; y0: number; width: number; height: number; cropped: boolean } {
  const a = area ?? { x0: 0, y0: 0, width: image.width, height: image.height };
  const width = Math.min(a.width, maxSide), height = Math.min(a.height, maxSide);
  const cropped = width < image.width || height < image.height;
  const x0 = a.x0 + Math.floor((a.width - width) / 2), y0 = a.y0 + Math.floor((a.height - height) / 2);
  return { image: cropped ? cropImage(image, x0, y0, width, height) : image, x0, y0, width, height, cropped };
}

/**
 * Most stride-2 levels a U-Net can have on an H×W input: every level's output must keep ≥ 2 px per
 * side for the reflection padding of its 3×3 convs, i.e. ⌈min(H, W) / 2^L⌉ ≥ 2.
 */
export function maxUNetLevels(height: number, width: number): number {
  let levels = 0, side = Math.min(height, width);
  while (Math.ceil(side / 2) >= 2) {
    side = Math.ceil(side / 2);
    levels++;
  }
  return Math.max(1, levels);
}

/** Kernel side at scale s: round(k·s), kept odd when k is odd, at least 3. */
function scaledKernelSide(k: number, scale: number): number {
  let side = Math.max(3, Math.round(k * scale));
  if (k % 2 === 1 && side % 2 === 0) side += 1;
  return Math.min(side, k);
}
