/**
 * Kernel refinement after self-diffusion: a full-resolution MAP check of the network's kernel.
 *
 * With the short schedules a CPU affords, the self-diffusion kernel k_sdi has the right support and
 * shape more often than the right detail (and at `scale` < 1 it is resampled from a coarse estimate).
 * Refinement takes three candidates on the gray working region y:
 *
 *   k_sdi = the network's kernel as it is
 *   k_r   = MAP-L0 alternations at full resolution started from k_sdi   (baselines/map_blind.ts, no pyramid)
 *   k_m   = MAP-L0 coarse to fine from its own 2-tap start             (the `map-l0` baseline)
 *
 * and keeps the one that explains y best under the L0 energy of baselines/map_blind.ts:
 *
 *   k = argmin_{k ∈ {k_sdi, k_r, k_m}} E(k),  E(k) = ‖k ∗ x_k − y‖²_Ω + μ·‖∇x_k‖₀,  μ = 4e-3,
 *
 * x_k the L0-regularised latent for k. This is a hybrid: on sharp-edged photos MAP's alternations
 * sharpen the network's kernel (or MAP's own kernel wins); on smooth ones (faces), where the L0 prior
 * finds too few edges, the network's kernel is kept. The report says which.
 */
import type { Image } from '../image/image.js';
import type { Kernel } from '../physics/kernel.js';

/** How a self-diffusion kernel is refined (`none`: used as it is). */
export type KernelRefinement = 'none' | 'map-l0';
/** Every {@link KernelRefinement}, for option parsing. */
export const KERNEL_REFINEMENTS: readonly KernelRefinement[] = ['none', 'map-l0'];
/** The refinement's candidates, in the order ties are broken (the first wins). */
export const REFINEMENT_CANDIDATES = ['network', 'refined', 'map'] as const;

export interface KernelRefinementReport {
  method: 'map-l0';
  /** E of the network's kernel, the refined one and MAP's own (lower is better). */
  energies: { network: number; refined: number; map: number };
  chosen: 'network' | 'refined' | 'map';
  /** How far the MAP alternations moved the network's kernel: Σ|k_r − k_sdi| (needs no true kernel). */
  refinedChange: number;
  ms: number;
}

/** Alternations of the full-resolution refinement (Pan et al.'s weight schedule, restarted). */
export const REFINE_ITERATIONS = 10;
/** μ of the selection energy (the MAP default gradient weight). */
export const SELECTION_MU = 4e-3;

/**
 * Refines `kernel` (estimated on `region`, gray, full resolution, [kh, kw] = its size) as the module
 * comment describes: returns the lowest-energy candidate (ties keep the network's). Deterministic.
 */
export async function refineKernelWithMap(region: Image, kernel: Kernel): Promise<{ kernel: Kernel; report: KernelRefinementReport }> {
  const t0 = performance.now();
  const { mapEnergy } = await import('../baselines/map_blind.js');
  const candidates = await refinementCandidates(region, kernel);
  const energies = { network: mapEnergy(region, kernel, SELECTION_MU), refined: mapEnergy(region, candidates.refined, SELECTION_MU), map: mapEnergy(region, candidates.map, SELECTION_MU) };
  const chosen = REFINEMENT_CANDIDATES.reduce((best, c) => (energies[c] < energies[best] ? c : best), 'network' as KernelRefinementReport['chosen']);
  let refinedChange = 0;
  for (let i = 0; i < kernel.data.length; i++) refinedChange += Math.abs(candidates.refined.data[i] - kernel.data[i]);
  return { kernel: candidates[chosen], report: { method: 'map-l0', energies, chosen, refinedChange, ms: performance.now() - t0 } };
}

/**
 * The three candidates of the module comment for the network's `kernel` on `region`: k_sdi as it is,
 * k_r (MAP-L0 alternations at full resolution started from it) and k_m (MAP-L0 from its own start;
 * `map` when given, e.g. a stored estimate, else computed). Deterministic.
 */
export async function refinementCandidates(region: Image, kernel: Kernel, map?: Kernel): Promise<Record<KernelRefinementReport['chosen'], Kernel>> {
  const { estimateKernelMap } = await import('../baselines/map_blind.js');
  const size: [number, number] = [kernel.height, kernel.width];
  const refined = estimateKernelMap(region, { prior: 'l0', kernelSize: size, initialKernel: kernel, iterationsPerScale: REFINE_ITERATIONS }).kernel;
  return { network: kernel, refined, map: map ?? estimateKernelMap(region, { prior: 'l0', kernelSize: size }).kernel };
}
