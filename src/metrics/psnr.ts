/**
 * Peak signal-to-noise ratio between two images of the same shape, over every sample (all channels).
 */
import { SdiError } from '../errors.js';
import type { Image } from '../image/image.js';

/** Throws a one-line {@link SdiError} unless `a` and `b` have the same width, height and channels. */
export function assertSameShape(a: Image, b: Image, what = 'images'): void {
  if (a.width !== b.width || a.height !== b.height || a.channels !== b.channels) {
    throw new SdiError(`${what} differ in shape: ${a.width}×${a.height}×${a.channels} vs ${b.width}×${b.height}×${b.channels}`);
  }
}

/** Sum of squared differences Σ_i (a_i − b_i)² over two equally long arrays (float64 accumulation). */
export function sumSquaredError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`sumSquaredError: length ${a.length} vs ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    s += d * d;
  }
  return s;
}

/** Mean squared error MSE = (1/N) Σ_i (a_i − b_i)² over all N samples of two same-shaped images. */
export function mse(a: Image, b: Image): number {
  assertSameShape(a, b);
  return sumSquaredError(a.data, b.data) / a.data.length;
}

/** PSNR from a mean squared error: 10·log10(peak² / MSE) dB; +Infinity when MSE = 0. */
export function psnrFromMse(meanSquaredError: number, peak = 1): number {
  if (meanSquaredError === 0) return Infinity;
  return 10 * Math.log10((peak * peak) / meanSquaredError);
}

/**
 * Peak signal-to-noise ratio PSNR = 10·log10(peak² / MSE(a, b)) in dB, over every sample of two
 * same-shaped images (colour images: all channels together). `peak` is 1 for [0, 1] images.
 * Identical images give +Infinity. No alignment or border crop: see `scoreLevin` for the benchmark protocol.
 */
export function psnr(a: Image, b: Image, peak = 1): number {
  return psnrFromMse(mse(a, b), peak);
}
