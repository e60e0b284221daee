/**
 * Salient-edge selection for the kernel step (Cho & Lee, "Fast motion deblurring", SIGGRAPH Asia
 * 2009), used in the published implementations of Pan et al.'s L0 and dark-channel methods: only
 * the latent image's strongest gradients enter the kernel least squares, the others are set to 0,
 *
 *     ∂x[p] ← ∂x[p] if |∇x[p]|² ≥ τ, else 0.
 *
 * The threshold τ is chosen so that each of the four gradient orientations (angle of ∇x quantised
 * to [0, π/4), [π/4, π/2), [−π/4, 0), [−π/2, −π/4)) keeps at least r·√N_k pixels, N_k = the number of
 * kernel taps, r = 2 (Cho & Lee's rule, which makes every direction constrain the kernel), and then
 * lowered by 1.1 at every alternation so that finer edges join as the kernel improves.
 */
import type { GradientPair } from './kernel_update.js';

/** Cho & Lee's r: pixels kept per orientation = r·√(kernel taps). */
export const EDGE_PIXELS_PER_ORIENTATION = 2;

/** Orientation bin 0…3 of a gradient (gh, gv): the angle atan(gv/gh) ∈ (−π/2, π/2] quantised by π/4. */
function orientationBin(gh: number, gv: number): number {
  const a = Math.atan(gv / gh); // NaN for 0/0: such pixels have zero magnitude and never pass a positive threshold
  if (a >= 0) return a < Math.PI / 4 ? 0 : 1;
  return a >= -Math.PI / 4 ? 2 : 3;
}

/**
 * The largest τ such that every orientation bin holds at least `perBin` gradients with |∇x|² ≥ τ
 * (a bin with fewer gradients in total contributes its smallest non-zero magnitude).
 */
export function edgeThreshold(gh: ArrayLike<number>, gv: ArrayLike<number>, kernelTaps: number, r: number = EDGE_PIXELS_PER_ORIENTATION): number {
  const perBin = Math.max(1, Math.round(r * Math.sqrt(kernelTaps)));
  const bins: number[][] = [[], [], [], []];
  for (let i = 0; i < gh.length; i++) {
    const m = gh[i] * gh[i] + gv[i] * gv[i];
    if (m > 0) bins[orientationBin(gh[i], gv[i])].push(m);
  }
  let tau = Infinity;
  for (const b of bins) {
    if (b.length === 0) continue;
    b.sort((p, q) => q - p);
    tau = Math.min(tau, b[Math.min(perBin, b.length) - 1]);
  }
  return Number.isFinite(tau) ? tau : 0;
}

/** The gradients with |∇x|² < τ set to 0 (copies). */
export function selectEdges(gh: Float64Array, gv: Float64Array, tau: number): GradientPair {
  const h = gh.slice(), v = gv.slice();
  for (let i = 0; i < h.length; i++) {
    if (h[i] * h[i] + v[i] * v[i] < tau) {
      h[i] = 0;
      v[i] = 0;
    }
  }
  return [h, v];
}
