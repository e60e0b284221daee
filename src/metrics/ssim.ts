/**
 * Structural similarity (SSIM) of Wang, Bovik, Sheikh & Simoncelli, "Image quality assessment: from
 * error visibility to structural similarity", IEEE TIP 2004, exactly as their reference `ssim_index.m`:
 * an 11×11 Gaussian window (σ = 1.5, normalised to sum 1), K1 = 0.01, K2 = 0.03, dynamic range L = 1,
 * population (not sample) statistics, and the mean of the SSIM map over the 'valid' positions only
 * (windows that lie fully inside the image, so the map is (H−10)×(W−10) and no border padding is
 * involved). This equals scikit-image's `structural_similarity(a, b, gaussian_weights=True, sigma=1.5,
 * use_sample_covariance=False, data_range=1)`, which crops the same 5-pixel border from its map.
 */
import { SdiError } from '../errors.js';
import { toLuminance, type Image } from '../image/image.js';

/** Side of the SSIM window (11) and its Gaussian σ (1.5), from Wang et al. 2004. */
export const SSIM_WINDOW_SIZE = 11;
export const SSIM_SIGMA = 1.5;
/** Stabilising constants C1 = (K1·L)², C2 = (K2·L)² with K1 = 0.01, K2 = 0.03, L = 1. */
export const SSIM_C1 = 0.01 ** 2;
export const SSIM_C2 = 0.03 ** 2;

/** The 1-D normalised Gaussian g[t] ∝ exp(−t²/(2σ²)), t = −5…5; the 2-D window is g ⊗ g. */
export function ssimGaussian1d(size = SSIM_WINDOW_SIZE, sigma = SSIM_SIGMA): Float64Array {
  const g = new Float64Array(size);
  const r = (size - 1) / 2;
  let s = 0;
  for (let t = 0; t < size; t++) {
    g[t] = Math.exp(-((t - r) ** 2) / (2 * sigma * sigma));
    s += g[t];
  }
  for (let t = 0; t < size; t++) g[t] /= s;
  return g;
}

/** 'Valid' separable filtering of a rows×cols plane with g ⊗ g: output (rows−n+1)×(cols−n+1). */
function filterValid(src: Float64Array, rows: number, cols: number, g: Float64Array): Float64Array {
  const n = g.length, oc = cols - n + 1, or = rows - n + 1;
  const tmp = new Float64Array(rows * oc);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < oc; c++) {
      let acc = 0;
      for (let t = 0; t < n; t++) acc += g[t] * src[base + c + t];
      tmp[r * oc + c] = acc;
    }
  }
  const out = new Float64Array(or * oc);
  for (let r = 0; r < or; r++) {
    for (let t = 0; t < n; t++) {
      const w = g[t], base = (r + t) * oc;
      for (let c = 0; c < oc; c++) out[r * oc + c] += w * tmp[base + c];
    }
  }
  return out;
}

/**
 * Mean SSIM of two gray planes (row-major, rows×cols, values on [0, 1]):
 *
 *     SSIM(x, y) = mean over valid windows of  (2 μx μy + C1)(2 σxy + C2) / ((μx² + μy² + C1)(σx² + σy² + C2)),
 *
 * with μ, σ², σxy the Gaussian-weighted local means, variances and covariance.
 * Throws a one-line {@link SdiError} when the planes are smaller than the 11×11 window.
 */
export function ssimPlane(a: ArrayLike<number>, b: ArrayLike<number>, cols: number, rows: number): number {
  const n = SSIM_WINDOW_SIZE;
  if (rows < n || cols < n) throw new SdiError(`SSIM needs images of at least ${n}×${n} pixels, got ${cols}×${rows}`);
  if (a.length !== rows * cols || b.length !== rows * cols) throw new RangeError('ssimPlane: size mismatch');
  const g = ssimGaussian1d();
  const N = rows * cols;
  const x = Float64Array.from(a), y = Float64Array.from(b);
  const xx = new Float64Array(N), yy = new Float64Array(N), xy = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    xx[i] = x[i] * x[i];
    yy[i] = y[i] * y[i];
    xy[i] = x[i] * y[i];
  }
  const mx = filterValid(x, rows, cols, g), my = filterValid(y, rows, cols, g);
  const sxx = filterValid(xx, rows, cols, g), syy = filterValid(yy, rows, cols, g), sxy = filterValid(xy, rows, cols, g);
  let total = 0;
  for (let i = 0; i < mx.length; i++) {
    const ux = mx[i], uy = my[i];
    const vx = sxx[i] - ux * ux, vy = syy[i] - uy * uy, cxy = sxy[i] - ux * uy;
    total += ((2 * ux * uy + SSIM_C1) * (2 * cxy + SSIM_C2)) / ((ux * ux + uy * uy + SSIM_C1) * (vx + vy + SSIM_C2));
  }
  return total / mx.length;
}

/**
 * Mean SSIM (Wang et al. 2004, see the module comment) of two images of the same width and height,
 * computed on their luminance (Y = 0.299 R + 0.587 G + 0.114 B for colour; gray images as they are),
 * with dynamic range 1. Identical images give exactly 1.
 */
export function ssim(a: Image, b: Image): number {
  if (a.width !== b.width || a.height !== b.height) {
    throw new SdiError(`SSIM: images differ in size: ${a.width}×${a.height} vs ${b.width}×${b.height}`);
  }
  return ssimPlane(toLuminance(a).data, toLuminance(b).data, a.width, a.height);
}
