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
 *   mean        (with --mean) no choice: the kernels averaged, k̄ = normalise(Σ_r k_r(· − s_r)) with s_r the
 *               shift aligning k_r to the lowest-energy kernel (μ = 4e-3; solver/kernel_average.ts), restored
 *               by HQS with the first run's weight and scored; "mean if agreed" averages only where every pair
 *               has a_rs ≥ τ, else energy: at τ = RESTART_AGREEMENT what deblur() does with restarts
 *
 * (two seeds cannot outvote each other: the kernel rules need three or more runs).
 *
 *   npx tsx bench/restart_candidates.ts <set> <run> [--images ids]     # appends to results/restarts/<set>.jsonl
 *   npx tsx bench/restart_candidates.ts --summary <set> <runA,runB,…> [--mean]   # mean PSNR per rule on the images all runs share
 *
 * ≈ 1 s per kernel and μ on one core.
 */
import * as path from 'node:path';
import { existsSync } from 'node:fs';
import { readImageFile, readKernelFile } from '../src/io/files.js';
import { toLuminance } from '../src/image/image.js';
import { kernelNcc } from '../src/metrics/kernel_metrics.js';
import { scoreLevin } from '../src/metrics/align.js';
import { deconvolveHqs, BLIND_HQS_LAMBDA_PER_SIGMA } from '../src/deconv/index.js';
import { alignedKernelMean } from '../src/solver/kernel_average.js';
import { RESTART_AGREEMENT } from '../src/solver/restart_selection.js';
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

/** Aligned PSNR of the HQS restoration of item's blurred image with `kernel` at slope c (the harness's computation). */
async function restoredPsnr(item: { blurred: string; sharp: string }, kernel: Kernel, c: number): Promise<number> {
  const blurred = await readImageFile(path.join(projectRoot, item.blurred));
  const truth = toLuminance(await readImageFile(path.join(projectRoot, item.sharp)));
  return scoreLevin(toLuminance(deconvolveHqs(blurred, kernel, { lambdaPerSigma: c })), truth).psnr;
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

async function summary(set: string, runs: string[], withMean: boolean): Promise<void> {
  const all = await readJsonLines<RestartRecord>(restartsFile(set));
  const items = (await readManifest(set)).items.filter((i) => runs.every((run) => all.some((r) => r.run === run && r.id === i.id)));
  const quality = withMean ? (await readJsonLines<QualityRecord>(qualityFile(set))).filter((r) => r.run === runs[0] && r.status === 'completed') : [];
  const rows: Array<{ id: string; psnr: number[]; energy: Record<Mu, number[]>; agree: number[][]; meanPsnr: number }> = [];
  for (const item of items) {
    const id = item.id;
    const recs = runs.map((run) => all.filter((r) => r.run === run && r.id === id).at(-1) as RestartRecord);
    const kernels: Kernel[] = await Promise.all(runs.map((run) => readKernelFile(kernelFile(set, run, id))));
    const agree = kernels.map((a, r) => kernels.map((b, s) => (r === s ? 1 : kernelNcc(a, b))));
    // the weight the first run restored with (records before 2026-11-29 have none: they used 0.2)
    const slope = (quality.filter((r) => r.id === id).at(-1)?.options as { hqsLambdaPerSigma?: number | null } | undefined)?.hqsLambdaPerSigma ?? BLIND_HQS_LAMBDA_PER_SIGMA;
    const chosen = argminOf(recs.map((r) => r.energy['0.004']));
    const meanPsnr = withMean ? await restoredPsnr(item, alignedKernelMean([kernels[chosen], ...kernels.filter((_, r) => r !== chosen)]), slope) : NaN;
    rows.push({ id, psnr: recs.map((r) => r.psnr), energy: Object.fromEntries(MUS.map((mu) => [mu, recs.map((r) => r.energy[mu])])) as Record<Mu, number[]>, agree, meanPsnr });
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
  if (withMean) {
    const avg = (f: (row: (typeof rows)[number]) => number) => (rows.reduce((a, row) => a + f(row), 0) / rows.length).toFixed(2);
    console.log(`  mean of the aligned kernels: ${avg((row) => row.meanPsnr)}`);
    for (const tau of TAUS) {
      const agreed = (row: (typeof rows)[number]) => row.agree.every((a, r) => a.every((v, s) => r === s || v >= tau));
      console.log(`  mean if agreed τ=${tau}, else energy μ=0.004${tau === RESTART_AGREEMENT ? ' (deblur\'s rule)' : ''}: ${avg((row) => (agreed(row) ? row.meanPsnr : row.psnr[argminOf(row.energy['0.004'])]))} (averaged on ${rows.filter(agreed).length})`);
    }
  }
  for (const row of rows) {
    const e = row.energy['0.004'];
    console.log(`    ${row.id.padEnd(14)} psnr ${row.psnr.map((p) => p.toFixed(2)).join(' ')}${withMean ? ` mean ${row.meanPsnr.toFixed(2)}` : ''} | E ${e.map((v) => v.toFixed(4)).join(' ')} | a ${row.agree.flatMap((a, r) => a.slice(r + 1)).map((v) => v.toFixed(2)).join(' ')}`);
  }
}

const args = process.argv.slice(2);
if (args[0] === '--summary' && (args.length === 3 || (args.length === 4 && args[3] === '--mean'))) await summary(args[1], args[2].split(','), args[3] === '--mean');
else if (args.length >= 2 && !args[0].startsWith('--')) {
  const i = args.indexOf('--images');
  await scoreRun(args[0], args[1], i >= 0 ? new Set(args[i + 1].split(',')) : null);
} else {
  console.error('usage: npx tsx bench/restart_candidates.ts <set> <run> [--images ids] | --summary <set> <runA,runB,…> [--mean]');
  process.exit(2);
}
