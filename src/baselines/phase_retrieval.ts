/**
 * Kernel recovery from its autocorrelation (phase retrieval), as used by Phase-Only kernel estimation
 * (phase_only.ts) after Goldstein & Fattal ("Blur-kernel estimation from spectral irregularities",
 * ECCV 2012): the autocorrelation A_k = k ⋆ k fixes the Fourier magnitude |K| = √(F A_k); the phase
 * is found by Fienup's iterative transform algorithm with the kernel's constraints, support inside
 * the kw×kh window and k ≥ 0:
 *
 *     K ← |K|·K'/|K'|,  K' = F k                       (Fourier magnitude constraint)
 *     k' = F⁻¹ K;  inside the window where k' ≥ 0: k ← k',
 *                  elsewhere:   k ← k − β k'   (hybrid input-output, β = 0.9)  or 0 (error reduction)
 *
 * run from several random starts (seeded Rng), HIO iterations followed by error-reduction ones; the
 * start with the smallest Fourier-magnitude error wins. The answer is determined only up to a 180°
 * rotation (k and its rotation have the same autocorrelation), which the caller resolves.
 */
import { SdiError } from '../errors.js';
import { nextPow2 } from '../math/fft.js';
import { createKernel, type Kernel } from '../physics/kernel.js';
import type { Rng } from '../rng.js';
import { RealFft2d } from '../math/real_fft2d.js';

/** Options of {@link kernelFromAutocorrelation}. */
export interface PhaseRetrievalOptions {
  /** Random starts (default 10). */
  restarts?: number;
  /** Hybrid input-output iterations per start (default 300). */
  hioIterations?: number;
  /** Error-reduction iterations after HIO (default 100). */
  erIterations?: number;
  /** HIO feedback β (default 0.9). */
  feedback?: number;
}

/** Defaults: 10 random starts of 300 HIO + 100 error-reduction iterations, β = 0.9. */
export const PHASE_RETRIEVAL_DEFAULTS = { restarts: 10, hioIterations: 300, erIterations: 100, feedback: 0.9 };

/**
 * A kernel (kw×kh, Σ = 1) whose autocorrelation matches `autocorrelation`, given on lags
 * (2kh−1)×(2kw−1) (row-major, zero lag at the centre). See the module comment.
 */
export function kernelFromAutocorrelation(autocorrelation: ArrayLike<number>, kw: number, kh: number, rng: Rng, options: PhaseRetrievalOptions = {}): { kernel: Kernel; error: number } {
  const restarts = options.restarts ?? PHASE_RETRIEVAL_DEFAULTS.restarts;
  const hio = options.hioIterations ?? PHASE_RETRIEVAL_DEFAULTS.hioIterations;
  const er = options.erIterations ?? PHASE_RETRIEVAL_DEFAULTS.erIterations;
  const beta = options.feedback ?? PHASE_RETRIEVAL_DEFAULTS.feedback;
  const lw = 2 * kw - 1, lh = 2 * kh - 1;
  if (autocorrelation.length !== lw * lh) throw new SdiError(`autocorrelation must have ${lw}×${lh} lags`);
  const rows = nextPow2(2 * kh), cols = nextPow2(2 * kw);
  const n = rows * cols;
  const fft = new RealFft2d(rows, cols);
  // |K| = √(F A) on the grid (lags wrapped around the origin)
  const a = new Float64Array(n);
  for (let dy = -(kh - 1); dy <= kh - 1; dy++) {
    for (let dx = -(kw - 1); dx <= kw - 1; dx++) {
      a[((dy + rows) % rows) * cols + ((dx + cols) % cols)] = autocorrelation[(dy + kh - 1) * lw + dx + kw - 1];
    }
  }
  const aRe = new Float64Array(n), aIm = new Float64Array(n);
  fft.forward(a, aRe, aIm);
  const magnitude = aRe.map((v) => Math.sqrt(Math.max(0, v)));
  let magSum = 0;
  for (const v of magnitude) magSum += v * v;
  const inside = (i: number) => Math.floor(i / cols) < kh && i % cols < kw;

  const re = new Float64Array(n), im = new Float64Array(n), proj = new Float64Array(n);
  let best: Float64Array | null = null, bestError = Infinity;
  for (let s = 0; s < restarts; s++) {
    const k = new Float64Array(n);
    for (let i = 0; i < n; i++) if (inside(i)) k[i] = rng.uniform();
    let error = Infinity;
    for (let it = 0; it < hio + er; it++) {
      fft.forward(k, re, im);
      error = 0;
      for (let i = 0; i < n; i++) {
        const m = Math.hypot(re[i], im[i]);
        error += (m - magnitude[i]) ** 2;
        const f = m > 1e-12 ? magnitude[i] / m : 0;
        re[i] = m > 1e-12 ? re[i] * f : magnitude[i];
        im[i] *= f;
      }
      fft.inverse(re, im, proj);
      const useHio = it < hio;
      for (let i = 0; i < n; i++) {
        const ok = inside(i) && proj[i] >= 0;
        k[i] = ok ? proj[i] : useHio ? k[i] - beta * proj[i] : 0;
      }
    }
    const relative = error / Math.max(magSum, 1e-300);
    if (relative < bestError) {
      bestError = relative;
      best = k.slice();
    }
  }
  const out = createKernel(kw, kh);
  let sum = 0;
  for (let r = 0; r < kh; r++) for (let c = 0; c < kw; c++) {
    const v = Math.max(0, (best as Float64Array)[r * cols + c]);
    out.data[r * kw + c] = v;
    sum += v;
  }
  if (!(sum > 0)) out.data[Math.floor(kh / 2) * kw + Math.floor(kw / 2)] = 1;
  else for (let i = 0; i < out.data.length; i++) out.data[i] /= sum;
  return { kernel: out, error: bestError };
}

/** The autocorrelation of a kernel on lags (2kh−1)×(2kw−1): A(d) = Σ_j k[j]·k[j + d] (zero lag at the centre). */
export function kernelAutocorrelation(kernel: Kernel): Float64Array {
  const { width: kw, height: kh, data } = kernel;
  const lw = 2 * kw - 1, lh = 2 * kh - 1;
  const out = new Float64Array(lw * lh);
  for (let dy = -(kh - 1); dy <= kh - 1; dy++) {
    for (let dx = -(kw - 1); dx <= kw - 1; dx++) {
      let s = 0;
      for (let r = Math.max(0, -dy); r < Math.min(kh, kh - dy); r++) {
        for (let c = Math.max(0, -dx); c < Math.min(kw, kw - dx); c++) s += data[r * kw + c] * data[(r + dy) * kw + c + dx];
      }
      out[(dy + kh - 1) * lw + dx + kw - 1] = s;
    }
  }
  return out;
}
