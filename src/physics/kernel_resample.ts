/**
 * Resampling a blur kernel to another pixel scale (coarse-to-fine estimation: a kernel estimated on
 * an image downscaled by s is the PSF at 1/s of the resolution).
 */
import { createKernel, normalizeKernel, type Kernel } from './kernel.js';

/**
 * The kernel resampled to width×height taps, the centres (⌊k/2⌋) kept aligned. Each output tap
 * samples the input bilinearly at  u = c_in + (j − c_out) · (k_in / k_out)  (per axis), then the
 * result is clamped at 0 and renormalised to Σ = 1 (a PSF is a density: its total energy is kept,
 * its extent scales).
 */
export function resampleKernel(kernel: Kernel, width: number, height: number): Kernel {
  const { width: kw, height: kh, data } = kernel;
  const sx = kw / width, sy = kh / height;
  const cxIn = Math.floor(kw / 2), cyIn = Math.floor(kh / 2);
  const cxOut = Math.floor(width / 2), cyOut = Math.floor(height / 2);
  const at = (r: number, c: number) => (r >= 0 && r < kh && c >= 0 && c < kw ? data[r * kw + c] : 0);
  const out = createKernel(width, height);
  for (let j = 0; j < height; j++) {
    const v = cyIn + (j - cyOut) * sy;
    const r0 = Math.floor(v), fr = v - r0;
    for (let i = 0; i < width; i++) {
      const u = cxIn + (i - cxOut) * sx;
      const c0 = Math.floor(u), fc = u - c0;
      const value = (1 - fr) * ((1 - fc) * at(r0, c0) + fc * at(r0, c0 + 1)) + fr * ((1 - fc) * at(r0 + 1, c0) + fc * at(r0 + 1, c0 + 1));
      out.data[j * width + i] = Math.max(0, value);
    }
  }
  let sum = 0;
  for (const v of out.data) sum += v;
  if (!(sum > 0)) out.data[cyOut * width + cxOut] = 1;
  return normalizeKernel(out);
}
