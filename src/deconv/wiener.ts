/**
 * Wiener deconvolution with a known kernel: the simple, fast, non-iterative baseline.
 */
import { SdiError } from '../errors.js';
import type { Image } from '../image/image.js';
import { fft2d, psf2otf } from '../math/fft.js';
import type { Kernel } from '../physics/kernel.js';
import { cropPlane, padPlane } from './boundary.js';
import { checkDeconvolutionInputs, clampToUnit, perChannel } from './common.js';

/** Options of {@link deconvolveWiener}. */
export interface WienerOptions {
  /** Noise-to-signal power ratio (constant over frequencies), default 0.01. Larger = smoother. */
  nsr?: number;
}

/** Default noise-to-signal ratio (best or near-best on the captured Levin photos; 1 % noise prefers ~0.02–0.04). */
export const DEFAULT_WIENER_NSR = 0.01;

/** Wiener filter of one gray plane: X = conj(K)·Y / (|K|² + nsr) on the padded canvas, cropped back. */
export function wienerPlane(plane: ArrayLike<number>, width: number, height: number, kernel: Kernel, nsr: number): Float64Array {
  const pad = padPlane(plane, width, height, Math.max(kernel.width, kernel.height));
  const { rows, cols } = pad;
  const otf = psf2otf(kernel, rows, cols);
  const re = pad.data, im = new Float64Array(rows * cols);
  fft2d(re, im, rows, cols);
  for (let i = 0; i < re.length; i++) {
    const kr = otf.re[i], ki = otf.im[i];
    const d = kr * kr + ki * ki + nsr;
    const yr = re[i], yi = im[i];
    re[i] = (kr * yr + ki * yi) / d; // conj(K)·Y = (kr − i ki)(yr + i yi)
    im[i] = (kr * yi - ki * yr) / d;
  }
  fft2d(re, im, rows, cols, true);
  return cropPlane(re, cols, width, height);
}

/**
 * Non-blind Wiener deconvolution with a constant noise-to-signal ratio:
 *
 *     x = F⁻¹[ conj(K)·Y / (|K|² + nsr) ],   K = F(k) (psf2otf, PSF convention of physics/kernel.ts).
 *
 * Colour images are deconvolved per channel (alpha copied). The kernel is normalised to Σk = 1. Borders:
 * the image is embedded in a smooth periodic canvas (deconv/boundary.ts) and cropped back, so there is
 * no wrap-around ringing. The result is clamped to [0, 1]. Throws one-line SdiErrors on bad input.
 */
export function deconvolveWiener(blurred: Image, kernel: Kernel, opts: { nsr?: number } = {}): Image {
  const k = checkDeconvolutionInputs(blurred, kernel);
  const nsr = opts.nsr ?? DEFAULT_WIENER_NSR;
  if (!(nsr >= 0) || !Number.isFinite(nsr)) throw new SdiError(`Wiener nsr must be a finite number ≥ 0, got ${nsr}`);
  return perChannel(blurred, (plane, w, h) => clampToUnit(wienerPlane(plane, w, h, k, nsr)));
}
