/**
 * Gaussian PSFs (out-of-focus / atmospheric blur model), sampled on the kernel grid:
 *
 *     k[r, c] ∝ exp(−(u²/(2σ₁²) + v²/(2σ₂²))),   u = dx cos θ + dy sin θ,  v = −dx sin θ + dy cos θ,
 *
 * with (dx, dy) = (c − ⌊k/2⌋, r − ⌊k/2⌋), normalised to sum 1.
 */
import { SdiError } from '../../errors.js';
import type { Rng } from '../../rng.js';
import type { Kernel } from '../kernel.js';

/** An anisotropic Gaussian PSF: standard deviations σ₁, σ₂ along axes u, v rotated by `angle`. */
export interface GaussianPsfParams {
  /** Standard deviation along the rotated u axis, pixels. */
  readonly sigma1: number;
  /** Standard deviation along v (default σ₁: isotropic). */
  readonly sigma2?: number;
  /** Rotation θ of the u axis from the x axis, radians (default 0). */
  readonly angle?: number;
}

/** The k×k (anisotropic) Gaussian PSF of the file comment. */
export function gaussianPsf(size: number, params: GaussianPsfParams): Kernel {
  if (!Number.isInteger(size) || size < 1) throw new SdiError(`PSF size must be a positive integer, got ${size}`);
  const s1 = params.sigma1, s2 = params.sigma2 ?? params.sigma1, th = params.angle ?? 0;
  if (!(s1 > 0 && s2 > 0) || !Number.isFinite(s1) || !Number.isFinite(s2)) throw new SdiError(`Gaussian sigma must be a positive number, got ${s1}, ${s2}`);
  const c = Math.floor(size / 2), cos = Math.cos(th), sin = Math.sin(th);
  const data = new Float32Array(size * size);
  let sum = 0;
  for (let r = 0; r < size; r++) {
    for (let col = 0; col < size; col++) {
      const dx = col - c, dy = r - c;
      const u = dx * cos + dy * sin, v = -dx * sin + dy * cos;
      const w = Math.exp(-(u * u) / (2 * s1 * s1) - (v * v) / (2 * s2 * s2));
      data[r * size + col] = w;
      sum += w;
    }
  }
  for (let i = 0; i < data.length; i++) data[i] /= sum;
  return { width: size, height: size, data };
}

/** A random anisotropic Gaussian PSF: σ₁, σ₂ ~ U(0.5, max(0.6, k/6)), θ ~ U(0, π). */
export function randomGaussianPsf(size: number, rng: Rng): { kernel: Kernel; params: Required<GaussianPsfParams> } {
  const hi = Math.max(0.6, size / 6);
  const params = { sigma1: rng.range(0.5, hi), sigma2: rng.range(0.5, hi), angle: rng.range(0, Math.PI) };
  return { kernel: gaussianPsf(size, params), params };
}
