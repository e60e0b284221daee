/**
 * Direct (spatial-domain) 'valid' convolution and its adjoint; exact, cost ∝ output size × number
 * of non-zero kernel taps, so it wins for small or sparse kernels. See `convolve.ts` for the
 * convention these implement.
 */
import type { Plane } from './plane.js';

/**
 * 'Valid' true convolution, output (H−kh+1)×(W−kw+1):
 *
 *     y[i, j] = Σ_{a<kh, b<kw} k[a, b] · x[i + kh−1−a, j + kw−1−b].
 *
 * Accumulated in float64 one kernel tap at a time (zero taps are skipped).
 */
export function convolveValidDirect(x: Plane, k: Plane): Plane {
  const oh = x.height - k.height + 1, ow = x.width - k.width + 1;
  const acc = new Float64Array(oh * ow);
  const xd = x.data, W = x.width;
  for (let a = 0; a < k.height; a++) {
    const dy = k.height - 1 - a;
    for (let b = 0; b < k.width; b++) {
      const w = k.data[a * k.width + b];
      if (w === 0) continue;
      const dx = k.width - 1 - b;
      for (let i = 0; i < oh; i++) {
        const src = (i + dy) * W + dx, dst = i * ow;
        for (let j = 0; j < ow; j++) acc[dst + j] += w * xd[src + j];
      }
    }
  }
  return { width: ow, height: oh, data: Float32Array.from(acc) };
}

/**
 * Adjoint of {@link convolveValidDirect} ("full" correlation), output (oh+kh−1)×(ow+kw−1):
 *
 *     x̂[p, q] = Σ_{a, b} k[a, b] · y[p − kh+1 + a, q − kw+1 + b]   (y = 0 outside its support).
 */
export function convolveValidAdjointDirect(y: Plane, k: Plane): Plane {
  const H = y.height + k.height - 1, W = y.width + k.width - 1;
  const acc = new Float64Array(H * W);
  const yd = y.data, ow = y.width;
  for (let a = 0; a < k.height; a++) {
    const dy = k.height - 1 - a;
    for (let b = 0; b < k.width; b++) {
      const w = k.data[a * k.width + b];
      if (w === 0) continue;
      const dx = k.width - 1 - b;
      for (let i = 0; i < y.height; i++) {
        const dst = (i + dy) * W + dx, src = i * ow;
        for (let j = 0; j < ow; j++) acc[dst + j] += w * yd[src + j];
      }
    }
  }
  return { width: W, height: H, data: Float32Array.from(acc) };
}

/** Number of non-zero taps (the direct path's cost per output sample). */
export function nonZeroTaps(k: Plane): number {
  let n = 0;
  for (const v of k.data) if (v !== 0) n++;
  return n;
}
