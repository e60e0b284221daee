/**
 * Speed of the full joint training step, the one source of the speed numbers in the README and docs/speed.md:
 *
 *   npm run bench:speed -- [--backend wasm|cpu|webgpu]… [--configs centre|all|N-d-k,…] [--steps N]
 *                          [--threads n] [--out results/speed.json] [--merge other.json]…
 *
 * For each configuration (bench/speed_configs.ts) it builds the solver's networks and optimisers
 * exactly as src/solver/self_diffusion.ts does (SkipUNet, KernelGenerator, FlatAdam with the
 * `balanced` preset's learning rates and prior) and times
 *   step:    tf.variableGrads(L, θ ∪ φ), FlatAdam on θ, FlatAdam on φ, read the loss back, dispose
 *   forward: L evaluated once (no gradient tape), read back
 * with L = ‖blurValid(D_θ(x̂), G_φ(ẑ)) − y‖² + λR(G_φ(ẑ)), x̂ on the (N + k − 1)² support. 2 warm-up
 * steps, then `--steps` timed ones (default 5); medians are reported. The loss is read back with
 * dataSync (as the solver does) on wasm and cpu; on webgpu in Node dataSync needs OffscreenCanvas,
 * so `await data()` is the sync point there. y, x̂ and ẑ are seeded random arrays (the content does
 * not change the cost).
 *
 * Backends: `wasm` (threads as src/engine/wasm_threads.ts sets them; `--threads n` sets
 * SDI_WASM_THREADS), `cpu` (only configs with image ≤ 64: it is ~100× slower), `webgpu` (only when
 * asked; in Node it needs the optional `webgpu` package, see bench/README.md). Default: wasm,cpu.
 *
 * Output: the run's entry (one per backend) is merged into `--out` (an entry with the same day,
 * machine, backend and threads is replaced), results/speed.md (beside --out) is regenerated from all
 * entries, and the table is printed. `--merge f.json` (repeatable) only merges the entries of another
 * speed file (e.g. the GPU machine's, bench/gpu/run_device.sh) and regenerates the markdown.
 * GFLOP/s are analytic forward FLOPs (bench/flops.ts) over measured time; step GFLOP/s assume the
 * backward pass costs 2× the forward FLOPs. Tensor counts are checked to be unchanged by every config.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf } from '../src/engine/tf.js';
import { initBackend, type BackendInfo, type BackendName } from '../src/engine/backend.js';
import { SdiError } from '../src/errors.js';
import { parseOptions, numberOption, choiceOption } from '../src/cli/options.js';
import type { SkipUNet } from '../src/nn/unet.js';
import type { SolverOptions } from '../src/solver/options.js';
import { machineDescription, median, projectRoot } from './common.js';
import { createJointStep, type Timing } from './joint_step.js';
import { forwardFlops, stepFlopsAssumed, unetMacs, type StepShape } from './flops.js';
import { parseConfigs, type SpeedConfig } from './speed_configs.js';
import { entryKey, mergeEntry, speedFileDescription, speedMarkdown, speedTextTable, type ConfigResult, type SpeedEntry, type SpeedFile } from './speed_report.js';

const warmupSteps = 2;
/** Largest image side timed on the cpu backend. */
const cpuMaxImage = 64;


const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
const load1 = () => round(os.loadavg()[0], 2);

function stepShapeOf(c: SpeedConfig, o: SolverOptions): StepShape {
  return { imageHeight: c.image, imageWidth: c.image, kernelHeight: c.kernel, kernelWidth: c.kernel, unet: { ...o.unet, inputChannels: 1 }, kernelHiddenUnits: o.kernelHiddenUnits, kernelHiddenLayers: o.kernelHiddenLayers };
}

/** Times one config on the current backend; everything it creates is disposed (checked by the caller). */
async function timeConfig(c: SpeedConfig, steps: number, backend: BackendName): Promise<ConfigResult> {
  const job = createJointStep(c, backend);
  const { opts, unet, kgen, step, forward } = job;
  const loadStart = load1();
  try {
    for (let i = 0; i < warmupSteps; i++) await step();
    const stepTimes: Timing[] = [];
    for (let i = 0; i < steps; i++) stepTimes.push(await step());
    await forward();
    const forwardTimes: Timing[] = [];
    for (let i = 0; i < steps; i++) forwardTimes.push(await forward());
    const loadEnd = load1();
    const kernelsOf = async (run: () => Promise<Timing>) => (await tf.profile(async () => (await run(), []))).kernels.length;
    const kernels = { step: await kernelsOf(step), forward: await kernelsOf(forward) };
    return summarise(c, opts, { image: unet.params.count(), kernel: kgen.params.count() }, stepTimes, forwardTimes, [loadStart, loadEnd], unet, kernels);
  } finally {
    job.dispose();
  }
}

function summarise(c: SpeedConfig, opts: SolverOptions, parameters: ConfigResult['parameters'], stepTimes: Timing[], forwardTimes: Timing[], loadAverage1: [number, number], unet: SkipUNet, kernels: ConfigResult['kernels']): ConfigResult {
  const support = c.image + c.kernel - 1;
  const flops = forwardFlops(stepShapeOf(c, opts));
  // cross-check of the two independent U-Net counts (bench/flops.ts and SkipUNet.forwardMacs)
  const macs = unetMacs({ ...opts.unet, inputChannels: 1 }, support, support);
  if (macs.conv + macs.matmul !== unet.forwardMacs(support, support)) {
    throw new Error(`bench:speed: FLOP count mismatch for ${c.id}: flops.ts ${macs.conv + macs.matmul} MACs, SkipUNet.forwardMacs ${unet.forwardMacs(support, support)}`);
  }
  const stepMsAll = stepTimes.map((t) => t.wallMs), forwardMsAll = forwardTimes.map((t) => t.wallMs);
  const stepMs = median(stepMsAll), forwardMs = median(forwardMsAll);
  const gflop = (v: number) => round(v / 1e9, 4);
  return {
    id: c.id, image: c.image, support, width: c.width, kernel: c.kernel, parameters,
    forwardGflop: { unetConv: gflop(flops.unetConv), nonLocalMatmul: gflop(flops.nonLocalMatmul), blur: gflop(flops.blur), kernelMlp: gflop(flops.kernelMlp), total: gflop(flops.total) },
    stepMs: round(stepMs, 2), forwardMs: round(forwardMs, 2),
    stepCpuMs: round(median(stepTimes.map((t) => t.cpuMs)), 2), forwardCpuMs: round(median(forwardTimes.map((t) => t.cpuMs)), 2),
    backwardOverForward: round((stepMs - forwardMs) / forwardMs, 3),
    forwardGflops: round(flops.total / forwardMs / 1e6, 3),
    stepGflops: round(stepFlopsAssumed(flops.total) / stepMs / 1e6, 3),
    stepMsAll: stepMsAll.map((v) => round(v, 2)), forwardMsAll: forwardMsAll.map((v) => round(v, 2)),
    loadAverage1, kernels,
  };
}

/** Times one config and fails loudly if it leaves tensors behind. */
async function timeConfigChecked(c: SpeedConfig, steps: number, backend: BackendName): Promise<ConfigResult> {
  const before = tf.memory().numTensors;
  const result = await timeConfig(c, steps, backend);
  const after = tf.memory().numTensors;
  if (after !== before) throw new Error(`bench:speed: tensor leak in config ${c.id} on ${backend}: ${before} tensors before, ${after} after`);
  return result;
}

/** Starts a backend or throws a one-line SdiError (webgpu unavailable, wasm fell back to cpu). */
async function startBackend(name: BackendName): Promise<BackendInfo> {
  const info = await initBackend(name);
  if (info.name !== name) throw new SdiError(`${name} backend did not start (${info.reason})`);
  return info;
}

/** A description of the GPU adapter (webgpu), if the backend exposes one. */
function acceleratorOf(name: BackendName): string | undefined {
  if (name !== 'webgpu') return undefined;
  const info = (tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string } }).adapterInfo;
  return info ? `WebGPU adapter ${[info.vendor, info.architecture].filter(Boolean).join(' ') || 'unknown'}` : 'WebGPU adapter';
}

/**
 * Times every config on one backend. `save` receives the entry after each config (the configs done so
 * far), so a run cut short (a device-call time limit, a leak found later) keeps what it measured.
 */
async function measureBackend(name: BackendName, configs: SpeedConfig[], steps: number, save: (entry: SpeedEntry) => Promise<void>): Promise<SpeedEntry | null> {
  const chosen = name === 'cpu' ? configs.filter((c) => c.image <= cpuMaxImage) : configs;
  if (chosen.length === 0) {
    console.log(`cpu: skipped (only configs with image ≤ ${cpuMaxImage} are timed on the cpu backend; e.g. --configs 64-32-31)`);
    return null;
  }
  const info = await startBackend(name);
  const date = new Date().toISOString();
  const loadStart = os.loadavg().map((v) => round(v, 2));
  console.log(`${name}: ${info.threads} thread(s), ${chosen.length} config(s), ${warmupSteps} warm-up + ${steps} timed steps; load ${loadStart.join(' ')}`);
  const results: ConfigResult[] = [];
  const entryOf = (): SpeedEntry => {
    const e: SpeedEntry = {
      key: '', date, machine: machineDescription(), implementation: 'tfjs', backend: name, threads: info.threads, backendReason: info.reason,
      accelerator: acceleratorOf(name), software: { tfjs: tf.version_core, node: process.version },
      loadAverage: { start: loadStart, end: os.loadavg().map((v) => round(v, 2)) }, warmupSteps, timedSteps: steps, notes, configs: results,
    };
    e.key = entryKey(e);
    return e;
  };
  const notes = [
    'Step = tf.variableGrads over both networks + two FlatAdam steps + loss read back; forward = one loss evaluation without gradients.',
    name === 'webgpu' ? 'Loss read back with await data() (dataSync is unavailable for webgpu in Node).' : 'Loss read back with dataSync.',
  ];
  if (name === 'cpu' && chosen.length < configs.length) notes.push(`cpu timed only for images ≤ ${cpuMaxImage}.`);
  for (const c of chosen) {
    const r = await timeConfigChecked(c, steps, name);
    results.push(r);
    console.log(`  ${c.id}: step ${r.stepMs} ms, forward ${r.forwardMs} ms, ${r.forwardGflops} GFLOP/s forward`);
    await save(entryOf());
  }
  const entry = entryOf();
  console.log(`\n${name} (${info.threads} thread${info.threads === 1 ? '' : 's'}):\n${speedTextTable(results)}\n`);
  return entry;
}

async function readSpeedFile(file: string): Promise<SpeedFile> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return { description: speedFileDescription, entries: [] };
  }
  try {
    const parsed = JSON.parse(text) as SpeedFile;
    if (!Array.isArray(parsed.entries)) throw new Error('no entries');
    return parsed;
  } catch {
    throw new SdiError(`${file} is not a speed results file (JSON with an 'entries' array)`);
  }
}

/**
 * Writes a file atomically (temporary file, then rename). Not src/io/files.ts: that module pulls in
 * the image codecs, whose fflate build collides with the banner of the GPU machine's bundle (prepare.sh).
 */
async function writeAtomic(file: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  await fs.writeFile(tmp, text);
  await fs.rename(tmp, file);
}

/** Merges entries into `out` and rewrites it and its markdown (same name, .md). */
async function saveEntries(out: string, entries: SpeedEntry[]): Promise<void> {
  let file = await readSpeedFile(out);
  for (const e of entries) file = mergeEntry(file, e);
  await writeAtomic(out, JSON.stringify(file, null, 2) + '\n');
  const md = out.replace(/\.json$/i, '') + '.md';
  await writeAtomic(md, speedMarkdown(file));
  console.log(`wrote ${path.relative(process.cwd(), out) || out} and ${path.relative(process.cwd(), md) || md} (${file.entries.length} entries)`);
}

function parseBackends(values: string[] | undefined): BackendName[] {
  const names = (values ?? ['wasm,cpu']).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
  const out: BackendName[] = [];
  for (const n of names) {
    const b = choiceOption<BackendName>(n, 'backend', ['wasm', 'cpu', 'webgpu']) as BackendName;
    if (!out.includes(b)) out.push(b);
  }
  return out;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseOptions(argv, {
    backend: { type: 'string', multiple: true }, configs: { type: 'string' }, steps: { type: 'string' },
    threads: { type: 'string' }, out: { type: 'string' }, merge: { type: 'string', multiple: true },
  }, 'bench:speed');
  const out = path.resolve(values.out ?? path.join(projectRoot, 'results', 'speed.json'));
  if (!out.toLowerCase().endsWith('.json')) throw new SdiError('--out must end in .json');
  if (values.merge) {
    const entries = (await Promise.all(values.merge.map(async (f) => (await readSpeedFile(path.resolve(f))).entries))).flat();
    if (entries.length === 0) throw new SdiError('--merge: no entries in the given files');
    await saveEntries(out, entries);
    return;
  }
  const steps = numberOption(values.steps, 'steps', { integer: true, min: 1 }) ?? 5;
  const threads = numberOption(values.threads, 'threads', { integer: true, min: 1, max: 8 });
  if (threads !== undefined) process.env.SDI_WASM_THREADS = String(threads);
  const configs = parseConfigs(values.configs ?? 'all');
  for (const backend of parseBackends(values.backend)) {
    await measureBackend(backend, configs, steps, (entry) => saveEntries(out, [entry]));
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (e: unknown) => {
    if (e instanceof SdiError) {
      console.error(`bench:speed: ${e.message}`);
      process.exit(2);
    }
    console.error(e);
    process.exit(1);
  },
);
