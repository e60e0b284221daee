/**
 * Non-blind deconvolution with a total-variation / hyper-Laplacian gradient prior, solved by
 * half-quadratic splitting (Wang, Yang, Yin & Zhang 2008 for TV; Krishnan & Fergus, NIPS 2009):
 *
 *     x* = argmin_x ½‖M(k ∗ x − y)‖² + λ Σ_i ρ_α(∇x_i),
 *
 *     ρ_1(g) = ‖g‖₂ (isotropic TV, α = 1, the default),  ρ_α(g) = |g_h|^α + |g_v|^α (α < 1),
 *
 * with forward differences ∇ = (∂h, ∂v). Splitting w ≈ ∇x with a penalty (β/2)‖∇x − w‖², β growing
 * geometrically from λ to 256·λ over `iterations` steps (continuation), each step does
 *
 *     w ← shrink_{λ,α,β}(∇x)                                              (shrinkage.ts)
 *     x ← approx. solution of (Kᵀ M K + β DᵀD) x = Kᵀ M y + β Dᵀ w        (3 PCG iterations, warm start)
 *
 * Borders (real photos must not ring): x lives on a larger periodic canvas (boundary.ts: the image at
 * the top-left, a smooth mirrored band around it, power-of-two size) and the data term only covers
 * the observed pixels (mask M), so the content beyond the borders is *estimated*, as in Almeida &
 * Figueiredo, "Deconvolving images with unknown boundaries" (IEEE TIP 2013); the result is cropped
 * back. Because of M the x-step is not diagonal in Fourier; it is solved by conjugate gradients
 * preconditioned with the circulant C = KᵀK + βDᵀD (exact when M = I), entirely in the Fourier
 * domain except for the mask: each CG iteration costs two FFTs (K p and p come out of one packed
 * inverse FFT, F(M K p) is one forward FFT). Plain alternation (refreshing the blurred estimate
 * outside the mask once per step) converges far more slowly at the borders.
 */
import { SdiError } from '../errors.js';
import type { Image } from '../image/image.js';
import { fft2d, psf2otf, type Spectrum } from '../math/fft.js';
import type { Kernel } from '../physics/kernel.js';
import { cropPlane, padPlane } from './boundary.js';
import { checkDeconvolutionInputs, clampToUnit, perChannel } from './common.js';
import { estimateNoiseSigma } from './noise.js';
import { hyperLaplacianShrinkage, isotropicShrinkage } from './shrinkage.js';

/** Options of {@link deconvolveHqs}. */
export interface HqsOptions {
  /** Prior weight λ; larger = smoother. Default: automatic, λ = c·σ̂ from the noise estimate (see {@link autoHqsLambda}). */
  lambda?: number;
  /** The slope c of the automatic λ = c·σ̂ (ignored when `lambda` is given). Default {@link HQS_LAMBDA_PER_SIGMA} (0.1, for a known PSF). */
  lambdaPerSigma?: number;
  /** Exponent α ∈ (0, 1]: 1 = isotropic TV (default), < 1 = anisotropic hyper-Laplacian (Krishnan & Fergus use 2/3). */
  alpha?: number;
  /** Number of β continuation steps (default 12), each one w-update and CG_STEPS conjugate-gradient iterations. */
  iterations?: number;
}

/** Defaults of {@link HqsOptions} (λ is automatic: {@link autoHqsLambda}). */
export const HQS_DEFAULTS = { alpha: 1, iterations: 12 } as const;

/** The slope c of the default prior weight λ = c·σ̂ ({@link autoHqsLambda}) for a known PSF. */
export const HQS_LAMBDA_PER_SIGMA = 0.1;

/**
 * The slope c for a kernel estimated by a short blind run or a baseline: its errors act like extra
 * noise, which a weaker prior amplifies (Levin motion, the `lean` run's kernels restored with c = 0.2
 * and 0.1: the first 17 images lose 0.0–1.5 dB, 0.41 dB on average, at 0.1). The weight used everywhere up to 2026-11-29.
 */
export const BLIND_HQS_LAMBDA_PER_SIGMA = 0.2;

/**
 * The smallest automatic prior weight. It matters only for nearly noiseless inputs: an 8-bit photo
 * without added noise has σ̂ ≈ 1e-3 (its quantisation, 1/255/√12 ≈ 1.1e-3), so c·σ̂ ≈ 1e-4.
 * Measured 2026-11-29 on the noiseless FFHQ faces (bench set ffhq-motion-noiseless, σ̂ 0.6–1.5e-3,
 * aligned PSNR): true kernels, 3 images, λ = 2e-4 / 1e-4 / 5e-5 / 2e-5: 34.68 / 36.18 / 37.62 / 39.02 dB;
 * the `thorough` run's kernels, 3 images: 32.08 / 32.33 / 32.33 / 32.01. Until 2026-11-29 the floor was
 * 2e-4, which held every noiseless photo at 2e-4. Inputs with σ̂ ≥ 2e-3 (every other bench set: Levin
 * motion's photos σ̂ ≈ 2.9e-3, the σ = 0.01 sets ≈ 1e-2) never reach it.
 */
export const HQS_LAMBDA_MIN = 2e-5;

/** The largest automatic prior weight (σ̂ = 0.1 at c = 0.2; heavier noise than that is not deblurring's business). */
export const HQS_LAMBDA_MAX = 2e-2;

/**
 * The default prior weight for a plane with estimated noise σ̂ (noise.ts): λ = c·σ̂ with, by default,
 * c = {@link HQS_LAMBDA_PER_SIGMA} = 0.1, kept within [{@link HQS_LAMBDA_MIN}, {@link HQS_LAMBDA_MAX}] = [2e-5, 2e-2].
 * Empirical (2026-11-29, HQS with the
 * kernels of the benchmark sets' best blind runs, aligned PSNR mean over each set for c = 0.2 / 0.14 /
 * 0.1 / 0.07): FFHQ motion (σ = 0.01, 9 images) 29.44 / 29.73 / 29.91 / 29.94 dB, Levin motion (the
 * benchmark's blurred photos, σ̂ ≈ 0.003, 32) 33.72 / 33.78 / 33.70 / 33.49, Levin aberration (σ = 0.01,
 * 32) 28.97 / 29.08 / 29.04 / 28.82. With true kernels the best λ varies per image, from below 0.1σ̂ to
 * about 0.25σ̂ (11 images of the three sets, luminance). Until 2026-11-29 c was 0.2, tuned with true
 * kernels on the Levin images blurred by the 8 Levin kernels alone.
 */
export function autoHqsLambda(sigma: number, lambdaPerSigma: number = HQS_LAMBDA_PER_SIGMA): number {
  return Math.min(HQS_LAMBDA_MAX, Math.max(HQS_LAMBDA_MIN, lambdaPerSigma * sigma));
}

/** β schedule: β_i = λ·BETA_START·(BETA_END/BETA_START)^{i/(n−1)} (Krishnan & Fergus's 1 → 256, in units of λ). */
const BETA_START = 1;
const BETA_END = 256;
/** Conjugate-gradient iterations per β step. */
const CG_STEPS = 3;

/** A complex array as two float64 planes. */
interface Complex {
  re: Float64Array;
  im: Float64Array;
}

function complex(n: number): Complex {
  return { re: new Float64Array(n), im: new Float64Array(n) };
}

/** |Dh|² + |Dv|² of the circular forward differences on a rows×cols grid: (2 − 2cos 2πv/cols) + (2 − 2cos 2πu/rows). */
function gradientPower(rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let u = 0; u < rows; u++) {
    const gv = 2 - 2 * Math.cos((2 * Math.PI * u) / rows);
    for (let v = 0; v < cols; v++) out[u * cols + v] = gv + 2 - 2 * Math.cos((2 * Math.PI * v) / cols);
  }
  return out;
}

/** Circular forward differences: gh[r, c] = x[r, c+1] − x[r, c], gv[r, c] = x[r+1, c] − x[r, c]. */
function gradients(x: Float64Array, rows: number, cols: number, gh: Float64Array, gv: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols, down = ((r + 1) % rows) * cols;
    for (let c = 0; c < cols - 1; c++) gh[o + c] = x[o + c + 1] - x[o + c];
    gh[o + cols - 1] = x[o] - x[o + cols - 1];
    for (let c = 0; c < cols; c++) gv[o + c] = x[down + c] - x[o + c];
  }
}

/** Adjoint of `gradients`, summed: out = Dhᵀ gh + Dvᵀ gv, (Dhᵀ g)[r, c] = g[r, c−1] − g[r, c]. */
function gradientAdjoint(gh: Float64Array, gv: Float64Array, rows: number, cols: number, out: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols, up = ((r - 1 + rows) % rows) * cols;
    out[o] = gh[o + cols - 1] - gh[o] + gv[up] - gv[o];
    for (let c = 1; c < cols; c++) out[o + c] = gh[o + c - 1] - gh[o + c] + gv[up + c] - gv[o + c];
  }
}

/** w = shrink(∇x) (shrinkage.ts), returned as Dᵀw in `out`. */
function shrunkGradientAdjoint(x: Float64Array, rows: number, cols: number, lambda: number, alpha: number, beta: number, gh: Float64Array, gv: Float64Array, out: Float64Array): void {
  gradients(x, rows, cols, gh, gv);
  if (alpha === 1) isotropicShrinkage(gh, gv, lambda / beta);
  else {
    const shrink = hyperLaplacianShrinkage(lambda, alpha, beta);
    shrink.apply(gh);
    shrink.apply(gv);
  }
  gradientAdjoint(gh, gv, rows, cols, out);
}

/**
 * The masked blur operator in the Fourier domain, on a rows×cols canvas whose observed part (mask M)
 * is the top-left height×width block.
 */
class MaskedBlur {
  private readonly work: Complex;
  /** p in space, filled by `normal` as a by-product. */
  readonly spatial: Float64Array;
  constructor(readonly otf: Spectrum, readonly rows: number, readonly cols: number, readonly height: number, readonly width: number) {
    this.work = complex(rows * cols);
    this.spatial = new Float64Array(rows * cols);
  }

  /** out = conj(K)·F(M·v) for a real spatial v. */
  adjointOfMasked(v: Float64Array, out: Complex): void {
    this.work.re.set(v);
    this.maskWork();
    fft2d(this.work.re, this.work.im, this.rows, this.cols);
    this.conjTimesK(out);
  }

  /**
   * out = conj(K)·F(M·F⁻¹(K·P)) = F(Kᵀ M K p) for a Hermitian spectrum P; also leaves p = F⁻¹(P) in
   * `spatial`. One packed inverse FFT gives K p + i·p (both real), one forward FFT gives F(M K p).
   */
  normal(P: Complex, out: Complex): void {
    const { re, im } = this.work;
    const Kr = this.otf.re, Ki = this.otf.im, pr = P.re, pi = P.im;
    for (let i = 0; i < re.length; i++) {
      re[i] = Kr[i] * pr[i] - Ki[i] * pi[i] - pi[i];
      im[i] = Kr[i] * pi[i] + Ki[i] * pr[i] + pr[i];
    }
    fft2d(re, im, this.rows, this.cols, true);
    this.spatial.set(im);
    this.maskWork();
    fft2d(re, im, this.rows, this.cols);
    this.conjTimesK(out);
  }

  /** work ← (M·Re work, 0): zero outside the observed block and the whole imaginary plane. */
  private maskWork(): void {
    const { re, im } = this.work;
    const { rows, cols, height, width } = this;
    for (let r = 0; r < height; r++) re.fill(0, r * cols + width, (r + 1) * cols);
    re.fill(0, height * cols, rows * cols);
    im.fill(0);
  }

  private conjTimesK(out: Complex): void {
    const { re, im } = this.work;
    const Kr = this.otf.re, Ki = this.otf.im, or = out.re, oi = out.im;
    for (let i = 0; i < re.length; i++) {
      or[i] = Kr[i] * re[i] + Ki[i] * im[i];
      oi[i] = Kr[i] * im[i] - Ki[i] * re[i];
    }
  }
}

/** r = F(KᵀMy) + β(G − |D|²X) − S: the x-step residual at the current x (X = F(x), S = F(KᵀMKx), G = F(Dᵀw)). */
function residual(r: Complex, kty: Complex, G: Complex, S: Complex, X: Complex, d2: Float64Array, beta: number): void {
  const rr = r.re, ri = r.im, br = kty.re, bi = kty.im, gr = G.re, gi = G.im, sr = S.re, si = S.im, xr = X.re, xi = X.im;
  for (let i = 0; i < rr.length; i++) {
    rr[i] = br[i] + beta * (gr[i] - d2[i] * xr[i]) - sr[i];
    ri[i] = bi[i] + beta * (gi[i] - d2[i] * xi[i]) - si[i];
  }
}

/** z = r / (|K|² + β|D|²) (the circulant preconditioner); returns ρ = Re Σ r·conj(z). */
function precondition(z: Complex, r: Complex, k2: Float64Array, d2: Float64Array, beta: number): number {
  const zr = z.re, zi = z.im, rr = r.re, ri = r.im;
  let rho = 0;
  for (let i = 0; i < zr.length; i++) {
    const c = k2[i] + beta * d2[i];
    const a = rr[i] / c, b = ri[i] / c;
    zr[i] = a;
    zi[i] = b;
    rho += rr[i] * a + ri[i] * b;
  }
  return rho;
}

/** p = z + g·p. */
function updateDirection(p: Complex, z: Complex, g: number): void {
  const pr = p.re, pi = p.im, zr = z.re, zi = z.im;
  for (let i = 0; i < pr.length; i++) {
    pr[i] = zr[i] + g * pr[i];
    pi[i] = zi[i] + g * pi[i];
  }
}

/** q = F(KᵀMKp) + β|D|²P; returns Re Σ p·conj(q) (= N·pᵀAp). */
function applyPrior(q: Complex, kp: Complex, p: Complex, d2: Float64Array, beta: number): number {
  const qr = q.re, qi = q.im, kr = kp.re, ki = kp.im, pr = p.re, pi = p.im;
  let pq = 0;
  for (let i = 0; i < qr.length; i++) {
    const a = kr[i] + beta * d2[i] * pr[i], b = ki[i] + beta * d2[i] * pi[i];
    qr[i] = a;
    qi[i] = b;
    pq += pr[i] * a + pi[i] * b;
  }
  return pq;
}

/** The CG step of length a: X += a·P, S += a·F(KᵀMKp), r −= a·q, x += a·p (space). */
function step(a: number, X: Complex, S: Complex, r: Complex, p: Complex, kp: Complex, q: Complex, x: Float64Array, pSpatial: Float64Array): void {
  const xr = X.re, xi = X.im, sr = S.re, si = S.im, rr = r.re, ri = r.im, pr = p.re, pi = p.im, kr = kp.re, ki = kp.im, qr = q.re, qi = q.im;
  for (let i = 0; i < xr.length; i++) {
    xr[i] += a * pr[i];
    xi[i] += a * pi[i];
    sr[i] += a * kr[i];
    si[i] += a * ki[i];
    rr[i] -= a * qr[i];
    ri[i] -= a * qi[i];
    x[i] += a * pSpatial[i];
  }
}

/**
 * HQS on a padded rows×cols canvas whose top-left height×width block holds the observed blurred image
 * (the rest of `y` is only the starting guess for x). State kept across steps: x (space), X = F(x),
 * S = F(KᵀMKx); per step, the residual r = KᵀMy + βDᵀw − S − βDᵀD x seeds CG_STEPS preconditioned
 * conjugate-gradient iterations that update x, X and S together. Returns x on the canvas.
 */
export function hqsCanvas(y: Float64Array, rows: number, cols: number, height: number, width: number, otf: Spectrum, lambda: number, alpha: number, iterations: number): Float64Array {
  const n = rows * cols;
  const op = new MaskedBlur(otf, rows, cols, height, width);
  const k2 = new Float64Array(n);
  for (let i = 0; i < n; i++) k2[i] = otf.re[i] * otf.re[i] + otf.im[i] * otf.im[i];
  const d2 = gradientPower(rows, cols);
  const kty = complex(n);
  op.adjointOfMasked(y, kty); // F(KᵀMy)
  const x = y.slice();
  const X: Complex = { re: y.slice(), im: new Float64Array(n) };
  fft2d(X.re, X.im, rows, cols);
  const S = complex(n);
  op.normal(X, S); // F(KᵀMKx)
  const gh = new Float64Array(n), gv = new Float64Array(n), div = new Float64Array(n);
  const G = complex(n), r = complex(n), p = complex(n), kp = complex(n);
  const z = complex(n), q = z; // z (preconditioned residual) is dead once p is updated: q reuses it
  const ratio = iterations > 1 ? Math.pow(BETA_END / BETA_START, 1 / (iterations - 1)) : 1;
  let beta = lambda * BETA_START;
  for (let it = 0; it < iterations; it++, beta *= ratio) {
    shrunkGradientAdjoint(x, rows, cols, lambda, alpha, beta, gh, gv, div);
    G.re.set(div);
    G.im.fill(0);
    fft2d(G.re, G.im, rows, cols);
    residual(r, kty, G, S, X, d2, beta);
    let rhoOld = 0;
    for (let j = 0; j < CG_STEPS; j++) {
      const rho = precondition(z, r, k2, d2, beta);
      if (!(rho > 0)) break; // converged (or nothing to do)
      updateDirection(p, z, j === 0 ? 0 : rho / rhoOld);
      rhoOld = rho;
      op.normal(p, kp); // F(KᵀMKp), and p in space (op.spatial)
      step(rho / applyPrior(q, kp, p, d2, beta), X, S, r, p, kp, q, x, op.spatial);
    }
  }
  return x;
}

/** HQS deconvolution of one gray plane: pad (boundary.ts), solve with the border mask, crop. */
export function hqsPlane(plane: ArrayLike<number>, width: number, height: number, kernel: Kernel, lambda: number, alpha: number, iterations: number): Float64Array {
  const pad = padPlane(plane, width, height, Math.max(kernel.width, kernel.height));
  const otf = psf2otf(kernel, pad.rows, pad.cols);
  const x = hqsCanvas(pad.data, pad.rows, pad.cols, height, width, otf, lambda, alpha, iterations);
  return cropPlane(x, pad.cols, width, height);
}

function checkHqsOptions(opts: HqsOptions) {
  const lambda = opts.lambda;
  const lambdaPerSigma = opts.lambdaPerSigma ?? HQS_LAMBDA_PER_SIGMA;
  const alpha = opts.alpha ?? HQS_DEFAULTS.alpha;
  const iterations = opts.iterations ?? HQS_DEFAULTS.iterations;
  if (lambda !== undefined && (!(lambda > 0) || !Number.isFinite(lambda))) throw new SdiError(`HQS lambda must be a finite number > 0, got ${lambda}`);
  if (!(lambdaPerSigma > 0) || !Number.isFinite(lambdaPerSigma)) throw new SdiError(`HQS lambdaPerSigma must be a finite number > 0, got ${lambdaPerSigma}`);
  if (!(alpha > 0 && alpha <= 1)) throw new SdiError(`HQS alpha must be in (0, 1], got ${alpha}`);
  if (!Number.isInteger(iterations) || iterations < 1) throw new SdiError(`HQS iterations must be an integer ≥ 1, got ${iterations}`);
  return { lambda, lambdaPerSigma, alpha, iterations };
}

/**
 * Non-blind deconvolution by half-quadratic splitting with an isotropic TV (α = 1) or hyper-Laplacian
 * (α < 1) gradient prior and unknown-boundary handling (module comment for the equations). Colour
 * images are solved per channel (alpha copied); the kernel is normalised to Σk = 1 (PSF convention of
 * physics/kernel.ts); λ defaults to {@link autoHqsLambda} of each channel's noise estimate (slope
 * `lambdaPerSigma`: 0.1 for a known PSF, {@link BLIND_HQS_LAMBDA_PER_SIGMA} for a rough estimate); the result
 * is clamped to [0, 1]. Cost: 7·iterations + 5 FFTs of the padded canvas per channel (512×512 for a
 * 255×255 image), i.e. 89 for the default 12 steps.
 * Bad input (NaN taps, kernel larger than the image, λ ≤ 0, …) throws a one-line SdiError.
 */
export function deconvolveHqs(blurred: Image, kernel: Kernel, opts: HqsOptions = {}): Image {
  const k = checkDeconvolutionInputs(blurred, kernel);
  const { lambda, lambdaPerSigma, alpha, iterations } = checkHqsOptions(opts);
  return perChannel(blurred, (plane, w, h) => {
    const lam = lambda ?? autoHqsLambda(estimateNoiseSigma(plane, w, h), lambdaPerSigma);
    return clampToUnit(hqsPlane(plane, w, h, k, lam, alpha, iterations));
  });
}
