/**
 * The kernel step of the MAP blind deblurring methods (Cho & Lee 2009; Pan et al. 2014/2016): with
 * the latent image x fixed, least squares in the gradient domain with a Tikhonov term,
 *
 *     k* = argmin_k Σ_{∂ ∈ {∂h, ∂v}} ‖k ∗ ∂x − ∂y‖²_Ω + γ‖k‖²,
 *
 * over the kernel window (kh×kw taps, centre ⌊k/2⌋: the PSF convention of physics/kernel.ts), the
 * data term restricted to the pixels Ω whose blur footprint lies inside the observed image. The
 * normal equations (R + γI) k = b are formed with correlations computed by FFT,
 *
 *     R(d) = Σ_∂ Σ_j ∂x[j]·∂x[j + d]   (symmetrised),   b[a] = Σ_∂ Σ_{i∈Ω} ∂x[i − a + c]·∂y[i],
 *
 * and solved by conjugate gradients from the previous kernel. The result is projected onto blur
 * kernels ({@link projectKernel}): negative taps cut, small taps pruned (< max/20), isolated
 * fragments removed, sum normalised to 1.
 */
import { nextPow2 } from '../math/fft.js';
import { createKernel, type Kernel } from '../physics/kernel.js';
import { boundedGradients } from './finite_differences.js';
import { RealFft2d } from '../math/real_fft2d.js';

/** Options of {@link kernelLeastSquares}. */
export interface KernelUpdateOptions {
  /** γ: Tikhonov weight on ‖k‖² (default 2, Pan et al.). */
  weight?: number;
  /** Conjugate-gradient iterations (default 20). */
  cgIterations?: number;
  /** Starting point of CG (default: zero). Must be kw×kh. */
  initial?: Kernel;
}

/** Defaults of the kernel step: γ = 2 (Pan et al.), 20 CG iterations. */
export const KERNEL_UPDATE_DEFAULTS = { weight: 2, cgIterations: 20 };

/** Precomputed latent gradients [∂h x, ∂v x] (e.g. after salient-edge selection, edge_selection.ts). */
export type GradientPair = readonly [Float64Array, Float64Array];

function isGradientPair(v: ArrayLike<number> | GradientPair): v is GradientPair {
  return Array.isArray(v) && v.length === 2 && v[0] instanceof Float64Array;
}

/** Zero-padded copy of a width×height plane in a rows×cols grid (top-left). */
function embed(plane: ArrayLike<number>, width: number, height: number, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) out[r * cols + c] = plane[r * width + c];
  return out;
}

/** conj(A)·B accumulated into (accRe, accIm). */
function accumulateCrossSpectrum(aRe: Float64Array, aIm: Float64Array, bRe: Float64Array, bIm: Float64Array, accRe: Float64Array, accIm: Float64Array): void {
  for (let i = 0; i < aRe.length; i++) {
    accRe[i] += aRe[i] * bRe[i] + aIm[i] * bIm[i];
    accIm[i] += aRe[i] * bIm[i] - aIm[i] * bRe[i];
  }
}

function spectrum(data: Float64Array, fft: RealFft2d): [Float64Array, Float64Array] {
  const re = new Float64Array(data.length), im = new Float64Array(data.length);
  fft.forward(data, re, im);
  return [re, im];
}

/** The normal equations of the module comment: R on lags (2kh−1)×(2kw−1) and b on the kh×kw window. */
export function kernelNormalEquations(latent: ArrayLike<number> | GradientPair, blurred: ArrayLike<number>, width: number, height: number, kw: number, kh: number): { R: Float64Array; b: Float64Array } {
  const cy = Math.floor(kh / 2), cx = Math.floor(kw / 2);
  const rows = nextPow2(height + kh), cols = nextPow2(width + kw);
  const n = rows * cols;
  const fft = new RealFft2d(rows, cols);
  const rRe = new Float64Array(n), rIm = new Float64Array(n), cRe = new Float64Array(n), cIm = new Float64Array(n);
  const [xh, xv] = isGradientPair(latent) ? latent : boundedGradients(latent, width, height);
  const [yh, yv] = boundedGradients(blurred, width, height);
  // Ω: outputs i with i − a + c inside the image for every tap a (minus the last row/column, whose gradient is undefined).
  const r0 = kh - 1 - cy, r1 = height - 1 - cy, c0 = kw - 1 - cx, c1 = width - 1 - cx;
  for (const [gx, gy] of [[xh, yh], [xv, yv]] as const) {
    const gyMasked = new Float64Array(width * height);
    const gxMasked = new Float64Array(width * height);
    for (let r = r0; r < r1; r++) {
      for (let c = c0; c < c1; c++) {
        gyMasked[r * width + c] = gy[r * width + c];
        gxMasked[r * width + c] = gx[r * width + c]; // R's Toeplitz approximation sums over Ω too
      }
    }
    const [gRe, gIm] = spectrum(embed(gx, width, height, rows, cols), fft);
    const [mRe, mIm] = spectrum(embed(gxMasked, width, height, rows, cols), fft);
    const [yRe, yIm] = spectrum(embed(gyMasked, width, height, rows, cols), fft);
    accumulateCrossSpectrum(mRe, mIm, gRe, gIm, rRe, rIm); // Σ_j m[j]·g[j + d]
    accumulateCrossSpectrum(gRe, gIm, yRe, yIm, cRe, cIm); // Σ_j g[j]·y[j + d]
  }
  const rSpace = new Float64Array(n), cSpace = new Float64Array(n);
  fft.inverse(rRe, rIm, rSpace); // cross-correlations of real planes: Hermitian spectra
  fft.inverse(cRe, cIm, cSpace);
  const lw = 2 * kw - 1, lh = 2 * kh - 1;
  const R = new Float64Array(lw * lh);
  const at = (arr: Float64Array, dy: number, dx: number) => arr[((dy + rows) % rows) * cols + ((dx + cols) % cols)];
  for (let dy = -(kh - 1); dy <= kh - 1; dy++) {
    for (let dx = -(kw - 1); dx <= kw - 1; dx++) {
      R[(dy + kh - 1) * lw + dx + kw - 1] = 0.5 * (at(rSpace, dy, dx) + at(rSpace, -dy, -dx));
    }
  }
  // b[a] = C(a − c) with C(d) = Σ_j ∂x[j]·∂y_Ω[j + d]
  const b = new Float64Array(kw * kh);
  for (let ay = 0; ay < kh; ay++) for (let ax = 0; ax < kw; ax++) b[ay * kw + ax] = at(cSpace, ay - cy, ax - cx);
  return { R, b };
}

/** out = (R + γI) k with R(d) on lags (Toeplitz): out[a] = Σ_{a'} R(a − a')·k[a'] + γ k[a]. */
function applyNormal(R: Float64Array, k: Float64Array, kw: number, kh: number, gamma: number, out: Float64Array): void {
  const lw = 2 * kw - 1;
  for (let ay = 0; ay < kh; ay++) {
    for (let ax = 0; ax < kw; ax++) {
      let s = gamma * k[ay * kw + ax];
      for (let by = 0; by < kh; by++) {
        const rowR = (ay - by + kh - 1) * lw + ax + kw - 1;
        const rowK = by * kw;
        for (let bx = 0; bx < kw; bx++) {
          const v = k[rowK + bx];
          if (v !== 0) s += R[rowR - bx] * v;
        }
      }
      out[ay * kw + ax] = s;
    }
  }
}

/**
 * The unconstrained least-squares kernel of the module comment (kh×kw taps, row-major), by
 * conjugate gradients on (R + γI) k = b. `latent` and `blurred` are width×height planes (or `latent`
 * is given by its gradients).
 */
export function kernelLeastSquares(latent: ArrayLike<number> | GradientPair, blurred: ArrayLike<number>, width: number, height: number, kw: number, kh: number, options: KernelUpdateOptions = {}): Float64Array {
  const gamma = options.weight ?? KERNEL_UPDATE_DEFAULTS.weight;
  const iterations = options.cgIterations ?? KERNEL_UPDATE_DEFAULTS.cgIterations;
  const { R, b } = kernelNormalEquations(latent, blurred, width, height, kw, kh);
  const n = kw * kh;
  const k = options.initial ? Float64Array.from(options.initial.data) : new Float64Array(n);
  if (k.length !== n) throw new RangeError('kernelLeastSquares: initial kernel has the wrong size');
  const Ak = new Float64Array(n), r = new Float64Array(n), p = new Float64Array(n), Ap = new Float64Array(n);
  applyNormal(R, k, kw, kh, gamma, Ak);
  let rr = 0, bb = 0;
  for (let i = 0; i < n; i++) {
    r[i] = b[i] - Ak[i];
    p[i] = r[i];
    rr += r[i] * r[i];
    bb += b[i] * b[i];
  }
  for (let it = 0; it < iterations && rr > 1e-20 * Math.max(bb, 1e-300); it++) {
    applyNormal(R, p, kw, kh, gamma, Ap);
    let pAp = 0;
    for (let i = 0; i < n; i++) pAp += p[i] * Ap[i];
    if (!(pAp > 0)) break;
    const a = rr / pAp;
    let rrNew = 0;
    for (let i = 0; i < n; i++) {
      k[i] += a * p[i];
      r[i] -= a * Ap[i];
      rrNew += r[i] * r[i];
    }
    const g = rrNew / rr;
    rr = rrNew;
    for (let i = 0; i < n; i++) p[i] = r[i] + g * p[i];
  }
  return k;
}

/** Options of {@link projectKernel}. */
export interface KernelProjectionOptions {
  /** Taps below this fraction of the largest are set to 0 (default 0.05: Pan et al.'s max/20). */
  pruneRatio?: number;
  /** 8-connected fragments holding less than this fraction of the total mass are removed (default 0.1). */
  minComponentMass?: number;
}

/** Defaults of the projection: prune below max/20 (Pan et al.), drop fragments under 10 % of the mass. */
export const KERNEL_PROJECTION_DEFAULTS = { pruneRatio: 0.05, minComponentMass: 0.1 };

/** Labels the 8-connected components of the non-zero taps; returns the label per tap (0 = empty) and the count. */
function connectedComponents(k: Float64Array, kw: number, kh: number): { labels: Int32Array; count: number } {
  const labels = new Int32Array(k.length);
  let count = 0;
  const stack: number[] = [];
  for (let s = 0; s < k.length; s++) {
    if (k[s] <= 0 || labels[s] !== 0) continue;
    labels[s] = ++count;
    stack.push(s);
    while (stack.length) {
      const p = stack.pop() as number;
      const py = Math.floor(p / kw), px = p % kw;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const y = py + dy, x = px + dx;
          if (y < 0 || y >= kh || x < 0 || x >= kw) continue;
          const q = y * kw + x;
          if (k[q] > 0 && labels[q] === 0) {
            labels[q] = count;
            stack.push(q);
          }
        }
      }
    }
  }
  return { labels, count };
}

/**
 * Projects raw kernel taps onto blur kernels: k ← max(k, 0); taps < pruneRatio·max(k) → 0;
 * 8-connected fragments with mass < minComponentMass·Σk → 0; k ← k/Σk (a centred delta if nothing
 * is left).
 */
export function projectKernel(raw: ArrayLike<number>, kw: number, kh: number, options: KernelProjectionOptions = {}): Kernel {
  const pruneRatio = options.pruneRatio ?? KERNEL_PROJECTION_DEFAULTS.pruneRatio;
  const minMass = options.minComponentMass ?? KERNEL_PROJECTION_DEFAULTS.minComponentMass;
  const k = Float64Array.from(raw, (v) => Math.max(0, v));
  let max = 0;
  for (const v of k) max = Math.max(max, v);
  for (let i = 0; i < k.length; i++) if (k[i] < pruneRatio * max) k[i] = 0;
  let total = 0;
  for (const v of k) total += v;
  if (minMass > 0 && total > 0) {
    const { labels, count } = connectedComponents(k, kw, kh);
    const mass = new Float64Array(count + 1);
    for (let i = 0; i < k.length; i++) mass[labels[i]] += k[i];
    for (let i = 0; i < k.length; i++) if (labels[i] > 0 && mass[labels[i]] < minMass * total) k[i] = 0;
  }
  let sum = 0;
  for (const v of k) sum += v;
  const out = createKernel(kw, kh);
  if (!(sum > 0)) {
    out.data[Math.floor(kh / 2) * kw + Math.floor(kw / 2)] = 1;
    return out;
  }
  for (let i = 0; i < k.length; i++) out.data[i] = k[i] / sum;
  return out;
}

/**
 * The kernel shifted by whole taps so that its centre of mass is at the window centre ⌊k/2⌋ (taps
 * moved outside are dropped, the rest renormalised). Blind deconvolution cannot fix the kernel's
 * position; re-centring keeps it inside the window between pyramid levels.
 */
export function centerKernel(kernel: Kernel): Kernel {
  const { width: kw, height: kh, data } = kernel;
  let sum = 0, my = 0, mx = 0;
  for (let r = 0; r < kh; r++) for (let c = 0; c < kw; c++) {
    const v = data[r * kw + c];
    sum += v; my += v * r; mx += v * c;
  }
  if (!(sum > 0)) return kernel;
  const sy = Math.round(my / sum - Math.floor(kh / 2)), sx = Math.round(mx / sum - Math.floor(kw / 2));
  if (sy === 0 && sx === 0) return kernel;
  const out = createKernel(kw, kh);
  let kept = 0;
  for (let r = 0; r < kh; r++) for (let c = 0; c < kw; c++) {
    const y = r - sy, x = c - sx;
    if (y < 0 || y >= kh || x < 0 || x >= kw) continue;
    out.data[y * kw + x] = data[r * kw + c];
    kept += data[r * kw + c];
  }
  if (!(kept > 0)) return kernel;
  for (let i = 0; i < out.data.length; i++) out.data[i] /= kept;
  return out;
}
