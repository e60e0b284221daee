/**
 * The refinement's candidates, scored one by one: for every image that a stored self-diffusion run of
 * the harness has a kernel for, the three kernels `--refine map-l0` chooses between
 * (solver/kernel_refinement.ts: the network's k_sdi, the MAP-L0 alternations started from it k_r, and
 * MAP-L0's own k_m, read from the stored `map-l0` run when there is one), each restored by HQS as the
 * harness does and scored by the Levin protocol, with two selection scores per candidate:
 *
 *   E_μ(k) = ‖k ∗ x_k − y‖²_Ω + μ‖∇x_k‖₀        (baselines/map_blind.ts mapEnergy, μ ∈ {1e-3, 4e-3, 1e-2, 3e-2};
 *                                               4e-3 is what the refinement uses)
 *   S(k)   = ‖∇x̂_k‖₁ / ‖∇x̂_k‖₂                   (normalised gradient sparsity of the HQS restoration x̂_k's
 *                                               luminance, 15 px border; Krishnan et al. 2011; tried, not kept)
 *
 * so the choice rule can be judged against always-one-candidate and the best candidate per image.
 *
 *   npx tsx bench/refinement_candidates.ts <set> <run> [--images ids]     # appends to results/refinement/<set>.jsonl
 *   npx tsx bench/refinement_candidates.ts --summary                      # mean PSNR per rule, per set and run
 *
 * ≈ 30 s per image on one core (two MAP-L0 estimates, three HQS restorations, twelve L0 latents).
 */
import * as path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { readImageFile, readKernelFile } from '../src/io/files.js';
import { toLuminance, type Image } from '../src/image/image.js';
import { scoreLevin } from '../src/metrics/align.js';
import { kernelNcc } from '../src/metrics/kernel_metrics.js';
import { mapEnergy } from '../src/baselines/map_blind.js';
import { kernelEstimationRegion } from '../src/deblur.js';
import { BLIND_HQS_LAMBDA_PER_SIGMA, deconvolveHqs } from '../src/deconv/index.js';
import { REFINEMENT_CANDIDATES as CANDIDATES, refinementCandidates } from '../src/solver/kernel_refinement.js';
import { appendJsonLine, projectRoot, readJsonLines, readManifest } from './common.js';

type Candidate = (typeof CANDIDATES)[number];
const MUS = ['0.001', '0.004', '0.01', '0.03'] as const;

interface CandidateScore { psnr: number; ncc: number; energy: Record<(typeof MUS)[number], number>; sparsity: number }
type CandidateRecord = { id: string; run: string; ms: number } & Record<Candidate, CandidateScore>;

/** S(x) = ‖∇x‖₁ / ‖∇x‖₂ over the pixels at least `border` from each side (forward differences). */
function gradientSparsity(x: Image, border: number): number {
  const { width: W, height: H, data } = x;
  let l1 = 0, l2 = 0;
  for (let r = border; r < H - border - 1; r++) for (let c = border; c < W - border - 1; c++) {
    const i = r * W + c;
    const gh = data[i + 1] - data[i], gv = data[i + W] - data[i];
    l1 += Math.abs(gh) + Math.abs(gv);
    l2 += gh * gh + gv * gv;
  }
  return l2 > 0 ? l1 / Math.sqrt(l2) : 0;
}

async function scoreRun(set: string, run: string, only: Set<string> | null): Promise<void> {
  const out = path.join(projectRoot, 'results', 'refinement', `${set}.jsonl`);
  const done = new Set((existsSync(out) ? await readJsonLines<CandidateRecord>(out) : []).map((r) => `${r.run}|${r.id}`));
  for (const item of (await readManifest(set)).items) {
    const kernelFile = path.join(projectRoot, 'results', 'quality', set, run, `${item.id}_kernel.txt`);
    if ((only && !only.has(item.id)) || !existsSync(kernelFile) || done.has(`${run}|${item.id}`)) continue;
    const t0 = performance.now();
    const blurred = await readImageFile(path.join(projectRoot, item.blurred));
    const sharp = toLuminance(await readImageFile(path.join(projectRoot, item.sharp)));
    const truth = await readKernelFile(path.join(projectRoot, item.kernel));
    const network = await readKernelFile(kernelFile);
    const region = kernelEstimationRegion(toLuminance(blurred), undefined, 256).image;
    const mapFile = path.join(projectRoot, 'results', 'quality', set, 'map-l0', `${item.id}_kernel.txt`);
    const kernels = await refinementCandidates(region, network, existsSync(mapFile) ? await readKernelFile(mapFile) : undefined);
    const record = { id: item.id, run } as CandidateRecord;
    for (const c of CANDIDATES) {
      const restored = toLuminance(deconvolveHqs(blurred, kernels[c], { lambdaPerSigma: BLIND_HQS_LAMBDA_PER_SIGMA }));
      const energy = Object.fromEntries(MUS.map((mu) => [mu, mapEnergy(region, kernels[c], Number(mu))])) as CandidateScore['energy'];
      record[c] = { psnr: scoreLevin(restored, sharp).psnr, ncc: kernelNcc(kernels[c], truth), energy, sparsity: gradientSparsity(restored, 15) };
    }
    record.ms = performance.now() - t0;
    await appendJsonLine(out, record);
    console.log(`${set} ${run} ${item.id}: ${CANDIDATES.map((c) => `${c} ${record[c].psnr.toFixed(2)}`).join(', ')} (${(record.ms / 1000).toFixed(1)} s)`);
  }
}

/** The candidate with the lowest score f (ties: the first of CANDIDATES). */
function argmin(r: CandidateRecord, f: (s: CandidateScore) => number): Candidate {
  return CANDIDATES.reduce((b, c) => (f(r[c]) < f(r[b]) ? c : b), CANDIDATES[0] as Candidate);
}

/** Margins δ of {@link preferMap} that the summary reports. */
const MARGINS = [0.01, 0.02, 0.05];

/**
 * A choice that prefers MAP-L0's own kernel k_m: the lowest-energy candidate k* = argmin E_μ is kept
 * only when it undercuts k_m by more than the fraction δ, E_μ(k*) < (1 − δ)·E_μ(k_m); else k_m.
 */
function preferMap(r: CandidateRecord, mu: (typeof MUS)[number], margin: number): Candidate {
  const best = argmin(r, (s) => s.energy[mu]);
  return r[best].energy[mu] < (1 - margin) * r.map.energy[mu] ? best : 'map';
}

function summary(): void {
  const dir = path.join(projectRoot, 'results', 'refinement');
  for (const set of ['levin-motion', 'levin-aberration', 'ffhq-motion']) {
    const file = path.join(dir, `${set}.jsonl`);
    if (!existsSync(file)) continue;
    const byRun = new Map<string, CandidateRecord[]>();
    for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
      const r = JSON.parse(line) as CandidateRecord;
      const list = byRun.get(r.run) ?? [];
      if (!list.some((x) => x.id === r.id)) list.push(r);
      byRun.set(r.run, list);
    }
    for (const [run, rs] of byRun) {
      const mean = (pick: (r: CandidateRecord) => Candidate) => (rs.reduce((a, r) => a + r[pick(r)].psnr, 0) / rs.length).toFixed(2);
      console.log(`${set} ${run} (${rs.length} images): always network ${mean(() => 'network')}, refined ${mean(() => 'refined')}, map ${mean(() => 'map')}; ` +
        `best per image ${mean((r) => CANDIDATES.reduce((b, c) => (r[c].psnr > r[b].psnr ? c : b), 'network' as Candidate))}; ` +
        MUS.map((mu) => `E(μ=${mu}) ${mean((r) => argmin(r, (s) => s.energy[mu]))}`).join(', ') + `; S ${mean((r) => argmin(r, (s) => s.sparsity))}; ` +
        (['0.001', '0.004'] as const).flatMap((mu) => MARGINS.map((d) => `E(μ=${mu}) MAP unless ${100 * d} % lower ${mean((r) => preferMap(r, mu, d))}`)).join(', '));
    }
  }
}

const args = process.argv.slice(2);
if (args[0] === '--summary') summary();
else if (args.length >= 2) {
  const i = args.indexOf('--images');
  await scoreRun(args[0], args[1], i >= 0 ? new Set(args[i + 1].split(',')) : null);
} else {
  console.error('usage: npx tsx bench/refinement_candidates.ts <set> <run> [--images ids] | --summary');
  process.exit(2);
}
