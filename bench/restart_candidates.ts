/**
 * Restart selection, studied on stored runs: for every image that several seeds of one self-diffusion
 * preset have a kernel for, the selection scores of each seed's kernel, so rules for choosing among
 * restarts (solver/restart_selection.ts) can be judged against always-one-seed and the best seed per
 * image (the oracle) without training anything again.
 *
 * Per (run, image), stored in results/restarts/<set>.jsonl:
 *
 *   E_μ(k) = ‖k ∗ x_k − y‖²_Ω + μ‖∇x_k‖₀   (baselines/map_blind.ts mapEnergy, μ ∈ MUS; 4e-3 is SELECTION_MU)
 *
 * on the harness's working region, and the run's aligned PSNR from its quality record. The summary adds
 * rules that compare the restarts' kernels with each other, with a_rs = NCC(k_r, k_s) maximised over
 * shifts (metrics/kernel_metrics.ts):
 *
 *   energy      r* = argmin_r E_μ(k_r)
 *   medoid      r* = argmax_r Σ_{s≠r} a_rs                    (the kernel the others agree with most)
 *   agreement   when the best-agreeing pair has a_rs ≥ τ, the lower-energy kernel of that pair; else energy
 *   until two agree   runs taken in seed order until two agree (a_rs ≥ τ), then agreement on those: the
 *               adaptive form, which trains a third seed only where the first two disagree
 *
 * (two seeds cannot outvote each other: the kernel rules need three or more runs).
 *
 *   npx tsx bench/restart_candidates.ts <set> <run> [--images ids]     # appends to results/restarts/<set>.jsonl
 *   npx tsx bench/restart_candidates.ts --summary <set> <runA,runB,…>   # mean PSNR per rule on the images all runs share
 *
 * ≈ 1 s per kernel and μ on one core.
 */
import * as path from 'node:path';
import { existsSync } from 'node:fs';
import { readImageFile, readKernelFile } from '../src/io/files.js';
import { toLuminance } from '../src/image/image.js';
import { kernelNcc } from '../src/metrics/kernel_metrics.js';
import { mapEnergy } from '../src/baselines/map_blind.js';
import { kernelEstimationRegion } from '../src/deblur.js';
import type { Kernel } from '../src/physics/kernel.js';
import { appendJsonLine, projectRoot, readJsonLines, readManifest } from './common.js';
import type { QualityRecord } from './quality.js';

const MUS = ['0.001', '0.002', '0.004', '0.008'] as const;
type Mu = (typeof MUS)[number];
/** Agreement thresholds τ the summary reports. */
const TAUS = [0.6, 0.7, 0.8, 0.9];

interface RestartRecord { id: string; run: string; seed: number; psnr: number; ncc: number | null; energy: Record<Mu, number>; ms: number }

const qualityFile = (set: string) => path.join(projectRoot, 'results', 'quality', `${set}.jsonl`);
const kernelFile = (set: string, run: string, id: string) => path.join(projectRoot, 'results', 'quality', set, run, `${id}_kernel.txt`);
const restartsFile = (set: string) => path.join(projectRoot, 'results', 'restarts', `${set}.jsonl`);

async function scoreRun(set: string, run: string, only: Set<string> | null): Promise<void> {
  const out = restartsFile(set);
  const done = new Set((existsSync(out) ? await readJsonLines<RestartRecord>(out) : []).map((r) => `${r.run}|${r.id}`));
  const records = (await readJsonLines<QualityRecord>(qualityFile(set))).filter((r) => r.run === run && r.status === 'completed');
  for (const item of (await readManifest(set)).items) {
    const record = records.filter((r) => r.id === item.id).at(-1);
    if ((only && !only.has(item.id)) || !record || !existsSync(kernelFile(set, run, item.id)) || done.has(`${run}|${item.id}`)) continue;
    const t0 = performance.now();
    const blurred = await readImageFile(path.join(projectRoot, item.blurred));
    const maxSide = (record.options as { maxWorkingSize?: number | null }).maxWorkingSize ?? 256;
    const region = kernelEstimationRegion(toLuminance(blurred), undefined, maxSide).image;
    const kernel = await readKernelFile(kernelFile(set, run, item.id));
    const energy = Object.fromEntries(MUS.map((mu) => [mu, mapEnergy(region, kernel, Number(mu))])) as Record<Mu, number>;
    const entry: RestartRecord = { id: item.id, run, seed: record.seed, psnr: record.psnr, ncc: record.kernelNcc, energy, ms: performance.now() - t0 };
    await appendJsonLine(out, entry);
    console.log(`${set} ${run} ${item.id}: ${entry.psnr.toFixed(2)} dB, E(4e-3) ${energy['0.004'].toFixed(4)} (${(entry.ms / 1000).toFixed(1)} s)`);
  }
}

const argminOf = (values: number[]) => values.reduce((b, v, i) => (v < values[b] ? i : b), 0);
const argmaxOf = (values: number[]) => values.reduce((b, v, i) => (v > values[b] ? i : b), 0);

/** The agreement rule: of the best-agreeing pair (a ≥ τ), the lower-energy kernel; else the lowest energy. */
function agreementChoice(agree: number[][], energies: number[], tau: number): number {
  let best = -Infinity, pair: [number, number] = [0, 0];
  for (let r = 0; r < agree.length; r++) for (let s = r + 1; s < agree.length; s++) if (agree[r][s] > best) { best = agree[r][s]; pair = [r, s]; }
  if (best < tau) return argminOf(energies);
  return energies[pair[1]] < energies[pair[0]] ? pair[1] : pair[0];
}

/**
 * The adaptive rule: runs are added in order until two of the first n agree (a ≥ τ, n ≥ 2), and the
 * agreement rule is applied to those n; with no agreeing pair after all runs, the lowest energy.
 */
function sequentialAgreement(agree: number[][], energies: number[], tau: number): { chosen: number; runs: number } {
  for (let n = 2; n <= energies.length; n++) {
    const sub = agree.slice(0, n).map((a) => a.slice(0, n));
    if (Math.max(...sub.flatMap((a, r) => a.slice(r + 1))) >= tau || n === energies.length) return { chosen: agreementChoice(sub, energies.slice(0, n), tau), runs: n };
  }
  return { chosen: 0, runs: 1 };
}

async function summary(set: string, runs: string[]): Promise<void> {
  const all = await readJsonLines<RestartRecord>(restartsFile(set));
  const ids = (await readManifest(set)).items.map((i) => i.id).filter((id) => runs.every((run) => all.some((r) => r.run === run && r.id === id)));
  const rows: Array<{ id: string; psnr: number[]; energy: Record<Mu, number[]>; agree: number[][] }> = [];
  for (const id of ids) {
    const recs = runs.map((run) => all.filter((r) => r.run === run && r.id === id).at(-1) as RestartRecord);
    const kernels: Kernel[] = await Promise.all(runs.map((run) => readKernelFile(kernelFile(set, run, id))));
    const agree = kernels.map((a, r) => kernels.map((b, s) => (r === s ? 1 : kernelNcc(a, b))));
    rows.push({ id, psnr: recs.map((r) => r.psnr), energy: Object.fromEntries(MUS.map((mu) => [mu, recs.map((r) => r.energy[mu])])) as Record<Mu, number[]>, agree });
  }
  const mean = (pick: (row: (typeof rows)[number]) => number) => (rows.reduce((a, row) => a + row.psnr[pick(row)], 0) / rows.length).toFixed(2);
  console.log(`${set}, ${rows.length} images, runs ${runs.join(', ')}`);
  runs.forEach((run, i) => console.log(`  always ${run}: ${mean(() => i)}`));
  console.log(`  best per image (oracle): ${mean((row) => argmaxOf(row.psnr))}`);
  for (const mu of MUS) console.log(`  energy μ=${mu}: ${mean((row) => argminOf(row.energy[mu]))}`);
  if (runs.length >= 3) {
    console.log(`  medoid: ${mean((row) => argmaxOf(row.agree.map((a) => a.reduce((s, v) => s + v, 0))))}`);
    for (const tau of TAUS) console.log(`  agreement τ=${tau}, μ=0.004: ${mean((row) => agreementChoice(row.agree, row.energy['0.004'], tau))}`);
    for (const tau of TAUS) {
      const picks = rows.map((row) => sequentialAgreement(row.agree, row.energy['0.004'], tau));
      const used = picks.reduce((a, p) => a + p.runs, 0) / rows.length;
      console.log(`  until two agree τ=${tau}, μ=0.004: ${(picks.reduce((a, p, i) => a + rows[i].psnr[p.chosen], 0) / rows.length).toFixed(2)} (${used.toFixed(2)} runs per image)`);
    }
  }
  for (const row of rows) {
    const e = row.energy['0.004'];
    console.log(`    ${row.id.padEnd(14)} psnr ${row.psnr.map((p) => p.toFixed(2)).join(' ')} | E ${e.map((v) => v.toFixed(4)).join(' ')} | a ${row.agree.flatMap((a, r) => a.slice(r + 1)).map((v) => v.toFixed(2)).join(' ')}`);
  }
}

const args = process.argv.slice(2);
if (args[0] === '--summary' && args.length === 3) await summary(args[1], args[2].split(','));
else if (args.length >= 2 && !args[0].startsWith('--')) {
  const i = args.indexOf('--images');
  await scoreRun(args[0], args[1], i >= 0 ? new Set(args[i + 1].split(',')) : null);
} else {
  console.error('usage: npx tsx bench/restart_candidates.ts <set> <run> [--images ids] | --summary <set> <runA,runB,…>');
  process.exit(2);
}
