/**
 * The speed results file (results/speed.json) and its generated tables: entry types, merging
 * (an entry replaces the one with the same key: day + machine + accelerator + backend + threads),
 * the markdown of results/speed.md and the plain-text table printed by bench/speed.ts.
 * bench/reference/step_time.py writes entries of the same shape.
 */
import type { ForwardFlops } from './flops.js';

/** One timed configuration. Times are medians over the timed steps; GFLOP figures from bench/flops.ts. */
export interface ConfigResult {
  id: string;
  image: number;
  /** Side of the support the networks work on, N + k − 1. */
  support: number;
  width: number;
  kernel: number;
  parameters: { image: number; kernel: number };
  /** Forward FLOPs by part, in GFLOP. */
  forwardGflop: ForwardFlops;
  /** Median ms of a whole step: forward, backward, both Adam updates, loss read back. */
  stepMs: number;
  /** Median ms of one loss evaluation (no gradients), loss read back. */
  forwardMs: number;
  /**
   * Median CPU time of the process (all threads) per step / per forward: on a loaded machine the
   * wall times grow with the load while these do not (≈ wall time for 1 thread on an idle machine).
   */
  stepCpuMs: number;
  forwardCpuMs: number;
  /** (stepMs − forwardMs) / forwardMs. */
  backwardOverForward: number;
  /** forwardGflop.total / forwardMs. */
  forwardGflops: number;
  /** 3 · forwardGflop.total / stepMs (backward assumed to cost 2× forward). */
  stepGflops: number;
  stepMsAll: number[];
  forwardMsAll: number[];
  /** 1-minute load average when the config started and ended. */
  loadAverage1: [number, number];
  /**
   * tfjs kernels run by one step and by one forward evaluation (tf.profile, outside the timed runs):
   * on a GPU each is at least one dispatch, so step ms / kernels is the per-kernel cost that a
   * launch-bound backend pays. Absent in PyTorch entries and in entries measured before it was added.
   */
  kernels?: { step: number; forward: number };
}

export interface SpeedEntry {
  key: string;
  /** ISO time the run started. */
  date: string;
  machine: Record<string, string | number>;
  /** `tfjs` (bench/speed.ts) or `pytorch` (bench/reference/step_time.py). */
  implementation: string;
  /** wasm, cpu, webgpu, cuda… */
  backend: string;
  threads: number;
  backendReason?: string;
  /** GPU description where there is one. */
  accelerator?: string;
  software: Record<string, string>;
  /** os.loadavg() (1, 5, 15 min) at the start and end of the run. */
  loadAverage: { start: number[]; end: number[] };
  warmupSteps: number;
  timedSteps: number;
  notes: string[];
  configs: ConfigResult[];
}

export interface SpeedFile {
  description: string;
  entries: SpeedEntry[];
}

export const speedFileDescription =
  'Full joint DeblurSDI training step (loss = ‖blurValid(unet(x̂), kgen(ẑ)) − y‖² + prior, gradients of both networks, two Adam steps, loss read back), ' +
  'written by `npm run bench:speed` (tfjs) and bench/reference/step_time.py (PyTorch). Times are medians in ms. ' +
  'GFLOP/s: analytic forward FLOPs (bench/flops.ts: 2·MACs of convs, NonLocal matmuls, blur, kernel MLP) over measured time; ' +
  'step GFLOP/s assumes backward ≈ 2× forward FLOPs (step ≈ 3× forward).';

/** day | machine | accelerator | backend | threads: reruns on the same day and machine replace their entry. */
export function entryKey(e: Pick<SpeedEntry, 'date' | 'machine' | 'accelerator' | 'backend' | 'threads' | 'implementation'>): string {
  const m = e.machine;
  return [e.date.slice(0, 10), `${m.cpu} ×${m.cores}`, e.accelerator ?? 'no accelerator', `${e.implementation}-${e.backend}`, `${e.threads} thread${e.threads === 1 ? '' : 's'}`].join(' | ');
}

/** The file with `entry` added, replacing an entry with the same key; entries sorted by date then key. */
export function mergeEntry(file: SpeedFile, entry: SpeedEntry): SpeedFile {
  const keyed = { ...entry, key: entryKey(entry) };
  const entries = file.entries.filter((e) => entryKey(e) !== keyed.key).concat([keyed]);
  entries.sort((a, b) => a.date.slice(0, 10).localeCompare(b.date.slice(0, 10)) || a.key.localeCompare(b.key));
  return { description: speedFileDescription, entries };
}

const fmt = (v: number, digits: number) => (Number.isFinite(v) ? v.toFixed(digits) : '–');
const fmtMs = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
/** Three significant digits (whole numbers from 100 up). */
const fmtSig = (v: number) => (!Number.isFinite(v) ? '–' : v >= 100 ? v.toFixed(0) : v.toPrecision(3));

const columns = ['config (image-width-kernel)', 'support', 'step ms', 'forward ms', 'step CPU ms', 'fwd CPU ms', 'bwd/fwd', 'fwd GFLOP', 'fwd GFLOP/s', 'step GFLOP/s', 'kernels/step', 'load 1 min'];

function row(c: ConfigResult): string[] {
  return [c.id, `${c.support}²`, fmtMs(c.stepMs), fmtMs(c.forwardMs), fmtMs(c.stepCpuMs), fmtMs(c.forwardCpuMs), fmt(c.backwardOverForward, 2), fmtSig(c.forwardGflop.total),
    fmtSig(c.forwardGflops), fmtSig(c.stepGflops), c.kernels ? String(c.kernels.step) : '–', `${fmt(c.loadAverage1[0], 1)}→${fmt(c.loadAverage1[1], 1)}`];
}

/** One line naming the run: implementation, backend, threads, machine, load. */
export function entryTitle(e: SpeedEntry): string {
  const m = e.machine;
  const host = [m.cpu, m.cores !== undefined ? `${m.cores} cores` : '', m.memoryGiB !== undefined ? `${m.memoryGiB} GiB` : '', m.node ? `Node ${m.node}` : m.python ? `Python ${m.python}` : ''].filter(Boolean).join(', ');
  const load = `load ${e.loadAverage.start.map((v) => fmt(v, 2)).join('/')} → ${e.loadAverage.end.map((v) => fmt(v, 2)).join('/')}`;
  const threads = e.backend === 'wasm' || e.backend === 'cpu' ? `, ${e.threads} thread${e.threads === 1 ? '' : 's'}` : '';
  return `${e.date.slice(0, 10)} · ${e.implementation} ${e.backend}${threads}${e.accelerator ? ` on ${e.accelerator}` : ''} · ${host} · ${load}`;
}

/** results/speed.md: every entry's table, with the definitions. */
export function speedMarkdown(file: SpeedFile): string {
  const lines = [
    '# Speed of the full joint training step',
    '',
    '<!-- generated by `npm run bench:speed` from results/speed.json; do not edit -->',
    '',
    file.description,
    '',
    'Configs vary one factor at a time around the centre `256-32-31` (256² blurred image, 32-channel 5-level U-Net with 16-channel skips and NonLocal on 3 levels, 31×31 kernel from a 3×1000 FCN, as in the `balanced` preset); ' +
      '`support` is the (N + k − 1)² input of the image network. `bwd/fwd` = (step − forward) / forward. `CPU ms` is the process\'s CPU time (all threads), which a shared machine\'s load does not inflate (≈ wall time with 1 thread on an idle machine; launch overhead only on a GPU). `kernels/step`: tfjs kernels one step runs (tf.profile; on a GPU each is at least one dispatch). `load 1 min` is the machine\'s 1-minute load average at the start and end of the config: with a load above the core count, wall times are inflated.',
    '',
  ];
  for (const e of file.entries) {
    lines.push(`## ${entryTitle(e)}`, '');
    lines.push(`${e.warmupSteps} warm-up steps, median of ${e.timedSteps} timed steps. ${[e.backendReason ? `Backend: ${e.backendReason}.` : '', ...e.notes].filter(Boolean).join(' ')}`, '');
    lines.push(`| ${columns.join(' | ')} |`, `|${columns.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
    for (const c of e.configs) lines.push(`| ${row(c).join(' | ')} |`);
    lines.push('');
  }
  return lines.join('\n');
}

/** The same table as plain padded text (stdout). */
export function speedTextTable(configs: ConfigResult[]): string {
  const rows = [columns, ...configs.map(row)];
  const widths = columns.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')).join('\n');
}
