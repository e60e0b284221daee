/**
 * The latent-image step of the MAP blind deblurring methods (Pan et al. 2014/2016, Al Radi et al.
 * 2025): with the kernel k fixed,
 *
 *     x* = argmin_x ‖k ∗ x − y‖² + μ‖∇x‖₀ + λ·P(x),
 *
 * P one of: none; ‖x‖₀ (intensity, Pan et al. 2014); ‖D(x)‖₀ (dark channel, Pan et al. 2016,
 * dark_channel.ts); ‖RFT(x)‖₀ (FFT-ReLU, Al Radi et al. 2025, fft_relu_prior.ts). Solved by
 * half-quadratic splitting (Xu, Zheng & Jia 2013; Pan et al.): auxiliary g ≈ ∇x with penalty β and
 * u ≈ (the prior's argument) with penalty α, both doubled (κ = 2) from β = 2μ, α = 2λ until β ≥ βmax:
 *
 *     g = ∇x where |∇x|² ≥ μ/β, else 0            (joint over ∂h, ∂v, as Pan et al.)
 *     u = the prior's L0 proximal target           (see the prior modules)
 *     x = F⁻¹[ (conj(K)·Y + β F(∇ᵀg) + α F(Mᵀu)) / (|K|² + β(|F∂h|² + |F∂v|²) + α) ]
 *
 * (for FFT-ReLU the α-term acts on the even spectrum part only: fft_relu_prior.ts). The convolution
 * is circular on a canvas that already holds y periodically extended (deconv/boundary.ts), as Pan
 * et al. use Liu & Jia's boundary wrapping. Pan et al. nest an α-loop around the β-loop for the
 * dark channel; here both penalties grow together in one loop (≈ 24 solves instead of ≈ 24²,
 * the same end point), which keeps the methods at seconds per image.
 */
import { SdiError } from '../errors.js';
import type { Spectrum } from '../math/fft.js';
import { darkChannelTarget } from './dark_channel.js';
import { fftReluRightHandSide } from './fft_relu_prior.js';
import { circularGradientAdjoint, circularGradients, gradientPowerSpectrum } from './finite_differences.js';
import { RealFft2d } from '../math/real_fft2d.js';

/** The prior added to the L0 gradient prior. */
export type LatentPrior = 'none' | 'intensity' | 'dark-channel' | 'fft-relu';

/** Options of {@link l0ImageUpdate}. */
export interface L0ImageUpdateOptions {
  /** μ: weight of ‖∇x‖₀ (> 0). */
  gradientWeight: number;
  /** The extra prior P (default 'none'). */
  prior?: LatentPrior;
  /** λ: weight of P (≥ 0; 0 disables it). */
  priorWeight?: number;
  /** Dark-channel window (pixels, default 35 as Pan et al. 2016). */
  patchSize?: number;
  /** Penalty growth factor κ (default 2). */
  kappa?: number;
  /** Continuation ends when β ≥ βmax (default 1e5). */
  betaMax?: number;
}

/** Defaults of the image step: no extra prior, dark-channel patch 35, κ = 2, βmax = 1e5 (Pan et al.). */
export const L0_UPDATE_DEFAULTS = { prior: 'none' as LatentPrior, priorWeight: 0, patchSize: 35, kappa: 2, betaMax: 1e5 };

/** u for the intensity prior λ‖x‖₀: x where x² ≥ λ/α, else 0 (Pan et al. 2014). */
function intensityTarget(x: Float64Array, lambda: number, alpha: number): Float64Array {
  const t = lambda / alpha;
  return x.map((v) => (v * v < t ? 0 : v));
}

/** g = ∇x thresholded jointly at |∇x|² < μ/β, returned as β·∇ᵀg in `out`. */
function gradientTerm(x: Float64Array, rows: number, cols: number, mu: number, beta: number, gh: Float64Array, gv: Float64Array, out: Float64Array): void {
  circularGradients(x, rows, cols, gh, gv);
  const t = mu / beta;
  for (let i = 0; i < gh.length; i++) {
    if (gh[i] * gh[i] + gv[i] * gv[i] < t) {
      gh[i] = 0;
      gv[i] = 0;
    }
  }
  circularGradientAdjoint(gh, gv, rows, cols, out);
  for (let i = 0; i < out.length; i++) out[i] *= beta;
}

/**
 * Runs the half-quadratic splitting of the module comment on a rows×cols canvas `y` (periodically
 * extended blurred image) with the kernel's transfer function `otf` (psf2otf on the same grid).
 * Returns the latent image on the canvas.
 */
export function l0ImageUpdate(y: Float64Array, rows: number, cols: number, otf: Spectrum, options: L0ImageUpdateOptions): Float64Array {
  const mu = options.gradientWeight;
  const prior = options.prior ?? L0_UPDATE_DEFAULTS.prior;
  const lambda = options.priorWeight ?? L0_UPDATE_DEFAULTS.priorWeight;
  const patch = options.patchSize ?? L0_UPDATE_DEFAULTS.patchSize;
  const kappa = options.kappa ?? L0_UPDATE_DEFAULTS.kappa;
  const betaMax = options.betaMax ?? L0_UPDATE_DEFAULTS.betaMax;
  if (!(mu > 0) || !(lambda >= 0) || !(kappa > 1) || !(betaMax > 0)) throw new SdiError('L0 image update: need μ > 0, λ ≥ 0, κ > 1, βmax > 0');
  if (otf.rows !== rows || otf.cols !== cols || y.length !== rows * cols) throw new RangeError('l0ImageUpdate: size mismatch');
  const n = rows * cols;
  const usePrior = prior !== 'none' && lambda > 0;
  const fft = new RealFft2d(rows, cols);
  const Yre = new Float64Array(n), Yim = new Float64Array(n);
  fft.forward(y, Yre, Yim);
  const kyRe = new Float64Array(n), kyIm = new Float64Array(n), k2 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const kr = otf.re[i], ki = otf.im[i];
    kyRe[i] = kr * Yre[i] + ki * Yim[i]; // conj(K)·Y
    kyIm[i] = kr * Yim[i] - ki * Yre[i];
    k2[i] = kr * kr + ki * ki;
  }
  const d2 = gradientPowerSpectrum(rows, cols);
  const x = y.slice();
  const Xre = Yre.slice(); // spectrum of the current x (FFT-ReLU needs it)
  const gh = new Float64Array(n), gv = new Float64Array(n), rhs = new Float64Array(n), rhsIm = new Float64Array(n);
  let beta = 2 * mu;
  let alpha = 2 * Math.max(lambda, 1e-12);
  while (beta < betaMax) {
    gradientTerm(x, rows, cols, mu, beta, gh, gv, rhs);
    let identityWeight = 0;
    if (usePrior && (prior === 'intensity' || prior === 'dark-channel')) {
      const target = prior === 'intensity' ? intensityTarget(x, lambda, alpha) : darkChannelTarget(x, rows, cols, patch, lambda, alpha);
      for (let i = 0; i < n; i++) rhs[i] += alpha * target[i];
      identityWeight = alpha;
    }
    const reluRhs = usePrior && prior === 'fft-relu' ? fftReluRightHandSide(Xre, fft, lambda, alpha) : null;
    fft.forward(rhs, rhs, rhsIm);
    for (let i = 0; i < n; i++) {
      const a = k2[i] + beta * d2[i] + identityWeight;
      let re = kyRe[i] + rhs[i];
      const im = kyIm[i] + rhsIm[i];
      let aEven = a;
      if (reluRhs) {
        re += reluRhs[i];
        aEven += alpha / 4;
      }
      rhs[i] = re / aEven;
      rhsIm[i] = im / a;
    }
    Xre.set(rhs);
    fft.inverse(rhs, rhsIm, x);
    beta *= kappa;
    alpha *= kappa;
  }
  return x;
}
