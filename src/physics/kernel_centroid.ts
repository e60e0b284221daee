/**
 * Where a kernel's mass sits in its window.
 *
 *   c(k) = (Σ_ij k_ij · i, Σ_ij k_ij · j) / Σ_ij k_ij          (row, column; pixels from the top-left tap)
 *   d(k) = min(c_r, k_h − 1 − c_r, c_c, k_w − 1 − c_c)        (distance of c(k) from the nearest border)
 *
 * A blur kernel estimated in a window a little larger than the blur (the harness asks for the true size
 * + 2) has its centre of mass well inside: over the Levin motion and aberration and FFHQ kernels d ≥ 5.7 px.
 * A kernel whose centre of mass lies within a pixel of the border is a blob clipped by the window, the
 * shifted-kernel ambiguity's degenerate end (docs/results.md, "When the kernel sharpens").
 */
import type { Kernel } from './kernel.js';

/** Centre of mass c(k) = Σ k_ij (i, j) / Σ k_ij as [row, column] (blur kernels are non-negative); NaN unless Σ k_ij > 0. */
export function kernelCentroid(kernel: { width: number; height: number; data: ArrayLike<number> }): [number, number] {
  const { width: w, height: h, data } = kernel;
  let sum = 0, r = 0, c = 0;
  for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) {
    const v = data[i * w + j];
    sum += v;
    r += v * i;
    c += v * j;
  }
  return sum > 0 ? [r / sum, c / sum] : [NaN, NaN];
}

/** d(k): distance in pixels of the centre of mass from the window's nearest border (0 on the border). */
export function kernelEdgeDistance(kernel: Kernel): number {
  const [r, c] = kernelCentroid(kernel);
  return Math.min(r, kernel.height - 1 - r, c, kernel.width - 1 - c);
}
