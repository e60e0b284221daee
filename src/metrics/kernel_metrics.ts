/**
 * Kernel accuracy: how close an estimated blur kernel is to the true one, up to the translation that
 * blind deblurring cannot determine (shifting the kernel by s and the image by −s gives the same blur).
 * Kernels may have different sizes; they are compared with their centres (⌊k/2⌋) aligned, then over
 * every integer shift at which they overlap. Both are taken in the same orientation (our PSF
 * convention): no 180° rotation is searched.
 */
import { SdiError } from '../errors.js';
import { normalizeKernel, type Kernel } from '../physics/kernel.js';
import { psnrFromMse } from './psnr.js';

/** Best integer alignment of two kernels. */
export interface KernelAlignment {
  /** max_s C(s) / (‖est‖·‖truth‖). */
  ncc: number;
  /** The maximising shift [sy, sx]: estimate tap at centred position p is compared with truth tap at p + s. */
  shift: [number, number];
  /** Raw correlation C(s) = Σ_p est(p)·truth(p + s) at that shift. */
  correlation: number;
}

function sumOfSquares(k: Kernel): number {
  let s = 0;
  for (const v of k.data) s += v * v;
  return s;
}

function assertFinite(k: Kernel, what: string): void {
  for (const v of k.data) if (!Number.isFinite(v)) throw new SdiError(`${what} kernel has a non-finite tap`);
}

/**
 * Cross-correlation of the centred kernels at every overlapping integer shift,
 * C(s) = Σ_{a,b} est[a, b] · truth[a − cyE + cyT + sy, b − cxE + cxT + sx], and its maximiser
 * (ties: first in row-major scan of s).
 */
export function alignKernels(est: Kernel, truth: Kernel): KernelAlignment {
  assertFinite(est, 'estimated');
  assertFinite(truth, 'true');
  const ne = Math.sqrt(sumOfSquares(est)), nt = Math.sqrt(sumOfSquares(truth));
  if (!(ne > 0) || !(nt > 0)) throw new SdiError('kernel NCC is undefined for an all-zero kernel');
  const oy = Math.floor(truth.height / 2) - Math.floor(est.height / 2);
  const ox = Math.floor(truth.width / 2) - Math.floor(est.width / 2);
  let best = -Infinity, bestShift: [number, number] = [0, 0];
  for (let sy = -(est.height - 1) - oy; sy <= truth.height - 1 - oy; sy++) {
    for (let sx = -(est.width - 1) - ox; sx <= truth.width - 1 - ox; sx++) {
      let c = 0;
      for (let a = 0; a < est.height; a++) {
        const t = a + oy + sy;
        if (t < 0 || t >= truth.height) continue;
        for (let b = 0; b < est.width; b++) {
          const u = b + ox + sx;
          if (u < 0 || u >= truth.width) continue;
          c += est.data[a * est.width + b] * truth.data[t * truth.width + u];
        }
      }
      if (c > best) {
        best = c;
        bestShift = [sy, sx];
      }
    }
  }
  return { ncc: best / (ne * nt), shift: bestShift, correlation: best };
}

/**
 * Normalised cross-correlation of an estimated and the true kernel, maximised over integer shifts:
 *
 *     NCC = max_s Σ_p est(p)·truth(p + s) / (‖est‖₂ ‖truth‖₂),
 *
 * (uncentred, i.e. cosine similarity: zero padding to a larger canvas does not change it). 1 means
 * identical up to translation and scale; 0 means disjoint supports.
 */
export function kernelNcc(est: Kernel, truth: Kernel): number {
  return alignKernels(est, truth).ncc;
}

/**
 * Kernel PSNR: both kernels normalised to sum 1, aligned by the best integer shift (the one of
 * `kernelNcc`, which minimises the squared error since the norms are fixed), then
 *
 *     PSNR = 10·log10( max(truth)² / MSE ),  MSE = (‖est‖² + ‖truth‖² − 2·C(s*)) / (h_t·w_t),
 *
 * i.e. the squared error over the union of both supports divided by the true kernel's pixel count,
 * with the true kernel's peak as the peak (equivalently: the truth scaled to peak 1). +Infinity for identical kernels.
 */
export function kernelPsnr(est: Kernel, truth: Kernel): number {
  const e = normalizeKernel(est), t = normalizeKernel(truth);
  const { correlation } = alignKernels(e, t);
  const sse = Math.max(0, sumOfSquares(e) + sumOfSquares(t) - 2 * correlation);
  let peak = 0;
  for (const v of t.data) peak = Math.max(peak, v);
  return psnrFromMse(sse / (t.width * t.height), peak);
}
