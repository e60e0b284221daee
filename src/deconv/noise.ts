/**
 * Noise level estimation for choosing the regularisation weight of non-blind deconvolution.
 */

/**
 * Robust estimate of the standard deviation σ of additive white Gaussian noise in a gray plane, from
 * the finest diagonal Haar wavelet band (Donoho & Johnstone 1994):
 *
 *     HH = (a − b − c + d) / 2 over non-overlapping 2×2 blocks [a b; c d],   σ̂ = median |HH| / 0.6745.
 *
 * HH has variance σ² for white noise and is nearly zero on smooth (in particular blurred) content, so
 * the median ignores the few edges. On 8-bit images with very little noise σ̂ bottoms out near the
 * quantisation level (≈ 0.003). Returns 0 for planes smaller than 2×2.
 */
export function estimateNoiseSigma(plane: ArrayLike<number>, width: number, height: number): number {
  const bw = width >> 1, bh = height >> 1;
  if (bw === 0 || bh === 0) return 0;
  const hh = new Float64Array(bw * bh);
  for (let by = 0; by < bh; by++) {
    const r0 = 2 * by * width, r1 = r0 + width;
    for (let bx = 0; bx < bw; bx++) {
      const c = 2 * bx;
      hh[by * bw + bx] = Math.abs(plane[r0 + c] - plane[r0 + c + 1] - plane[r1 + c] + plane[r1 + c + 1]) / 2;
    }
  }
  hh.sort();
  const m = hh.length;
  const median = m % 2 ? hh[(m - 1) / 2] : 0.5 * (hh[m / 2 - 1] + hh[m / 2]);
  return median / 0.6745;
}
