/**
 * Choosing among restarts: the self-diffusion run from several seeds, and the kernel that explains the
 * blurred image best kept.
 *
 * At the budgets a CPU affords, whether the kernel sharpens or collapses (to a blob at its window's edge,
 * or towards the δ that leaves y as its own "sharp" image) depends on the seed as much as on the image:
 * on the 6 Levin motion images where seed 0 of `lean` failed (19.2–22.8 dB), seed 1 gave 19.4–27.7 dB.
 * Each restart r gives a kernel k_r; the one kept minimises the L0 energy the kernel refinement uses
 * (baselines/map_blind.ts `mapEnergy`, solver/kernel_refinement.ts):
 *
 *   r* = argmin_r E(k_r),  E(k) = ‖k ∗ x_k − y‖²_Ω + μ·‖∇x_k‖₀,  μ = SELECTION_MU,
 *
 * x_k the L0-regularised latent for k, Ω the pixels at least one kernel size from the border, y the gray
 * working region at full resolution. Ties keep the earlier restart. Deterministic.
 *
 * Where the restarts agree, their kernels are averaged instead ({@link combineRestarts}): with
 * a_rs = NCC(k_r, k_s) maximised over shifts (metrics/kernel_metrics.ts), when min_{r≠s} a_rs ≥ τ =
 * {@link RESTART_AGREEMENT} the result is the aligned mean k̄ (solver/kernel_average.ts, referenced to
 * k_{r*}); otherwise k_{r*}. Measured on stored runs (bench/restart_candidates.ts --mean, 2026-11-29,
 * results/restarts/mean-2026-11-29.txt; aligned PSNR, this rule against the energy's choice alone): Levin
 * motion, `lean` seeds 0 + 1: 29.72 against 29.68 dB; seeds 0 + 1 + 2: 29.11 against 29.06; Levin
 * aberration, `lean` seeds 0 + 1: 29.48 against 29.32; six noiseless FFHQ faces, `thorough` with 20 and
 * with 15 coarse steps: 30.76 against 30.52 (the better run per image: 30.57). τ = 0.8 did as well or
 * less on each (29.72 / 29.05 / 29.47 / 30.72); τ was picked on these same runs, nothing was held out.
 * Averaging always, agreeing or not, loses where one run collapsed (Levin motion: 28.96 and 28.01).
 */
import type { Image } from '../image/image.js';
import type { Kernel } from '../physics/kernel.js';
import { kernelNcc } from '../metrics/kernel_metrics.js';
import { SELECTION_MU } from './kernel_refinement.js';
import { alignedKernelMean } from './kernel_average.js';

/** τ: the restarts' kernels are averaged when every pair agrees this well (NCC over shifts), see the module comment. */
export const RESTART_AGREEMENT = 0.7;

/** What each restart gave and which one was kept. */
export interface RestartSelection {
  /** E(k_r) per restart, in run order (lower explains y better). */
  energies: number[];
  /** Index of the kept restart. */
  chosen: number;
}

/** Picks, of `kernels` (one per restart, all of one size), the one of lowest energy E on `region` (see the module comment). */
export async function selectRestart(region: Image, kernels: readonly Kernel[]): Promise<RestartSelection> {
  if (kernels.length === 0) throw new RangeError('selectRestart: no kernels');
  const { mapEnergy } = await import('../baselines/map_blind.js');
  const energies = kernels.map((k) => mapEnergy(region, k, SELECTION_MU));
  const score = (e: number) => (Number.isFinite(e) ? e : Infinity); // a non-finite energy never wins
  const chosen = energies.reduce((best, e, i) => (score(e) < score(energies[best]) ? i : best), 0);
  return { energies, chosen };
}

/** A {@link RestartSelection} and the kernel the restarts give: the chosen one's, or the mean of all when they agree. */
export interface RestartCombination extends RestartSelection {
  /** min_{r≠s} NCC(k_r, k_s), the worst agreement between two restarts (1 for a single one). */
  agreement: number;
  /** Whether `kernel` is the aligned mean of all the restarts' kernels (agreement ≥ {@link RESTART_AGREEMENT}). */
  averaged: boolean;
  /** The kernel to restore with. */
  kernel: Kernel;
}

/**
 * The restarts' kernel (module comment): r* = argmin_r E(k_r) as {@link selectRestart}; then, if
 * `allowAverage` and every pair of kernels agrees (NCC ≥ {@link RESTART_AGREEMENT}), their mean aligned
 * on k_{r*} (solver/kernel_average.ts), else k_{r*}. `allowAverage: false` where the output must be one
 * run's (the network's own image). Deterministic.
 */
export async function combineRestarts(region: Image, kernels: readonly Kernel[], opts: { allowAverage?: boolean } = {}): Promise<RestartCombination> {
  const selection = await selectRestart(region, kernels);
  let agreement = 1;
  for (let r = 0; r < kernels.length; r++) for (let s = r + 1; s < kernels.length; s++) agreement = Math.min(agreement, kernelNcc(kernels[r], kernels[s]));
  const averaged = (opts.allowAverage ?? true) && kernels.length > 1 && agreement >= RESTART_AGREEMENT;
  const reference = kernels[selection.chosen];
  const kernel = averaged ? alignedKernelMean([reference, ...kernels.filter((_, r) => r !== selection.chosen)]) : reference;
  return { ...selection, agreement, averaged, kernel };
}
