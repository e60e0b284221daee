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
 * x_k the L0-regularised latent for k. k_r and k_m take part only if their centre of mass lies at least
 * {@link MIN_EDGE_DISTANCE} px from the window's border (physics/kernel_centroid.ts): MAP's alternations
 * can walk a kernel into its window's edge, where a clipped blob can undercut a real blur on E
 * (SelfDeblur's `house` photo). k_sdi always takes part: on 3 of the 5 Levin aberration images where the
 * `fast` run's kernel hugs the border it is still the best candidate. No stored benchmark choice changes
 * (no chosen k_r or k_m lies that close to its border). This is a hybrid: on sharp-edged photos MAP's alternations
 * sharpen the network's kernel (or MAP's own kernel wins); on smooth ones (faces), where the L0 prior
 * finds too few edges, the network's kernel is kept. The report says which.
 */
import type { Image } from '../image/image.js';
import type { Kernel } from '../physics/kernel.js';
import { kernelEdgeDistance } from '../physics/kernel_centroid.js';

/** How a self-diffusion kernel is refined (`none`: used as it is). */
export type KernelRefinement = 'none' | 'map-l0';
/** Every {@link KernelRefinement}, for option parsing. */
export const KERNEL_REFINEMENTS: readonly KernelRefinement[] = ['none', 'map-l0'];
/** The refinement's candidates, in the order ties are broken (the first wins). */
export const REFINEMENT_CANDIDATES = ['network', 'refined', 'map'] as const;

/** What the MAP-L0 kernel refinement did: the energy of each candidate and which one was kept. */
export interface KernelRefinementReport {
  method: 'map-l0';
  /** E of the network's kernel, the refined one and MAP's own (lower is better). */
  energies: { network: number; refined: number; map: number };
  chosen: 'network' | 'refined' | 'map';
  /** MAP candidates left out because their centre of mass lies within MIN_EDGE_DISTANCE px of the window's border. */
  excluded: Array<'refined' | 'map'>;
  /** How far the MAP alternations moved the network's kernel: Σ|k_r − k_sdi| (needs no true kernel). */
  refinedChange: number;
  ms: number;
}

/** Alternations of the full-resolution refinement (Pan et al.'s weight schedule, restarted). */
export const REFINE_ITERATIONS = 10;
/** Least distance (px) of a MAP candidate's centre of mass from its window's border for it to be kept. */
export const MIN_EDGE_DISTANCE = 1;
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
  const { chosen, excluded } = selectRefinementCandidate(energies, candidates);
  let refinedChange = 0;
  for (let i = 0; i < kernel.data.length; i++) refinedChange += Math.abs(candidates.refined.data[i] - kernel.data[i]);
  return { kernel: candidates[chosen], report: { method: 'map-l0', energies, chosen, excluded, refinedChange, ms: performance.now() - t0 } };
}

/**
 * The kept candidate: k = argmin E(k) over k_sdi and the MAP candidates (k_r, k_m) whose centre of mass
 * lies at least MIN_EDGE_DISTANCE px from the window's border (ties: the order of REFINEMENT_CANDIDATES),
 * and the MAP candidates left out.
 */
export function selectRefinementCandidate(energies: KernelRefinementReport['energies'], candidates: Record<KernelRefinementReport['chosen'], Kernel>): Pick<KernelRefinementReport, 'chosen' | 'excluded'> {
  const excluded = (['refined', 'map'] as const).filter((c) => !(kernelEdgeDistance(candidates[c]) >= MIN_EDGE_DISTANCE));
  const eligible = REFINEMENT_CANDIDATES.filter((c) => !(excluded as readonly string[]).includes(c));
  const chosen = eligible.reduce((best, c) => (energies[c] < energies[best] ? c : best), 'network' as KernelRefinementReport['chosen']);
  return { chosen, excluded };
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
