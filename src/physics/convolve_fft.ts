/**
 * FFT path of the 'valid' convolution and its adjoint (same results as `convolve_direct.ts` up to
 * float rounding, much faster for large dense kernels).
 *
 * With x and k zero-padded to an Nr×Nc grid (lengths 2^a or 3·2^a, Nr ≥ H, Nc ≥ W) and DFT F,
 * z = F⁻¹(F x · F k) is the circular convolution z[m] = Σ_a k[a] x[(m − a) mod N]; for an input of
 * H ≤ N rows no term of a 'valid' output wraps, so
 *
 *     valid:   y[i]  = z[i + kh − 1],                       i < H − kh + 1
 *     adjoint: x̂[p] = (F⁻¹(F y · conj F k))[(p − kh + 1) mod N],   p < H
 *
 * (per axis; the adjoint is a circular correlation, again alias-free because N ≥ H).
 * Two real planes share one complex transform (x₁ + i·x₂, the kernel spectrum being applied to
 * both), so C channels cost 1 + 2⌈C/2⌉ transforms; rows known to be zero are skipped.
 */
import FFTImport from 'fft.js';
import { nextPow2 } from '../math/fft.js';
import type { Plane } from './plane.js';

type FftInstance = {
  transform(out: Float64Array, data: Float64Array): void;
  inverseTransform(out: Float64Array, data: Float64Array): void;
};
// fft.js is CommonJS; depending on the loader the constructor is the default export or its `.default`.
const FFTCtor: new (n: number) => FftInstance =
  ((FFTImport as unknown as { default?: unknown }).default ?? FFTImport) as new (n: number) => FftInstance;

const identityFft: FftInstance = {
  transform: (out, data) => out.set(data.subarray(0, 2)),
  inverseTransform: (out, data) => out.set(data.subarray(0, 2)),
};

const oneDimCache = new Map<number, FftInstance>();

/** A 1-D transform of length n = 2^a or 3·2^a on interleaved (re, im) arrays (inverse scaled by 1/n). */
function fft1(n: number): FftInstance {
  let f = oneDimCache.get(n);
  if (!f) {
    if (n === 1) f = identityFft;
    else if ((n & (n - 1)) === 0) f = new FFTCtor(n);
    else if (n % 3 === 0 && ((n / 3) & (n / 3 - 1)) === 0) f = radix3Fft(n);
    else throw new RangeError(`no FFT plan for length ${n}`);
    oneDimCache.set(n, f);
  }
  return f;
}

/**
 * Length n = 3m by one radix-3 decimation-in-time step over power-of-two transforms:
 * X[k] = A[k mod m] + wᵏ B[k mod m] + w²ᵏ C[k mod m], w = e^{−2πi/n}, with A, B, C the length-m
 * transforms of x[3j], x[3j+1], x[3j+2]. The inverse is conj(F(conj X))/n.
 */
function radix3Fft(n: number): FftInstance {
  const m = n / 3;
  const sub = fft1(m);
  const parts = [0, 1, 2].map(() => ({ input: new Float64Array(2 * m), output: new Float64Array(2 * m) }));
  const cos = new Float64Array(n), sin = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / n);
    sin[k] = -Math.sin((2 * Math.PI * k) / n);
  }
  const conjIn = new Float64Array(2 * n);
  const forward = (out: Float64Array, data: Float64Array): void => {
    for (let j = 0; j < m; j++) {
      for (let p = 0; p < 3; p++) {
        parts[p].input[2 * j] = data[2 * (3 * j + p)];
        parts[p].input[2 * j + 1] = data[2 * (3 * j + p) + 1];
      }
    }
    for (const part of parts) sub.transform(part.output, part.input);
    const [A, B, C] = parts.map((part) => part.output);
    for (let k = 0; k < n; k++) {
      const q = 2 * (k % m), k2 = (2 * k) % n;
      const br = B[q] * cos[k] - B[q + 1] * sin[k], bi = B[q] * sin[k] + B[q + 1] * cos[k];
      const cr = C[q] * cos[k2] - C[q + 1] * sin[k2], ci = C[q] * sin[k2] + C[q + 1] * cos[k2];
      out[2 * k] = A[q] + br + cr;
      out[2 * k + 1] = A[q + 1] + bi + ci;
    }
  };
  return {
    transform: forward,
    inverseTransform(out, data) {
      for (let i = 0; i < 2 * n; i += 2) {
        conjIn[i] = data[i];
        conjIn[i + 1] = -data[i + 1];
      }
      forward(out, conjIn);
      for (let i = 0; i < 2 * n; i += 2) {
        out[i] /= n;
        out[i + 1] = -out[i + 1] / n;
      }
    },
  };
}

/** Smallest FFT-friendly length ≥ n: 2^a or 3·2^a. */
export function fastFftLength(n: number): number {
  const p2 = nextPow2(n);
  const p3 = 3 * nextPow2(Math.ceil(n / 3));
  return Math.min(p2, p3);
}

/** A 2-D transform (sizes 2^a or 3·2^a) on an interleaved (re, im) row-major buffer. */
class Grid2d {
  readonly rowFft: FftInstance;
  readonly colFft: FftInstance;
  private readonly rowOut: Float64Array;
  private readonly colIn: Float64Array;
  private readonly colOut: Float64Array;

  constructor(readonly rows: number, readonly cols: number) {
    this.rowFft = fft1(cols);
    this.colFft = fft1(rows);
    this.rowOut = new Float64Array(2 * cols);
    this.colIn = new Float64Array(2 * rows);
    this.colOut = new Float64Array(2 * rows);
  }

  /** Forward transform; rows ≥ `activeRows` must be zero on entry (their row pass is skipped). */
  forward(buf: Float64Array, activeRows: number): void {
    for (let r = 0; r < activeRows; r++) this.rowPass(buf, r, false);
    this.columnPass(buf, false);
  }

  /** Inverse transform (scaled by 1/(rows·cols)); only the rows listed in `neededRows` are finished. */
  inverse(buf: Float64Array, neededRows: Int32Array): void {
    this.columnPass(buf, true);
    for (const r of neededRows) this.rowPass(buf, r, true);
  }

  private rowPass(buf: Float64Array, r: number, inverse: boolean): void {
    const off = 2 * r * this.cols;
    const row = buf.subarray(off, off + 2 * this.cols);
    if (inverse) this.rowFft.inverseTransform(this.rowOut, row);
    else this.rowFft.transform(this.rowOut, row);
    buf.set(this.rowOut, off);
  }

  private columnPass(buf: Float64Array, inverse: boolean): void {
    const { rows, cols, colIn, colOut } = this;
    for (let c = 0; c < cols; c++) {
      for (let r = 0; r < rows; r++) {
        const s = 2 * (r * cols + c);
        colIn[2 * r] = buf[s];
        colIn[2 * r + 1] = buf[s + 1];
      }
      if (inverse) this.colFft.inverseTransform(colOut, colIn);
      else this.colFft.transform(colOut, colIn);
      for (let r = 0; r < rows; r++) {
        const s = 2 * (r * cols + c);
        buf[s] = colOut[2 * r];
        buf[s + 1] = colOut[2 * r + 1];
      }
    }
  }
}

/** Grid (lengths 2^a or 3·2^a) used by the FFT path for an input of H×W samples. */
export function fftGridSize(width: number, height: number): { rows: number; cols: number } {
  return { rows: fastFftLength(height), cols: fastFftLength(width) };
}

/** Relative cost of the FFT path in "butterfly units" (for the automatic choice in `convolve.ts`). */
export function fftCostUnits(width: number, height: number, planes: number): number {
  const { rows, cols } = fftGridSize(width, height);
  const transforms = 1 + 2 * Math.ceil(planes / 2);
  return transforms * rows * cols * Math.log2(Math.max(2, rows * cols));
}

function kernelSpectrum(grid: Grid2d, k: Plane): Float64Array {
  const buf = new Float64Array(2 * grid.rows * grid.cols);
  for (let a = 0; a < k.height; a++) {
    for (let b = 0; b < k.width; b++) buf[2 * (a * grid.cols + b)] = k.data[a * k.width + b];
  }
  grid.forward(buf, k.height);
  return buf;
}

interface FilterJob {
  readonly grid: Grid2d;
  readonly spectrum: Float64Array;
  readonly conjugate: boolean;
  readonly outWidth: number;
  readonly outHeight: number;
  /** Output sample (i, j) is read from grid position ((i + rowShift) mod Nr, (j + colShift) mod Nc). */
  readonly rowShift: number;
  readonly colShift: number;
}

function filterPair(job: FilterJob, a: Plane, b: Plane | undefined): Plane[] {
  const { grid, spectrum, conjugate } = job;
  const N = grid.rows * grid.cols, cols = grid.cols;
  const buf = new Float64Array(2 * N);
  for (let r = 0; r < a.height; r++) {
    for (let c = 0; c < a.width; c++) {
      const s = 2 * (r * cols + c), i = r * a.width + c;
      buf[s] = a.data[i];
      if (b) buf[s + 1] = b.data[i];
    }
  }
  grid.forward(buf, a.height);
  const sign = conjugate ? -1 : 1;
  for (let s = 0; s < 2 * N; s += 2) {
    const xr = buf[s], xi = buf[s + 1];
    const kr = spectrum[s], ki = sign * spectrum[s + 1];
    buf[s] = xr * kr - xi * ki;
    buf[s + 1] = xr * ki + xi * kr;
  }
  const rowOf = (i: number) => (((i + job.rowShift) % grid.rows) + grid.rows) % grid.rows;
  const needed = Int32Array.from({ length: job.outHeight }, (_, i) => rowOf(i));
  grid.inverse(buf, needed);
  const outA = new Float32Array(job.outWidth * job.outHeight);
  const outB = b ? new Float32Array(job.outWidth * job.outHeight) : undefined;
  const colIndex = Int32Array.from({ length: job.outWidth }, (_, j) => (((j + job.colShift) % cols) + cols) % cols);
  for (let i = 0; i < job.outHeight; i++) {
    const base = needed[i] * cols;
    for (let j = 0; j < job.outWidth; j++) {
      const s = 2 * (base + colIndex[j]);
      outA[i * job.outWidth + j] = buf[s];
      if (outB) outB[i * job.outWidth + j] = buf[s + 1];
    }
  }
  const res: Plane[] = [{ width: job.outWidth, height: job.outHeight, data: outA }];
  if (b && outB) res.push({ width: job.outWidth, height: job.outHeight, data: outB });
  return res;
}

function filterAll(planes: Plane[], job: FilterJob): Plane[] {
  const out: Plane[] = [];
  for (let p = 0; p < planes.length; p += 2) out.push(...filterPair(job, planes[p], planes[p + 1]));
  return out;
}

/** 'Valid' convolution of every plane (all the same size) with k by FFT; see the file comment. */
export function convolveValidFft(planes: Plane[], k: Plane): Plane[] {
  if (planes.length === 0) return [];
  const { width: W, height: H } = planes[0];
  const { rows, cols } = fftGridSize(W, H);
  const grid = new Grid2d(rows, cols);
  return filterAll(planes, {
    grid, spectrum: kernelSpectrum(grid, k), conjugate: false,
    outWidth: W - k.width + 1, outHeight: H - k.height + 1,
    rowShift: k.height - 1, colShift: k.width - 1,
  });
}

/** Adjoint of {@link convolveValidFft} for every plane (all the same size), by FFT correlation. */
export function convolveValidAdjointFft(planes: Plane[], k: Plane): Plane[] {
  if (planes.length === 0) return [];
  const W = planes[0].width + k.width - 1, H = planes[0].height + k.height - 1;
  const { rows, cols } = fftGridSize(W, H);
  const grid = new Grid2d(rows, cols);
  return filterAll(planes, {
    grid, spectrum: kernelSpectrum(grid, k), conjugate: true,
    outWidth: W, outHeight: H,
    rowShift: -(k.height - 1), colShift: -(k.width - 1),
  });
}
