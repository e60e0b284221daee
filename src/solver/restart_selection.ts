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
 */
import type { Image } from '../image/image.js';
import type { Kernel } from '../physics/kernel.js';
import { SELECTION_MU } from './kernel_refinement.js';

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
