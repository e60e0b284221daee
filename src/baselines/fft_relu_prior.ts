/**
 * The FFT-ReLU sparsity prior of Al Radi, Majumder & Khan, "Blind image deblurring with FFT-ReLU
 * sparsity prior" (WACV 2025), after Mao et al.'s observation (Res FFT-ReLU block, AAAI 2023) that a
 * ReLU applied in the frequency domain exposes the blur pattern:
 *
 *     RFT(x) = Re F⁻¹( ReLU(Re F x) + i·ReLU(Im F x) ) − x/2,      prior  λ‖RFT(x)‖₀.
 *
 * Since ReLU(a) = (a + |a|)/2 and, for a real x, |Re X| is even and |Im X| is even (so F⁻¹ of
 * i·|Im X| is purely imaginary), this is exactly
 *
 *     RFT(x) = ½ F⁻¹( |Re X| ),   X = F x,
 *
 * a piecewise-linear map: with the sign pattern s = sign(Re X) frozen at the current estimate,
 * RFT(x) = R_s x := ½ F⁻¹(s · Re F x). As Pan et al. do for the dark channel, the ‖·‖₀ term is solved
 * by half-quadratic splitting with u ≈ R_s x and penalty α:
 *
 *     u = RFT(x) where RFT(x)² ≥ λ/α, else 0,
 *
 * and the image update gains α‖R_s x − u‖². Because Re F x = F(E x) (E: even part, E x(n) =
 * (x(n) + x(−n))/2) and s² = 1, R_sᵀR_s = ¼E and F(R_sᵀu) = ½ s · Re U: the term adds α/4 to the
 * normal equations of the *even* (real) part of the spectrum only, and ½α s·Re U to its right-hand
 * side (l0_image_update.ts solves the two parts separately).
 */
import { fft2d } from '../math/fft.js';
import { RealFft2d } from '../math/real_fft2d.js';

/** RFT(x) = ½ F⁻¹(|Re X|) from the spectrum X of a real rows×cols plane (module comment). */
export function reluFourierTransformFromSpectrum(Xre: Float64Array, fft: RealFft2d): Float64Array {
  const re = new Float64Array(Xre.length), im = new Float64Array(Xre.length);
  for (let i = 0; i < re.length; i++) re[i] = 0.5 * Math.abs(Xre[i]);
  const out = new Float64Array(Xre.length);
  fft.inverse(re, im, out); // ½|Re X| is real and even: Hermitian
  return out;
}

/**
 * RFT(x) computed by its definition, Re F⁻¹(ReLU(Re F x) + i ReLU(Im F x)) − x/2 (the paper's
 * four steps); equal to {@link reluFourierTransformFromSpectrum} of F x.
 */
export function reluFourierTransform(x: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const re = Float64Array.from(x), im = new Float64Array(re.length);
  fft2d(re, im, rows, cols);
  for (let i = 0; i < re.length; i++) {
    re[i] = Math.max(0, re[i]);
    im[i] = Math.max(0, im[i]);
  }
  fft2d(re, im, rows, cols, true);
  for (let i = 0; i < re.length; i++) re[i] -= 0.5 * x[i];
  return re;
}

/**
 * The FFT-ReLU term's contribution to the image update's right-hand side in the Fourier domain,
 * F(α R_sᵀ u) = ½α · s · Re U, with u = RFT(x) hard-thresholded at u² < λ/α and s = sign(Re X).
 * Returns the real array ½α s Re U (its imaginary part is 0).
 */
export function fftReluRightHandSide(Xre: Float64Array, fft: RealFft2d, lambda: number, alpha: number): Float64Array {
  const u = reluFourierTransformFromSpectrum(Xre, fft);
  const t = lambda / alpha;
  for (let i = 0; i < u.length; i++) if (u[i] * u[i] < t) u[i] = 0;
  const im = new Float64Array(u.length);
  fft.forward(u, u, im);
  for (let i = 0; i < u.length; i++) {
    const s = Xre[i] > 0 ? 1 : Xre[i] < 0 ? -1 : 0;
    u[i] = 0.5 * alpha * s * u[i];
  }
  return u;
}
