/**
 * Boundary handling for FFT (circular) deconvolution of real photographs.
 *
 * An FFT solve assumes the image is periodic; a real photo is not, so its opposite edges would be
 * treated as neighbours and the solve rings along the borders. We therefore embed the H×W image in a
 * larger rows×cols periodic canvas (powers of two, the fast FFT sizes, with at least `margin` extra
 * pixels per dimension, `margin` ≥ the kernel size) and fill the extra band so that the canvas is
 * continuous everywhere, including across the wrap-around:
 *
 *     image at [0, H)×[0, W);  for the L = cols − W padded columns t = 0…L−1 of each row,
 *     p[W + t] = s(t)·x[mirror(W + t)] + (1 − s(t))·x[mirror(−1 − (L − 1 − t))],
 *     s(t) = ½(1 + cos(π (t + ½) / L)),
 *
 * i.e. a raised-cosine cross-fade from the mirror image of the right edge (continuous with the last
 * column) to the mirror image of the left edge (continuous, across the wrap, with the first column).
 * The same is then done down the columns of the widened rows. Mirror = half-sample symmetric
 * reflection, repeated periodically for bands wider than the image. Near the image the band is
 * (almost) the plain mirror reflection, so the blurred data stay consistent within a kernel radius;
 * the deconvolved image is cropped back to [0, H)×[0, W) afterwards. This is a light version of
 * Liu & Jia's boundary wrapping ("Reducing boundary artifacts in image deconvolution", ICIP 2008).
 */
import { nextPow2 } from '../math/fft.js';

/** A padded plane: `data` is rows×cols, the original height×width image at its top-left. */
export interface PaddedPlane {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
  readonly height: number;
  readonly width: number;
}

/** Half-sample symmetric reflection of index i into [0, n): … 1 0 | 0 1 … n−1 | n−1 n−2 …, period 2n. */
export function mirrorIndex(i: number, n: number): number {
  const period = 2 * n;
  let j = i % period;
  if (j < 0) j += period;
  return j < n ? j : period - 1 - j;
}

/** FFT canvas size for one dimension: the power of two ≥ n + margin. */
export function paddedLength(n: number, margin: number): number {
  return nextPow2(n + Math.max(0, margin));
}

/** Extends a 1-D signal src[0..n) (read through `at`) to length total with the cross-faded mirror band. */
function extendLine(at: (i: number) => number, n: number, total: number, out: (i: number, v: number) => void): void {
  for (let i = 0; i < n; i++) out(i, at(i));
  const L = total - n;
  for (let t = 0; t < L; t++) {
    const s = 0.5 * (1 + Math.cos((Math.PI * (t + 0.5)) / L));
    const fromEnd = at(mirrorIndex(n + t, n));
    const fromStart = at(mirrorIndex(-1 - (L - 1 - t), n));
    out(n + t, s * fromEnd + (1 - s) * fromStart);
  }
}

/**
 * Embeds a height×width plane in a rows×cols periodic canvas (rows = 2^⌈log2(height + margin)⌉, same for
 * cols) with the smooth mirror band described in the module comment.
 */
export function padPlane(plane: ArrayLike<number>, width: number, height: number, margin: number): PaddedPlane {
  const rows = paddedLength(height, margin), cols = paddedLength(width, margin);
  const data = new Float64Array(rows * cols);
  for (let r = 0; r < height; r++) {
    extendLine((i) => plane[r * width + i], width, cols, (i, v) => { data[r * cols + i] = v; });
  }
  for (let c = 0; c < cols; c++) {
    extendLine((i) => data[i * cols + c], height, rows, (i, v) => { data[i * cols + c] = v; });
  }
  return { data, rows, cols, height, width };
}

/** The top-left height×width part of a rows×cols canvas (the inverse of `padPlane`'s embedding). */
export function cropPlane(canvas: ArrayLike<number>, cols: number, width: number, height: number): Float64Array {
  const out = new Float64Array(width * height);
  for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) out[r * width + c] = canvas[r * cols + c];
  return out;
}
