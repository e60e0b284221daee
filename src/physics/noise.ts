/**
 * Observation noise on images in [0, 1], seeded through an {@link Rng}.
 *
 * - Gaussian:          y = x + σ·n,                          n ~ N(0, 1) i.i.d.
 * - Poisson–Gaussian:  y = g·Poisson(max(x, 0)/g) + σ·n,     g = 1/(photons at white)
 *   (mean x, variance g·x + σ²: shot noise plus read noise).
 * Results are not clipped; use `clampImage` to store them as 8/16-bit pictures.
 */
import { SdiError } from '../errors.js';
import type { Image } from '../image/image.js';
import type { Rng } from '../rng.js';

/** y = x + σ·n with n ~ N(0, 1) per sample (σ on the [0, 1] intensity scale; σ = 0 returns a copy). */
export function addGaussianNoise(image: Image, sigma: number, rng: Rng): Image {
  if (!(sigma >= 0) || !Number.isFinite(sigma)) throw new SdiError(`noise sigma must be a finite number ≥ 0, got ${sigma}`);
  const data = image.data.slice();
  if (sigma > 0) for (let i = 0; i < data.length; i++) data[i] += sigma * rng.normal();
  return { ...image, data };
}

/** Poisson–Gaussian noise y = g·Poisson(max(x,0)/g) + σ·n (see the file comment); `gain` g > 0. */
export function addPoissonGaussianNoise(image: Image, opts: { gain: number; sigma?: number }, rng: Rng): Image {
  const { gain } = opts;
  const sigma = opts.sigma ?? 0;
  if (!(gain > 0) || !Number.isFinite(gain)) throw new SdiError(`Poisson gain must be a finite number > 0, got ${gain}`);
  if (!(sigma >= 0) || !Number.isFinite(sigma)) throw new SdiError(`noise sigma must be a finite number ≥ 0, got ${sigma}`);
  const data = new Float32Array(image.data.length);
  for (let i = 0; i < data.length; i++) {
    const photons = samplePoisson(Math.max(0, image.data[i]) / gain, rng);
    data[i] = gain * photons + (sigma > 0 ? sigma * rng.normal() : 0);
  }
  return { ...image, data };
}

/**
 * One draw from Poisson(λ): multiplication of uniforms (Knuth) for λ < 30, Hörmann's transformed
 * rejection with squeeze (PTRS, 1993) otherwise. Exact for every λ ≥ 0.
 */
export function samplePoisson(lambda: number, rng: Rng): number {
  if (lambda <= 0) return 0;
  if (lambda < 30) {
    const limit = Math.exp(-lambda);
    let k = 0, p = rng.uniform();
    while (p > limit) {
      k++;
      p *= rng.uniform();
    }
    return k;
  }
  const slam = Math.sqrt(lambda), logLam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.uniform() - 0.5, v = rng.uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor((2 * a / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <= -lambda + k * logLam - logFactorial(k)) return k;
  }
}

/** ln(k!) by Stirling's series (exact table below 10). */
function logFactorial(k: number): number {
  if (k < 10) {
    let f = 1;
    for (let i = 2; i <= k; i++) f *= i;
    return Math.log(f);
  }
  const x = k + 1;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3) + 1 / (1260 * x ** 5);
}
