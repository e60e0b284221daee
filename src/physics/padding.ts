/**
 * Boundary extension of a plane (and its adjoint), the building block that turns every blur mode
 * into a 'valid' convolution on an enlarged canvas.
 *
 * Padding with (top, bottom, left, right) rows/columns gives P x of size (H+top+bottom)×(W+left+right):
 *
 *     (P x)[r, c] = x[s_H(r − top), s_W(c − left)]   (0 when s returns "none")
 *
 * where the source index s_n(m) for m outside [0, n) is
 * - `zero`:      none (the sample is 0);
 * - `replicate`: clamp(m, 0, n−1)                       … a a | a b c d | d d …
 * - `reflect`:   mirror without repeating the edge      … c b | a b c d | c b …  (period 2n−2, as numpy/torch 'reflect')
 * - `circular`:  m mod n                                … c d | a b c d | a b …
 *
 * P is linear; its adjoint Pᵀ sums every padded sample back onto its source:
 * (Pᵀ y)[i, j] = Σ_{r, c : s(r)=i, s(c)=j} y[r, c].
 */
import type { Plane } from './plane.js';

/** The source-index rule s(·) of the padding P (module comment). */
export type PadBoundary = 'zero' | 'replicate' | 'reflect' | 'circular';

/** Rows and columns added on each side. */
export interface Pads {
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
}

/** The source index s_n(m) of padded position m (see the file comment), or −1 for a zero sample. */
export function sourceIndex(m: number, n: number, boundary: PadBoundary): number {
  if (m >= 0 && m < n) return m;
  switch (boundary) {
    case 'zero':
      return -1;
    case 'replicate':
      return m < 0 ? 0 : n - 1;
    case 'circular':
      return ((m % n) + n) % n;
    case 'reflect': {
      if (n === 1) return 0;
      const period = 2 * n - 2;
      const r = ((m % period) + period) % period;
      return r < n ? r : period - r;
    }
  }
}

function indexMap(before: number, n: number, after: number, boundary: PadBoundary): Int32Array {
  const map = new Int32Array(before + n + after);
  for (let m = 0; m < map.length; m++) map[m] = sourceIndex(m - before, n, boundary);
  return map;
}

/** P x: the plane extended by `pads` with the given boundary rule. */
export function padPlane(x: Plane, pads: Pads, boundary: PadBoundary): Plane {
  const rows = indexMap(pads.top, x.height, pads.bottom, boundary);
  const cols = indexMap(pads.left, x.width, pads.right, boundary);
  const width = cols.length, height = rows.length;
  const out = new Float32Array(width * height);
  for (let r = 0; r < height; r++) {
    const sr = rows[r];
    if (sr < 0) continue;
    const src = sr * x.width, dst = r * width;
    for (let c = 0; c < width; c++) {
      const sc = cols[c];
      if (sc >= 0) out[dst + c] = x.data[src + sc];
    }
  }
  return { width, height, data: out };
}

/** Pᵀ y: folds a padded plane back onto the width×height original (adjoint of {@link padPlane}). */
export function padPlaneAdjoint(y: Plane, pads: Pads, boundary: PadBoundary, width: number, height: number): Plane {
  if (y.width !== width + pads.left + pads.right || y.height !== height + pads.top + pads.bottom) {
    throw new RangeError(`padPlaneAdjoint: ${y.width}×${y.height} is not ${width}×${height} plus the pads`);
  }
  const rows = indexMap(pads.top, height, pads.bottom, boundary);
  const cols = indexMap(pads.left, width, pads.right, boundary);
  const acc = new Float64Array(width * height);
  for (let r = 0; r < y.height; r++) {
    const sr = rows[r];
    if (sr < 0) continue;
    for (let c = 0; c < y.width; c++) {
      const sc = cols[c];
      if (sc >= 0) acc[sr * width + sc] += y.data[r * y.width + c];
    }
  }
  return { width, height, data: Float32Array.from(acc) };
}
