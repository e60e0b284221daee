/**
 * Zernike aberration simulator: optical PSFs of a circular pupil with a wavefront error.
 *
 * - Zernike polynomials, Noll's ordering and normalisation (Noll 1976): for Noll index j ↦ (n, m),
 *
 *       Z_j(ρ, θ) = √(n+1) · R_n^{|m|}(ρ) · { 1 (m = 0);  √2 cos(mθ) (m > 0);  √2 sin(|m|θ) (m < 0) },
 *       R_n^m(ρ)  = Σ_{s=0}^{(n−m)/2} (−1)^s (n−s)! / (s! ((n+m)/2 − s)! ((n−m)/2 − s)!) · ρ^{n−2s},
 *
 *   orthonormal on the unit disk: (1/π) ∫∫_{ρ≤1} Z_i Z_j = δ_ij (so a coefficient is the RMS
 *   wavefront error it contributes). Even j carries cos, odd j sin.
 * - Wavefront W(ρ, θ) = Σ_j a_j Z_j(ρ, θ) in waves; pupil P = 1{ρ ≤ 1} · exp(2πi W).
 * - PSF = |F{P}|² (forward DFT) on an N×N grid where the pupil has diameter D = N/q pixels:
 *   q = N/D is the sampling, in PSF pixels per λ/D (q = 2 is Nyquist for the intensity). The
 *   Airy pattern's first dark ring is then at 1.22·q pixels. The PSF is centred (zero frequency at
 *   ⌊k/2⌋), cropped to k×k and normalised to sum 1.
 * - Geometric size: a wavefront slope ∂W/∂ρ (waves per pupil radius) moves light by 2q·∂W/∂ρ
 *   pixels; e.g. defocus a₄ spreads it over a disk of radius ≈ 2q·4√3·|a₄| ≈ 13.9·q·|a₄| px.
 */
import { SdiError } from '../../errors.js';
import { fft2d, nextPow2 } from '../../math/fft.js';
import type { Rng } from '../../rng.js';
import type { Kernel } from '../kernel.js';

/** Noll index j ≥ 1 → radial order n and signed azimuthal frequency m (|m| ≤ n, n − |m| even). */
export function nollToNm(j: number): { n: number; m: number } {
  if (!Number.isInteger(j) || j < 1) throw new SdiError(`Noll index must be an integer ≥ 1, got ${j}`);
  let n = 0, rest = j - 1;
  while (rest > n) {
    n++;
    rest -= n;
  }
  const absM = (n % 2) + 2 * Math.floor((rest + ((n + 1) % 2)) / 2);
  const m = absM === 0 || j % 2 === 0 ? absM : -absM;
  return { n, m };
}

/** Conventional names of Noll modes 1–15. */
export const ZERNIKE_NAMES: Readonly<Record<number, string>> = {
  1: 'piston', 2: 'tilt x', 3: 'tilt y', 4: 'defocus',
  5: 'oblique astigmatism', 6: 'vertical astigmatism',
  7: 'vertical coma', 8: 'horizontal coma', 9: 'vertical trefoil', 10: 'oblique trefoil',
  11: 'primary spherical', 12: 'vertical secondary astigmatism', 13: 'oblique secondary astigmatism',
  14: 'vertical quadrafoil', 15: 'oblique quadrafoil',
};

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

/** Radial polynomial R_n^m(ρ) (m ≥ 0, n − m even), see the file comment. */
export function zernikeRadial(n: number, m: number, rho: number): number {
  const am = Math.abs(m);
  let r = 0;
  for (let s = 0; s <= (n - am) / 2; s++) {
    const c = ((s % 2 ? -1 : 1) * factorial(n - s)) / (factorial(s) * factorial((n + am) / 2 - s) * factorial((n - am) / 2 - s));
    r += c * rho ** (n - 2 * s);
  }
  return r;
}

/** The orthonormal Zernike polynomial Z_j(ρ, θ) (Noll index j). */
export function zernike(j: number, rho: number, theta: number): number {
  const { n, m } = nollToNm(j);
  const radial = Math.sqrt(n + 1) * zernikeRadial(n, m, rho);
  if (m === 0) return radial;
  return Math.SQRT2 * radial * (m > 0 ? Math.cos(m * theta) : Math.sin(-m * theta));
}

/** Wavefront W(ρ, θ) = Σ_j a_j Z_j(ρ, θ), with coefficients[j − 1] = a_j in waves. */
export function wavefront(coefficients: ArrayLike<number>, rho: number, theta: number): number {
  let w = 0;
  for (let i = 0; i < coefficients.length; i++) if (coefficients[i] !== 0) w += coefficients[i] * zernike(i + 1, rho, theta);
  return w;
}

/** Sampling of the pupil and the PSF grid for the Zernike simulator. */
export interface OpticsOptions {
  /** q = N/D, PSF pixels per λ/D (default 2, Nyquist). */
  readonly sampling?: number;
  /** FFT grid N (power of two; default max(128, nextPow2(4k))). */
  readonly gridSize?: number;
}

/** Default q = N/D: 2 PSF pixels per λ/D (Nyquist). */
export const DEFAULT_SAMPLING = 2;

function gridFor(size: number, opts: OpticsOptions): { n: number; q: number } {
  const q = opts.sampling ?? DEFAULT_SAMPLING;
  const n = opts.gridSize ?? Math.max(128, nextPow2(4 * size));
  if (!(q >= 1) || !Number.isFinite(q)) throw new SdiError(`Zernike sampling q must be ≥ 1, got ${q}`);
  if (!Number.isInteger(n) || n < size || n / q < 8) throw new SdiError(`Zernike grid ${n} is too small for a ${size}-px PSF at sampling ${q}`);
  return { n, q };
}

/**
 * The pupil P = 1{ρ≤1}·exp(2πi W) sampled on an N×N grid, disk of diameter N/q centred on pixel
 * (N/2, N/2) (row y ↔ ρ sin θ, column x ↔ ρ cos θ), as (re, im) plus the number of pupil pixels.
 */
export function samplePupil(coefficients: ArrayLike<number>, n: number, q: number): { re: Float64Array; im: Float64Array; area: number } {
  const re = new Float64Array(n * n), im = new Float64Array(n * n);
  const radius = n / (2 * q);
  let area = 0;
  for (let r = 0; r < n; r++) {
    const v = (r - n / 2) / radius;
    for (let c = 0; c < n; c++) {
      const u = (c - n / 2) / radius;
      const rho = Math.hypot(u, v);
      if (rho > 1) continue;
      const phase = 2 * Math.PI * wavefront(coefficients, rho, Math.atan2(v, u));
      re[r * n + c] = Math.cos(phase);
      im[r * n + c] = Math.sin(phase);
      area++;
    }
  }
  return { re, im, area };
}

/**
 * The full N×N intensity |F{P}|², shifted so zero frequency sits at (N/2, N/2); not normalised
 * (its sum is N²·area by Parseval, whatever the aberration).
 */
export function zernikeIntensity(coefficients: ArrayLike<number>, n: number, q: number): { data: Float64Array; n: number; area: number } {
  const { re, im, area } = samplePupil(coefficients, n, q);
  fft2d(re, im, n, n);
  const data = new Float64Array(n * n);
  const h = n / 2;
  for (let r = 0; r < n; r++) {
    const sr = ((r + h) % n) * n;
    for (let c = 0; c < n; c++) {
      const s = sr + ((c + h) % n);
      data[r * n + c] = re[s] * re[s] + im[s] * im[s];
    }
  }
  return { data, n, area };
}

/**
 * The k×k PSF of a pupil with Zernike coefficients (coefficients[j−1] = a_j, waves): |F{P}|² cropped
 * around zero frequency (centre tap ⌊k/2⌋) and normalised to sum 1; `energy` is the fraction of the
 * total intensity inside the crop (1 means the PSF fits).
 */
export function zernikePsf(coefficients: ArrayLike<number>, size: number, opts: OpticsOptions = {}): { kernel: Kernel; energy: number } {
  if (!Number.isInteger(size) || size < 1) throw new SdiError(`PSF size must be a positive integer, got ${size}`);
  const { n, q } = gridFor(size, opts);
  const { data } = zernikeIntensity(coefficients, n, q);
  let total = 0;
  for (const v of data) total += v;
  const out = new Float32Array(size * size);
  const o = n / 2 - Math.floor(size / 2);
  let inside = 0;
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const v = data[(r + o) * n + (c + o)];
      out[r * size + c] = v;
      inside += v;
    }
  }
  for (let i = 0; i < out.length; i++) out[i] /= inside;
  return { kernel: { width: size, height: size, data: out }, energy: inside / total };
}

/** Largest |a_j| (waves) drawn for each Noll mode by {@link randomZernikeCoefficients}. */
export type AberrationRanges = Readonly<Record<number, number>>;

/**
 * The default family (the paper's: defocus, astigmatism, coma, trefoil, spherical, quadrafoil),
 * a_j ~ U(−r_j, r_j) with r₄ = 0.25, r₅ = r₆ = 0.15, r₇…r₁₀ = 0.10, r₁₁ = 0.08, r₁₄ = r₁₅ = 0.05 waves
 * (RMS wavefront ≈ 0.1–0.3 λ: clearly aberrated, beyond the Maréchal 0.07 λ limit). At q = 2 a
 * 31-px crop then keeps 97.0% of the energy in the median draw, ≥ 94.8% in 95% of draws and
 * ≥ 92.8% in all of 300 (the Airy pattern alone keeps 97.7%: the rest is its slowly decaying ring
 * tail). The benchmark script redraws PSFs that fit no size in 21–31 (`fittingZernikeSize`).
 */
export const DEFAULT_ABERRATION_RANGES: AberrationRanges = {
  4: 0.25, 5: 0.15, 6: 0.15, 7: 0.1, 8: 0.1, 9: 0.1, 10: 0.1, 11: 0.08, 14: 0.05, 15: 0.05,
};

/** PSF size the default ranges are sized for (see {@link DEFAULT_ABERRATION_RANGES}). */
export const ABERRATION_REFERENCE_SIZE = 31;

/**
 * Draws a_j ~ U(−s·r_j, s·r_j) independently for each mode j in `ranges` (others 0); returns
 * coefficients indexed j − 1, length = the largest j.
 */
export function randomZernikeCoefficients(rng: Rng, ranges: AberrationRanges = DEFAULT_ABERRATION_RANGES, scale = 1): Float64Array {
  const modes = Object.keys(ranges).map(Number).sort((a, b) => a - b);
  const out = new Float64Array(Math.max(0, ...modes));
  for (const j of modes) out[j - 1] = scale * rng.range(-ranges[j], ranges[j]);
  return out;
}

/**
 * A random aberration PSF of size k: coefficients from the default ranges scaled by k/31 (so
 * the geometric blur grows with the requested size and still fits), at sampling q.
 */
export function randomZernikePsf(size: number, rng: Rng, opts: OpticsOptions & { ranges?: AberrationRanges } = {}): {
  kernel: Kernel; coefficients: Float64Array; energy: number;
} {
  const coefficients = randomZernikeCoefficients(rng, opts.ranges ?? DEFAULT_ABERRATION_RANGES, size / ABERRATION_REFERENCE_SIZE);
  return { coefficients, ...zernikePsf(coefficients, size, opts) };
}

const airyEnergyCache = new Map<string, number>();

/** Fraction of the aberration-free (Airy) PSF's energy inside a k×k crop at the given optics. */
export function airyEnergy(size: number, opts: OpticsOptions = {}): number {
  const key = `${size}/${opts.sampling ?? DEFAULT_SAMPLING}/${opts.gridSize ?? ''}`;
  let e = airyEnergyCache.get(key);
  if (e === undefined) {
    e = zernikePsf([], size, opts).energy;
    airyEnergyCache.set(key, e);
  }
  return e;
}

/**
 * Smallest odd size k in [minSize, maxSize] whose crop keeps the PSF's energy up to `tolerance`
 * of what the Airy pattern keeps in the same crop (energy_k ≥ airy_k − tolerance), or null if none.
 */
export function fittingZernikeSize(coefficients: ArrayLike<number>, minSize: number, maxSize: number, tolerance = 0.02, opts: OpticsOptions = {}): number | null {
  for (let k = minSize | 1; k <= maxSize; k += 2) {
    if (zernikePsf(coefficients, k, opts).energy >= airyEnergy(k, opts) - tolerance) return k;
  }
  return null;
}
