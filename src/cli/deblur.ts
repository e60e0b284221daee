/**
 * `sdi deblur <input> -o <out.png> [options]`: blind deblurring of one photo.
 * Writes the restored image, optionally the kernel (.txt exact / .png for viewing) and a JSON report.
 * Ctrl-C stops the run at the next step and still writes the estimate reached so far.
 */
import { deblur, type DeblurOptions, type RestoreMode } from '../deblur.js';
import { KERNEL_REFINEMENTS } from '../solver/kernel_refinement.js';
import type { BackendName } from '../engine/backend.js';
import { SdiError } from '../errors.js';
import { assertNotInput, prepareOutputPath, protectInput, readImageFile, writeImageFile, writeJsonFile, writeKernelFile } from '../io/files.js';
import { defaultPreset, presetNames, resolveSolverOptions, type PresetName } from '../solver/presets.js';
import { iterationsOption, type DiffusionMode, type SolverOverrides } from '../solver/options.js';
import { fileDigest, loadCheckpoint, saveCheckpoint } from '../io/checkpoint_files.js';
import type { SolverCheckpoint } from '../solver/self_diffusion.js';
import { choiceOption, numberOption, parseOptions } from './options.js';
import { formatDuration, ProgressPrinter } from './progress.js';
import { getMethod, methodNames, type Method, type MethodContext } from '../methods/registry.js';
import type { Image } from '../image/image.js';

const usage = 'sdi deblur <input.png|jpg> -o <out.png> [--kernel-out k.png|k.txt] [--kernel-size N] [--preset fast|lean|thorough|balanced|paper] [--steps T] [--iters S|SxN,SxN…] [--coarse-steps C] [--width C] [--image-sharpness W] [--mode k-diff|standard|selfdeblur] [--seed N] [--restarts N] [--method sdi|map-l0|map-darkchannel|fft-relu|phase-only|…] [--backend wasm|cpu|webgpu] [--threads N] [--restore auto|network|nonblind] [--max-size N] [--region X,Y,W,H] [--scale S] [--warm-start none|l0|dark-channel|fft-relu] [--refine none|map-l0] [--report run.json] [--checkpoint DIR [--resume]] [--quiet]';

/** `sdi deblur`: blind deblurring of one image file, writing the image, the kernel and the report. */
export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseOptions(argv, {
    output: { type: 'string', short: 'o' },
    'kernel-out': { type: 'string' },
    'kernel-size': { type: 'string' },
    preset: { type: 'string' },
    steps: { type: 'string' },
    iters: { type: 'string' },
    'coarse-steps': { type: 'string' },
    width: { type: 'string' },
    'image-sharpness': { type: 'string' },
    mode: { type: 'string' },
    method: { type: 'string' },
    seed: { type: 'string' },
    restarts: { type: 'string' },
    backend: { type: 'string' },
    threads: { type: 'string' },
    restore: { type: 'string' },
    'max-size': { type: 'string' },
    region: { type: 'string' },
    scale: { type: 'string' },
    'warm-start': { type: 'string' },
    refine: { type: 'string' },
    report: { type: 'string' },
    checkpoint: { type: 'string' },
    resume: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
    help: { type: 'boolean', short: 'h' },
  }, 'deblur');
  if (values.help) {
    process.stdout.write(`usage: ${usage}\n`);
    return;
  }
  if (positionals.length !== 1) throw new SdiError(`usage: ${usage}`);
  const input = positionals[0];
  const output = values.output;
  if (!output) throw new SdiError('missing -o <out.png> (the restored image)');
  const preset = choiceOption<PresetName>(values.preset, 'preset', presetNames) ?? defaultPreset;
  const backend = choiceOption<BackendName>(values.backend, 'backend', ['wasm', 'cpu', 'webgpu']) ?? 'wasm';
  const restore = choiceOption<RestoreMode>(values.restore, 'restore', ['auto', 'network', 'nonblind']) ?? 'auto';
  const mode = choiceOption<DiffusionMode>(values.mode, 'mode', ['k-diff', 'standard', 'selfdeblur']);
  const kernelSize = numberOption(values['kernel-size'], 'kernel-size', { integer: true, min: 1 }) ?? 31;
  const steps = numberOption(values.steps, 'steps', { integer: true, min: 1, max: 10000 });
  const width = numberOption(values.width, 'width', { integer: true, min: 4, max: 512 });
  const coarseSteps = numberOption(values['coarse-steps'], 'coarse-steps', { integer: true, min: 0, max: 10000 });
  const imageSharpness = numberOption(values['image-sharpness'], 'image-sharpness', { min: 0, max: 1 });
  const seed = numberOption(values.seed, 'seed', { integer: true }) ?? 0;
  // self-diffusion runs from seeds seed, seed + 1, …; the kernel of lowest L0 energy is kept, or all averaged when they agree (solver/restart_selection.ts)
  const restarts = numberOption(values.restarts, 'restarts', { integer: true, min: 1, max: 16 });
  // wasm threads (src/engine/wasm_threads.ts reads SDI_WASM_THREADS when the backend starts); without
  // the option it picks one thread per free core.
  const threads = numberOption(values.threads, 'threads', { integer: true, min: 1, max: 8 });
  if (threads !== undefined) process.env.SDI_WASM_THREADS = String(threads);
  const maxSize = numberOption(values['max-size'], 'max-size', { integer: true, min: 8 });
  const scale = numberOption(values.scale, 'scale', { min: 0.05, max: 1 });
  const region = regionOption(values.region);
  const refine = choiceOption(values.refine, 'refine', KERNEL_REFINEMENTS);
  const warmStart = choiceOption<NonNullable<DeblurOptions['warmStart']>>(values['warm-start'], 'warm-start', ['none', 'l0', 'dark-channel', 'fft-relu']);
  for (const [flag, file] of [['-o', output], ['--kernel-out', values['kernel-out']], ['--report', values.report]] as const) {
    if (file && !/\.(png|jpe?g|txt|json)$/i.test(file)) throw new SdiError(`${flag} ${file}: unsupported extension`);
  }
  if (!/\.(png|jpe?g)$/i.test(output)) throw new SdiError(`-o ${output}: the restored image must be .png, .jpg or .jpeg`);
  if (values['kernel-out'] && !/\.(png|txt)$/i.test(values['kernel-out'])) throw new SdiError('--kernel-out must end in .png or .txt');
  protectInput(input);
  for (const file of [output, values['kernel-out'], values.report]) if (file) assertNotInput(file);
  if (values.resume && !values.checkpoint) throw new SdiError('--resume needs --checkpoint <dir> (the folder of the interrupted run)');
  if (restarts !== undefined && restarts > 1 && values.checkpoint) throw new SdiError('--checkpoint works with one run: leave out --restarts or use --restarts 1');
  const method = values.method === undefined || values.method === 'sdi' ? null : blindMethod(values.method);
  if (method && (values.checkpoint || values.mode || values['warm-start'] || values.refine || values.region || values.restarts)) throw new SdiError(`--checkpoint, --mode, --warm-start, --refine, --restarts and --region apply to --method sdi only, not ${method.name}`);

  const image = await readImageFile(input);
  for (const file of [output, values['kernel-out'], values.report]) if (file) await prepareOutputPath(file);
  const solver: SolverOverrides = {};
  if (steps !== undefined) solver.steps = steps;
  // S inner iterations per outer step, or a schedule "25x15,50x15" (S for N outer steps, in order)
  if (values.iters !== undefined) Object.assign(solver, iterationsOption(values.iters, steps ?? resolveSolverOptions(preset).steps));
  if (mode !== undefined) solver.mode = mode;
  // coarse-to-fine: the first C outer steps at half resolution (solver/coarse_scale.ts); must be ≤ the steps
  if (coarseSteps !== undefined) {
    const total = steps ?? resolveSolverOptions(preset).steps;
    if (coarseSteps > total) throw new SdiError(`--coarse-steps ${coarseSteps} is more than the ${total} outer steps`);
    solver.coarseSteps = coarseSteps;
  }
  // Channels of the image network's convolutions (the U-Net width); the rest of the preset's architecture is kept.
  if (width !== undefined) solver.unet = { width };
  // Weight λ_x of the image prior λ_x‖∇x‖₁/‖∇x‖₂ on the network's image (solver/image_sharpness_prior.ts): widens too-concentrated kernels.
  if (imageSharpness !== undefined) solver.imageSharpness = imageSharpness;

  const progress = new ProgressPrinter(process.stderr, Boolean(values.quiet));
  if (method) {
    const ctx: MethodContext = { kernelSize: [kernelSize, kernelSize], seed, preset, backend, solver, restore, scale, maxWorkingSize: maxSize, hooks: { onProgress: (p) => progress.update(p) } };
    return runMethod(method, image, ctx, { input, output, kernelOut: values['kernel-out'], report: values.report, argv }, progress);
  }
  const checkpointDir = values.checkpoint;
  // the input's bytes and the region the kernel is estimated on: a checkpoint resumes only the same pair
  const digest = checkpointDir ? `${await fileDigest(input)}${region ? `@${region.x0},${region.y0},${region.width},${region.height}` : ''}` : '';
  let resume: SolverCheckpoint | undefined;
  if (checkpointDir && values.resume) {
    const loaded = await loadCheckpoint(checkpointDir);
    if (loaded.meta.inputDigest !== digest) throw new SdiError(`cannot resume: the checkpoint in ${checkpointDir} was made for another input file${region || String(loaded.meta.inputDigest).includes('@') ? ' or region' : ''}`);
    resume = loaded.checkpoint;
  }
  // Said once the solver has accepted the checkpoint (it refuses one made with other options), so a refusal stays one line.
  let resumeNote = resume ? `resuming from ${checkpointDir} after outer step ${resume.outerDone}` : '';
  const sayResumed = () => {
    if (resumeNote) progress.message(resumeNote);
    resumeNote = '';
  };
  const onCheckpoint = checkpointDir ? (c: SolverCheckpoint) => saveCheckpoint(checkpointDir, c, { inputDigest: digest, input }) : undefined;
  const controller = new AbortController();
  /** The signal that stopped the run (exit status 128 + its number: 130 for SIGINT, 143 for SIGTERM). */
  let stoppedBy = 'SIGINT' as NodeJS.Signals;
  const onSignal = (signal: NodeJS.Signals) => {
    stoppedBy = signal;
    progress.finish();
    progress.message(`interrupted (${signal}): finishing the current step and writing the estimate so far (Ctrl-C again to quit at once)`);
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  };
  // SIGTERM (kill, a closing terminal, a job scheduler) is treated like Ctrl-C: keep what was learnt.
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let result;
  try {
    result = await deblur(image, { preset, kernelSize, seed, backend, solver, maxWorkingSize: maxSize, region, restore: values.restore === undefined ? undefined : restore, scale, warmStart, refine, restarts }, { onProgress: (p) => { sayResumed(); progress.update(p); }, signal: controller.signal, onCheckpoint, resume });
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  sayResumed();
  for (const w of result.report.warnings) progress.message(`note: ${w}`);
  await writeImageFile(output, result.image);
  if (values['kernel-out']) await writeKernelFile(values['kernel-out'], result.kernel);
  if (values.report) await writeJsonFile(values.report, { ...result.report, inputFile: input, outputFile: output, command: ['sdi', 'deblur', ...argv] });
  const kept = result.report.restarts;
  const seeds = !kept ? `seed ${seed}` : kept.averaged
    ? `seeds ${seed}–${seed + kept.runs.length - 1}, kernels averaged (they agree: NCC ≥ ${kept.agreement.toFixed(2)}; lowest L0 energy ${kept.chosenSeed})`
    : `seeds ${seed}–${seed + kept.runs.length - 1}, kept ${kept.chosenSeed} (lowest L0 energy)`;
  const summary = `in ${formatDuration(result.report.timings.totalMs)} (${result.report.backend.name}, ${seeds}): wrote ${output}`;
  // main() exits with the status run() ends with, so an interrupted run must end by throwing (128 + the signal's number).
  if (result.report.status === 'aborted') throw new SdiError(`interrupted: stopped early ${summary}${checkpointDir ? ` (continue with --resume --checkpoint ${checkpointDir})` : ''}`, stoppedBy === 'SIGTERM' ? 143 : 130);
  progress.message(`done ${summary}`);
}

/** A registered blind method (`--method`), or a one-line error listing them. */
function blindMethod(name: string): Method {
  const blind = methodNames().filter((n) => getMethod(n).blind);
  if (!blind.includes(name)) throw new SdiError(`--method must be one of ${blind.join(', ')}; got '${name}'`);
  return getMethod(name);
}

/** `--method` other than sdi: run the registered method (methods/registry.ts) and write its outputs. */
async function runMethod(method: Method, image: Image, ctx: MethodContext, files: { input: string; output: string; kernelOut?: string; report?: string; argv: string[] }, progress: ProgressPrinter): Promise<void> {
  const t0 = performance.now();
  const result = await method.run(image, ctx);
  const totalMs = performance.now() - t0;
  progress.finish();
  await writeImageFile(files.output, result.image);
  if (files.kernelOut && result.kernel) await writeKernelFile(files.kernelOut, result.kernel);
  if (files.report) await writeJsonFile(files.report, { method: method.name, ...result.report, kernelSize: ctx.kernelSize, seed: ctx.seed, totalMs, inputFile: files.input, outputFile: files.output, command: ['sdi', 'deblur', ...files.argv] });
  progress.message(`done in ${formatDuration(totalMs)} (${method.name}, seed ${ctx.seed}): wrote ${files.output}`);
}

/**
 * `--region X,Y,W,H`: the rectangle (input pixels, top-left corner X, Y; width W, height H) the kernel is
 * estimated on, e.g. a well-lit, edge-rich part of a photo; the whole image is restored with the kernel.
 * The library checks that it lies inside the image.
 */
function regionOption(text: string | undefined): DeblurOptions['region'] {
  if (text === undefined) return undefined;
  const m = /^\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*$/.exec(text);
  if (!m || Number(m[3]) < 1 || Number(m[4]) < 1) throw new SdiError(`--region must be X,Y,W,H in pixels (W, H ≥ 1), got '${text}'`);
  return { x0: Number(m[1]), y0: Number(m[2]), width: Number(m[3]), height: Number(m[4]) };
}
