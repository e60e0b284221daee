/**
 * The diffusion noise schedule of the reverse self-diffusion loop.
 *
 *   β_t linear from β_start to β_end over t = 1 … T,   ᾱ_t = Π_{s≤t} (1 − β_s),   σ_t = √(1 − ᾱ_t).
 *
 * With the paper's T = 30, β from 1e-4 to 2e-2, σ runs from ≈ 0.51 (t = T) down to 0.01 (t = 1).
 */
export interface NoiseSchedule {
  readonly betas: Float64Array;
  readonly alphaBars: Float64Array;
  /** sigmas[t − 1] = σ_t for t = 1 … T. */
  readonly sigmas: Float64Array;
}

/** The linear-β schedule above; index 0 is t = 1 (least noise), index T−1 is t = T. */
export function linearNoiseSchedule(steps: number, betaStart = 1e-4, betaEnd = 2e-2): NoiseSchedule {
  if (!(steps >= 1 && Number.isInteger(steps))) throw new RangeError(`steps must be a positive integer, got ${steps}`);
  const betas = new Float64Array(steps), alphaBars = new Float64Array(steps), sigmas = new Float64Array(steps);
  let ab = 1;
  for (let i = 0; i < steps; i++) {
    betas[i] = steps === 1 ? betaStart : betaStart + ((betaEnd - betaStart) * i) / (steps - 1);
    ab *= 1 - betas[i];
    alphaBars[i] = ab;
    sigmas[i] = Math.sqrt(1 - ab);
  }
  return { betas, alphaBars, sigmas };
}
