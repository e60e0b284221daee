/**
 * Quality harness: `npm run bench:quality -- --set <set> --method <name> [--preset p] [--limit N]
 * [--images id,id] [--seed N] [--steps T] [--iters S|SxN,SxN…] [--scale s] [--restore auto|network|nonblind]
 * [--tag name] [--trace] [--backend wasm|cpu] [--warm-start l0|dark-channel|fft-relu] [--max-size N] [--solver '{"option": value}']
 * [--restarts N] [--restarts-from run,run…] [--kernel-from run --refine map-l0|none] [--import DIR] [--redo]`.
 *
 * Deblurs each image of a benchmark set (bench/sets/<set>/manifest.json, made by `npm run sets`),
 * scores it with the Levin protocol (src/metrics) against the ground truth, scores the kernel
 * against the true PSF, and appends one JSON line per image to results/quality/<set>.jsonl. A rerun
 * skips the images already done for the same run configuration, so long sets complete over several
 * runs (`--redo` computes them again; the report keeps each image's latest line). Outputs (image, kernel) go to results/quality/<set>/<run>/. `--trace` also scores the
 * estimate after every outer step (the PSNR-vs-step curve of the report). `--import DIR` scores estimates
 * made elsewhere (the PyTorch reference on the GPU machine, bench/gpu/reference_quality.py) under the
 * label `--method`, with the time and device they were made with.
 */
import * as path from 'node:path';
import { initBackend, type BackendName } from '../src/engine/backend.js';
import { SdiError } from '../src/errors.js';
import { readImageFile, readKernelFile, writeImageFile, writeKernelFile } from '../src/io/files.js';
import { toLuminance, type Image } from '../src/image/image.js';
import { KERNEL_REFINEMENTS, refineKernelWithMap, type KernelRefinementReport } from '../src/solver/kernel_refinement.js';
import { scoreLevin } from '../src/metrics/align.js';
import { kernelNcc, kernelPsnr } from '../src/metrics/kernel_metrics.js';
import { getMethod, type Method, type MethodResult } from '../src/methods/registry.js';
import { parseOptions, numberOption, choiceOption } from '../src/cli/options.js';
import { presetNames, presets, resolveSolverOptions, type PresetName } from '../src/solver/presets.js';
import { iterationsOption, totalIterations, type SolverOverrides } from '../src/solver/options.js';
import { kernelEstimationRegion, type DeblurOptions, type RestoreMode, type RunReport } from '../src/deblur.js';
import { appendJsonLine, machineDescription, projectRoot, readJsonLines, readManifest } from './common.js';
import { BLIND_HQS_LAMBDA_PER_SIGMA, deconvolveHqs, HQS_LAMBDA_MIN, HQS_LAMBDA_PER_SIGMA, type HqsOptions } from '../src/deconv/index.js';
import { combineRestarts } from '../src/solver/restart_selection.js';

export interface QualityRecord {
  set: string;
  id: string;
  method: string;
  preset: string | null;
  run: string;
  seed: number;
  psnr: number;
  ssim: number;
  psnrUnaligned: number;
  ssimUnaligned: number;
  shift: [number, number];
  kernelNcc: number | null;
  kernelPsnr: number | null;
  errorRatio: number | null;
  wallMs: number;
  backend: string;
  threads: number;
  machine: ReturnType<typeof machineDescription>;
  date: string;
  kernelSize: [number, number];
  options: Record<string, unknown>;
  /** The schedule and width the solver actually ran (the preset with the overrides applied); absent for methods without the solver. */
  schedule?: { steps: number; iterations: number; width: number; kernelHiddenLayers: number; iterationSchedule?: number[]; totalSteps?: number };
  trace?: Array<{ outer: number; psnr: number; loss: number; kernelNcc: number }>;
  /** With `--restarts N` or `--restarts-from`: each restart's seed and selection energy, the one of lowest energy, and (records from 2026-11-29 on) the kernels' worst agreement and whether they were averaged. */
  restarts?: { seeds: number[]; energies: number[]; chosen: number; agreement?: number; averaged?: boolean; from?: string[] };
  /** With `--refine map-l0`: which candidate kernel the refinement kept and the L0 energies it compared. */
  refinement?: Pick<KernelRefinementReport, 'chosen' | 'energies' | 'refinedChange'>;
  status?: string;
  /** The solver's guard events (divergence restarts, trivial solutions), when there were any. */
  events?: Array<{ outerDone: number; kind: string; action: string; detail: string }>;
}

/** Kernel size the blind methods are asked for: the true size + 2 (as SelfDeblur and the reference do). */
export function estimateKernelSize(truth: [number, number]): [number, number] {
  return [truth[0] + 2, truth[1] + 2];
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseOptions(argv, {
    set: { type: 'string' }, method: { type: 'string' }, preset: { type: 'string' }, limit: { type: 'string' },
    images: { type: 'string' }, seed: { type: 'string' }, steps: { type: 'string' }, iters: { type: 'string' },
    scale: { type: 'string' }, restore: { type: 'string' }, tag: { type: 'string' }, trace: { type: 'boolean' },
    backend: { type: 'string' }, width: { type: 'string' }, 'warm-start': { type: 'string' }, 'max-size': { type: 'string' }, solver: { type: 'string' }, refine: { type: 'string' }, 'kernel-from': { type: 'string' }, restarts: { type: 'string' }, 'restarts-from': { type: 'string' },
    import: { type: 'string' }, redo: { type: 'boolean' },
  }, 'bench:quality');
  if (!values.set || !values.method) throw new SdiError('usage: npm run bench:quality -- --set <set> --method <name> [--preset p] [--limit N] [--images ids] [--tag t] [--trace]');
  const imported = values.import ? path.resolve(values.import) : undefined;
  const method = imported ? importedMethod(values.method) : getMethod(values.method);
  const preset = choiceOption<PresetName>(values.preset, 'preset', presetNames) ?? 'fast';
  const seed = numberOption(values.seed, 'seed', { integer: true }) ?? 0;
  const limit = numberOption(values.limit, 'limit', { integer: true, min: 1 });
  const backend = choiceOption<BackendName>(values.backend, 'backend', ['wasm', 'cpu', 'webgpu']) ?? 'wasm';
  const restore = choiceOption<RestoreMode>(values.restore, 'restore', ['auto', 'network', 'nonblind']);
  const scale = numberOption(values.scale, 'scale', { min: 0.05, max: 1 });
  const solver: SolverOverrides = {};
  const steps = numberOption(values.steps, 'steps', { integer: true, min: 1 });
  const width = numberOption(values.width, 'width', { integer: true, min: 4 });
  if (values.solver) {
    try {
      Object.assign(solver, JSON.parse(values.solver));
    } catch {
      throw new SdiError(`--solver must be a JSON object of solver options, got ${values.solver}`);
    }
  }
  if (steps) solver.steps = steps;
  if (values.iters !== undefined) Object.assign(solver, iterationsOption(values.iters, steps ?? resolveSolverOptions(preset, solver).steps));
  if (width) solver.unet = { width };
  const warmStart = choiceOption<NonNullable<DeblurOptions['warmStart']>>(values['warm-start'], 'warm-start', ['none', 'l0', 'dark-channel', 'fft-relu']);
  const refine = choiceOption(values.refine, 'refine', KERNEL_REFINEMENTS);
  const kernelFrom = values['kernel-from'];
  if (kernelFrom && (refine === undefined || !method.usesSolver)) throw new SdiError('--kernel-from <run> needs --refine map-l0 or none and a self-diffusion method');
  const restarts = numberOption(values.restarts, 'restarts', { integer: true, min: 1 });
  const restartsFrom = values['restarts-from']?.split(',');
  if (restartsFrom && (restartsFrom.length < 2 || !method.usesSolver || kernelFrom || restarts)) throw new SdiError('--restarts-from needs two or more runs of a self-diffusion method, without --kernel-from or --restarts');
  const maxWorkingSize = numberOption(values['max-size'], 'max-size', { integer: true, min: 8 });
  const run = [method.name, method.usesSolver ? preset : null, values.tag].filter(Boolean).join('-');
  const resolved = resolveSolverOptions(preset, solver);
  const schedule = method.usesSolver ? {
    steps: resolved.steps, iterations: resolved.iterations, width: resolved.unet.width, kernelHiddenLayers: resolved.kernelHiddenLayers,
    ...(resolved.iterationSchedule ? { iterationSchedule: resolved.iterationSchedule, totalSteps: totalIterations(resolved) } : {}),
  } : undefined;
  // the slope of the restore's HQS weight λ = c·σ̂: the preset's for self-diffusion runs (as deblur() does), the
  // known-PSF one for true-kernel, the estimated-kernel one inside the MAP baselines; none for imported or blurred
  const hqsLambdaPerSigma = imported || method.name === 'blurred' ? null : method.usesSolver ? presets[preset].restoreLambdaPerSigma
    : method.name === 'true-kernel' ? HQS_LAMBDA_PER_SIGMA : BLIND_HQS_LAMBDA_PER_SIGMA;
  const restoreHqs: HqsOptions = hqsLambdaPerSigma === null ? {} : { lambdaPerSigma: hqsLambdaPerSigma };
  const options = { preset: method.usesSolver ? preset : null, solver, scale: scale ?? null, restore: restore ?? null, warmStart: warmStart ?? null, maxWorkingSize: maxWorkingSize ?? null, refine: refine ?? null, kernelFrom: kernelFrom ?? null, restarts: restarts ?? null, restartsFrom: restartsFrom ?? null, tag: values.tag ?? null, hqsLambdaPerSigma, hqsLambdaMin: hqsLambdaPerSigma === null ? null : HQS_LAMBDA_MIN };

  const manifest = await readManifest(values.set);
  let items = manifest.items;
  if (values.images) {
    const wanted = new Set(values.images.split(','));
    items = items.filter((i) => wanted.has(i.id));
    if (items.length === 0) throw new SdiError(`none of --images ${values.images} is in set ${values.set}`);
  }
  if (limit) items = items.slice(0, limit);
  const resultsFile = path.join(projectRoot, 'results', 'quality', `${values.set}.jsonl`);
  // --redo: compute the images again even where this run has a record (the new line supersedes the old in the report)
  const done = values.redo ? new Set<string>() : new Set((await readJsonLines<QualityRecord>(resultsFile)).filter((r) => r.run === run && r.seed === seed && r.status !== 'aborted').map((r) => r.id));
  const info = method.usesSolver ? await initBackend(backend) : { name: 'none', threads: 1 };
  let machine = machineDescription();

  for (const item of items) {
    if (done.has(item.id)) {
      console.log(`${item.id}: done already (${run}, seed ${seed}), skipped`);
      continue;
    }
    if (kernelFrom && !(await earlierRecord(values.set, kernelFrom, item.id, seed))) {
      console.log(`${item.id}: no completed ${kernelFrom} record (seed ${seed}), skipped`);
      continue;
    }
    const blurred = await readImageFile(path.join(projectRoot, item.blurred));
    const sharp = await readImageFile(path.join(projectRoot, item.sharp));
    const trueKernel = await readKernelFile(path.join(projectRoot, item.kernel));
    const gtLuma = toLuminance(sharp);
    const trace: QualityRecord['trace'] = [];
    const t0 = performance.now();
    const importedRun = imported ? await readImportedEstimate(imported, item.id) : undefined;
    if (imported && !importedRun) {
      console.log(`${item.id}: no estimate in ${imported}, skipped`);
      continue;
    }
    const result = importedRun ? importedRun.result : kernelFrom ? await reuseEarlierKernel(values.set, kernelFrom, item.id, seed, blurred, refine === 'map-l0', restoreHqs)
      : restartsFrom ? await selectAmongEarlierRuns(values.set, restartsFrom, item.id, blurred, restoreHqs) : await method.run(blurred, {
      kernelSize: estimateKernelSize(item.kernelSize), seed, preset, backend, solver, restore, scale, trueKernel, warmStart, maxWorkingSize, refine, restarts,
      hooks: values.trace ? {
        previews: true,
        onProgress: (p) => {
          if (p.preview) trace.push({ outer: p.outerDone, psnr: scoreLevin(p.preview.image, gtLuma).psnr, loss: p.loss, kernelNcc: kernelNcc(p.preview.kernel, trueKernel) });
        },
      } : undefined,
    });
    const wallMs = importedRun ? importedRun.wallMs : performance.now() - t0 + (kernelFrom || restartsFrom ? (result.report.earlierWallMs as number) : 0);
    if (importedRun) machine = importedRun.machine;
    const score = scoreLevin(toLuminance(result.image), gtLuma);
    let errorRatio: number | null = null;
    if (method.blind) {
      const bound = scoreLevin(toLuminance(deconvolveHqs(blurred, trueKernel)), gtLuma);
      errorRatio = score.sse / bound.sse;
    }
    const record: QualityRecord = {
      set: values.set, id: item.id, method: method.name, preset: method.usesSolver ? preset : null, run, seed,
      psnr: score.psnr, ssim: score.ssim, psnrUnaligned: score.psnrUnaligned, ssimUnaligned: score.ssimUnaligned, shift: score.shift,
      kernelNcc: result.kernel && method.blind ? kernelNcc(result.kernel, trueKernel) : null,
      kernelPsnr: result.kernel && method.blind ? kernelPsnr(result.kernel, trueKernel) : null,
      errorRatio, wallMs, backend: importedRun?.backend ?? info.name, threads: importedRun ? 1 : info.threads, machine, date: new Date().toISOString(),
      kernelSize: importedRun?.kernelSize ?? estimateKernelSize(item.kernelSize), options: importedRun ? { ...options, imported: importedRun.options } : options, status: (result.report.status as string | undefined) ?? 'completed',
      ...(kernelFrom || restartsFrom ? earlierSchedule(result) : schedule ? { schedule } : {}),
      ...restartsSummary(result.report.restarts),
      ...(values.trace ? { trace } : kernelFrom && result.report.earlierTrace ? { trace: result.report.earlierTrace as QualityRecord['trace'] } : {}),
      ...refinementSummary(result.report.refinement),
      ...(Array.isArray(result.report.events) && result.report.events.length ? { events: result.report.events as QualityRecord['events'] } : {}),
    };
    const outDir = path.join(projectRoot, 'results', 'quality', values.set, run);
    await writeImageFile(path.join(outDir, `${item.id}.png`), result.image);
    if (result.kernel) await writeKernelFile(path.join(outDir, `${item.id}_kernel.txt`), result.kernel);
    await appendJsonLine(resultsFile, record);
    console.log(`${item.id}: ${run} PSNR ${score.psnr.toFixed(2)} dB SSIM ${score.ssim.toFixed(3)}${record.kernelNcc !== null ? ` kernel NCC ${record.kernelNcc.toFixed(3)}` : ''}${errorRatio !== null ? ` error ratio ${errorRatio.toFixed(2)}` : ''} in ${(wallMs / 1000).toFixed(1)} s`);
  }
}

/** The record's `refinement` field from a run report's refinement (nothing when the run had none). */
function refinementSummary(report: unknown): Pick<QualityRecord, 'refinement'> {
  if (!report || typeof report !== 'object') return {};
  const r = report as KernelRefinementReport;
  return { refinement: { chosen: r.chosen, energies: r.energies, refinedChange: r.refinedChange } };
}

/** A harness method whose estimates were made elsewhere (`--import DIR`): blind, no solver here. */
function importedMethod(name: string): Method {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new SdiError(`--method ${name}: with --import, the method is a label of lower-case letters, digits and dashes`);
  return {
    name, description: 'estimates made elsewhere, read from --import DIR', blind: true, usesSolver: false,
    run: () => Promise.reject(new SdiError(`${name}: imported estimates are read, not computed`)),
  };
}

/**
 * `--import DIR`: scores estimates made elsewhere (bench/gpu/reference_quality.py on the GPU machine):
 * DIR/<id>.png, DIR/<id>_kernel.txt and DIR/<id>.json (seconds, schedule, device, machine). Returns
 * undefined when DIR has no estimate for the image. The record keeps the maker's time, device and machine.
 */
async function readImportedEstimate(dir: string, id: string): Promise<{ result: MethodResult; wallMs: number; backend: string; machine: QualityRecord['machine']; kernelSize: [number, number]; options: Record<string, unknown> } | undefined> {
  const infoFile = path.join(dir, `${id}.json`);
  const info = (await readJsonLines<Record<string, unknown>>(infoFile))[0];
  if (!info) return undefined;
  const image = await readImageFile(path.join(dir, `${id}.png`));
  const kernel = await readKernelFile(path.join(dir, `${id}_kernel.txt`));
  const host = (info.machine ?? {}) as Partial<QualityRecord['machine']>;
  return {
    result: { image, kernel, report: { status: 'completed' } },
    wallMs: Number(info.seconds) * 1000,
    backend: `${String(info.device)} (PyTorch ${String(info.torch)})`,
    machine: { cpu: host.cpu ?? 'unknown', cores: host.cores ?? 0, memoryGiB: host.memoryGiB ?? 0, node: 'none (Python)', platform: host.platform ?? 'unknown' },
    kernelSize: [kernel.height, kernel.width],
    options: { maker: 'bench/gpu/reference_quality.py', steps: info.T, iterations: info.S, seed: info.seed, channels: info.channels ?? 128 },
  };
}

/** The last completed record of `run` for image `id` with `seed` in `set`, or undefined. */
async function earlierRecord(set: string, run: string, id: string, seed: number): Promise<QualityRecord | undefined> {
  const records = await readJsonLines<QualityRecord>(path.join(projectRoot, 'results', 'quality', `${set}.jsonl`));
  return records.filter((r) => r.run === run && r.id === id && r.seed === seed && r.status === 'completed').at(-1);
}

/**
 * `--kernel-from <run> --refine map-l0|none`: the kernel an earlier self-diffusion run of this harness
 * saved for the image, instead of training again (the training is seeded and deterministic, so this is
 * the same computation as a run with these options, up to the engine version). With `map-l0` the
 * refinement step of deblur() (solver/kernel_refinement.ts) is applied to it; with `none` it is kept as
 * it is. Either way the image is restored by the current non-blind HQS (so `none` re-scores an earlier
 * run's kernel under a changed restoration). The record's time is the earlier run's plus this step's
 * (with `--redo` on the run itself, its earlier restore is counted twice: seconds against its minutes of
 * training), its trace the earlier run's (the same training); the earlier run must cover the whole
 * image at scale 1 or have been resampled to full size (it is).
 */
async function reuseEarlierKernel(set: string, run: string, id: string, seed: number, blurred: Image, refine: boolean, hqs: HqsOptions): Promise<MethodResult> {
  const earlier = await earlierRecord(set, run, id, seed);
  if (!earlier) throw new SdiError(`--kernel-from ${run}: no completed record for ${id} (seed ${seed}) in ${set}`);
  const sdiKernel = await readKernelFile(path.join(projectRoot, 'results', 'quality', set, run, `${id}_kernel.txt`));
  const earlierReport = { status: 'completed', kernelFrom: run, earlierWallMs: earlier.wallMs, earlierSchedule: earlier.schedule ?? null, earlierTrace: earlier.trace ?? null };
  if (!refine) return { image: deconvolveHqs(blurred, sdiKernel, hqs), kernel: sdiKernel, report: earlierReport };
  const refined = await refineKernelWithMap(earlierRegion(blurred, earlier), sdiKernel);
  return { image: deconvolveHqs(blurred, refined.kernel, hqs), kernel: refined.kernel, report: { ...earlierReport, refinement: refined.report } };
}

/** The record's `restarts` field from a run report's restarts (RunReport['restarts'], plus `from` for --restarts-from); nothing without restarts. */
function restartsSummary(report: unknown): Pick<QualityRecord, 'restarts'> {
  if (!report || typeof report !== 'object') return {};
  const r = report as NonNullable<RunReport['restarts']> & { from?: string[] };
  return { restarts: { seeds: r.runs.map((x) => x.seed), energies: r.runs.map((x) => x.energy), chosen: r.chosen, agreement: r.agreement, averaged: r.averaged, ...(r.from ? { from: r.from } : {}) } };
}

/** The gray region an earlier run of this harness estimated its kernel on (its working size, default 256). */
function earlierRegion(blurred: Image, earlier: QualityRecord): Image {
  const maxSide = (earlier.options as { maxWorkingSize?: number | null }).maxWorkingSize ?? 256;
  return kernelEstimationRegion(toLuminance(blurred), undefined, maxSide).image;
}

/**
 * `--restarts-from runA,runB,…`: the restart selection of deblur() (solver/restart_selection.ts) applied
 * to the kernels earlier self-diffusion runs of this harness saved for the image (each with its own
 * seed), instead of training them again: the same computation as `--restarts N` with those seeds, up
 * to the engine version (and with restore `nonblind`: the runs' kernels averaged where they agree). The
 * resulting kernel restores the image by HQS; the record's time is the earlier runs' summed plus the
 * selection's, its schedule the first run's.
 */
async function selectAmongEarlierRuns(set: string, runs: readonly string[], id: string, blurred: Image, hqs: HqsOptions): Promise<MethodResult> {
  const records = await readJsonLines<QualityRecord>(path.join(projectRoot, 'results', 'quality', `${set}.jsonl`));
  const earlier = runs.map((run) => {
    const record = records.filter((r) => r.run === run && r.id === id && r.status === 'completed').at(-1);
    if (!record) throw new SdiError(`--restarts-from ${run}: no completed record for ${id} in ${set}`);
    return record;
  });
  const kernels = await Promise.all(runs.map((run) => readKernelFile(path.join(projectRoot, 'results', 'quality', set, run, `${id}_kernel.txt`))));
  const selection = await combineRestarts(earlierRegion(blurred, earlier[0]), kernels);
  const kernel = selection.kernel;
  const restarts: NonNullable<RunReport['restarts']> & { from: string[] } = {
    runs: earlier.map((r, i) => ({ seed: r.seed, status: 'completed', energy: selection.energies[i], solverMs: r.wallMs })),
    chosen: selection.chosen, chosenSeed: earlier[selection.chosen].seed, agreement: selection.agreement, averaged: selection.averaged, from: [...runs],
  };
  return {
    image: deconvolveHqs(blurred, kernel, hqs), kernel,
    report: {
      status: 'completed', restarts,
      earlierWallMs: earlier.reduce((t, r) => t + r.wallMs, 0), earlierSchedule: earlier[0].schedule ?? null,
    },
  };
}

/**
 * A `--kernel-from` record's schedule: the one the earlier run trained with (its width and steps, not
 * this invocation's preset defaults); nothing when the earlier record has none.
 */
function earlierSchedule(result: MethodResult): Pick<QualityRecord, 'schedule'> {
  const schedule = result.report.earlierSchedule as QualityRecord['schedule'] | null | undefined;
  return schedule ? { schedule } : {};
}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof SdiError) {
    console.error(`bench:quality: ${e.message}`);
    process.exit(2);
  }
  throw e;
});
