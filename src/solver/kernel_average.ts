/**
 * The average of several estimates of one blur kernel (restarts of the self-diffusion from different
 * seeds). Blind deblurring fixes a kernel only up to a translation, so each estimate is first shifted
 * onto the reference k_0 by the integer shift that maximises their cross-correlation
 * (metrics/kernel_metrics.ts `alignKernels`):
 *
 *     s_r = argmax_s Σ_p k_r(p)·k_0(p + s),     k̄(p) = (1/R) Σ_r k_r(p − s_r),     k̄ ← k̄ / Σ k̄
 *
 * Taps shifted beyond the window are dropped (the renormalisation puts their mass back). Averaging
 * only pays where the estimates agree: their errors then partly cancel; where one run's kernel has
 * collapsed, the mean carries the failure into the result (solver/restart_selection.ts decides).
 */
import { alignKernels } from '../metrics/kernel_metrics.js';
import { createKernel, normalizeKernel, type Kernel } from '../physics/kernel.js';

/** k̄: the kernels (all one size) shifted onto `kernels[0]` and averaged, normalised to Σ = 1 (module comment). Throws RangeError for none or mixed sizes. */
export function alignedKernelMean(kernels: readonly Kernel[]): Kernel {
  if (kernels.length === 0) throw new RangeError('alignedKernelMean: no kernels');
  const { width, height } = kernels[0];
  if (kernels.some((k) => k.width !== width || k.height !== height)) throw new RangeError('alignedKernelMean: the kernels differ in size');
  const sum = new Float32Array(width * height);
  kernels.forEach((k, r) => {
    const [sy, sx] = r === 0 ? [0, 0] : alignKernels(k, kernels[0]).shift; // k_r(p) best matches k_0(p + s)
    for (let a = 0; a < height; a++) {
      const t = a + sy;
      if (t < 0 || t >= height) continue;
      for (let b = 0; b < width; b++) {
        const u = b + sx;
        if (u >= 0 && u < width) sum[t * width + u] += k.data[a * width + b];
      }
    }
  });
  return normalizeKernel(createKernel(width, height, sum));
}
