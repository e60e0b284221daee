/**
 * Fast Fourier transforms on typed arrays, any length (power-of-two lengths run fft.js's radix-4
 * transform directly; other lengths go through Bluestein's chirp-z algorithm on top of it).
 *
 * Conventions (as numpy.fft): forward X[k] = Σ_n x[n] e^{−2πi kn/N}; inverse x[n] = (1/N) Σ_k X[k] e^{+2πi kn/N}.
 * Complex data is a pair of Float64Arrays (re, im) of equal length.
 */
import FFTImport from 'fft.js';

// fft.js is CommonJS; depending on the loader the constructor is the default export or its `.default`.
type FftInstance = {
  size: number;
  createComplexArray(): number[];
  transform(out: ArrayLike<number> & { [i: number]: number }, data: ArrayLike<number>): void;
  inverseTransform(out: ArrayLike<number> & { [i: number]: number }, data: ArrayLike<number>): void;
};
const FFTCtor: new (n: number) => FftInstance =
  ((FFTImport as unknown as { default?: unknown }).default ?? FFTImport) as new (n: number) => FftInstance;

/** Smallest power of two ≥ n. */
export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}

/** Smallest "5-smooth" length ≥ n (2^a 3^b 5^c), handy for padding; powers of two are fastest here. */
export function nextFastLength(n: number): number {
  return nextPow2(n);
}

interface Plan {
  run(re: Float64Array, im: Float64Array, inverse: boolean): void;
}

const planCache = new Map<number, Plan>();

function pow2Plan(n: number): Plan {
  const f = new FFTCtor(n);
  const buf = new Float64Array(2 * n);
  const out = new Float64Array(2 * n);
  return {
    run(re, im, inverse) {
      for (let i = 0; i < n; i++) {
        buf[2 * i] = re[i];
        buf[2 * i + 1] = im[i];
      }
      if (inverse) f.inverseTransform(out, buf);
      else f.transform(out, buf);
      for (let i = 0; i < n; i++) {
        re[i] = out[2 * i];
        im[i] = out[2 * i + 1];
      }
    },
  };
}

/** Bluestein: X[k] = w̄_k Σ_n (x_n w̄_n) w_{k−n}, with w_m = e^{iπ m²/N}, computed as a length-M cyclic convolution. */
function bluesteinPlan(n: number): Plan {
  const m = nextPow2(2 * n - 1);
  const inner = pow2Plan(m);
  const cr = new Float64Array(n), ci = new Float64Array(n); // chirp e^{-iπ k²/N}
  for (let k = 0; k < n; k++) {
    const a = (Math.PI * ((k * k) % (2 * n))) / n;
    cr[k] = Math.cos(a);
    ci[k] = -Math.sin(a);
  }
  // FFT of the conjugate chirp, wrapped to length m
  const br = new Float64Array(m), bi = new Float64Array(m);
  br[0] = cr[0]; bi[0] = -ci[0];
  for (let k = 1; k < n; k++) {
    br[k] = br[m - k] = cr[k];
    bi[k] = bi[m - k] = -ci[k];
  }
  inner.run(br, bi, false);
  const ar = new Float64Array(m), ai = new Float64Array(m);
  return {
    run(re, im, inverse) {
      ar.fill(0); ai.fill(0);
      const s = inverse ? -1 : 1; // inverse = conjugate chirp
      for (let k = 0; k < n; k++) {
        const wr = cr[k], wi = s * ci[k];
        ar[k] = re[k] * wr - im[k] * wi;
        ai[k] = re[k] * wi + im[k] * wr;
      }
      inner.run(ar, ai, false);
      for (let k = 0; k < m; k++) {
        const xr = ar[k], xi = ai[k];
        const yr = br[k], yi = s * bi[k];
        // for the inverse, the kernel is the conjugate chirp's transform: conj(B(−k)) = conj of b with flipped sign of imag
        ar[k] = xr * yr - xi * yi;
        ai[k] = xr * yi + xi * yr;
      }
      inner.run(ar, ai, true);
      const scale = inverse ? 1 / n : 1;
      for (let k = 0; k < n; k++) {
        const wr = cr[k], wi = s * ci[k];
        re[k] = (ar[k] * wr - ai[k] * wi) * scale;
        im[k] = (ar[k] * wi + ai[k] * wr) * scale;
      }
    },
  };
}

function plan(n: number): Plan {
  let p = planCache.get(n);
  if (!p) {
    if (n === 1) p = { run: () => undefined };
    else p = (n & (n - 1)) === 0 ? pow2Plan(n) : bluesteinPlan(n);
    planCache.set(n, p);
  }
  return p;
}

/** In-place 1-D FFT of (re, im), any length. `inverse` applies the 1/N-scaled inverse. */
export function fft1d(re: Float64Array, im: Float64Array, inverse = false): void {
  if (re.length !== im.length) throw new RangeError('fft1d: re and im differ in length');
  plan(re.length).run(re, im, inverse);
}

/**
 * In-place 2-D FFT of a row-major rows×cols complex array: 1-D transforms along every row, then
 * every column. X[u, v] = Σ_{y, x} f[y, x] e^{−2πi (uy/rows + vx/cols)}.
 */
export function fft2d(re: Float64Array, im: Float64Array, rows: number, cols: number, inverse = false): void {
  if (re.length !== rows * cols || im.length !== rows * cols) throw new RangeError('fft2d: size mismatch');
  const rowPlan = plan(cols);
  const tr = new Float64Array(cols), ti = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    tr.set(re.subarray(o, o + cols));
    ti.set(im.subarray(o, o + cols));
    rowPlan.run(tr, ti, inverse);
    re.set(tr, o);
    im.set(ti, o);
  }
  const colPlan = plan(rows);
  const cr = new Float64Array(rows), ci = new Float64Array(rows);
  for (let c = 0; c < cols; c++) {
    for (let r = 0; r < rows; r++) {
      cr[r] = re[r * cols + c];
      ci[r] = im[r * cols + c];
    }
    colPlan.run(cr, ci, inverse);
    for (let r = 0; r < rows; r++) {
      re[r * cols + c] = cr[r];
      im[r * cols + c] = ci[r];
    }
  }
}

/** A complex rows×cols spectrum. */
export interface Spectrum {
  readonly rows: number;
  readonly cols: number;
  readonly re: Float64Array;
  readonly im: Float64Array;
}

/** Forward 2-D FFT of a real row-major rows×cols array. */
export function realFft2d(data: ArrayLike<number>, rows: number, cols: number): Spectrum {
  const re = Float64Array.from(data as ArrayLike<number>);
  if (re.length !== rows * cols) throw new RangeError('realFft2d: size mismatch');
  const im = new Float64Array(rows * cols);
  fft2d(re, im, rows, cols, false);
  return { rows, cols, re, im };
}

/** Inverse 2-D FFT, returning the real part as Float64Array. */
export function inverseRealFft2d(spec: Spectrum): Float64Array {
  const re = spec.re.slice();
  const im = spec.im.slice();
  fft2d(re, im, spec.rows, spec.cols, true);
  return re;
}

/**
 * Optical transfer function of a kernel for circular convolution on a rows×cols grid (MATLAB's
 * psf2otf): the kernel is zero-padded and circularly shifted so its centre (⌊kh/2⌋, ⌊kw/2⌋) sits at
 * (0, 0), then transformed. Circular convolution is then y = F⁻¹(F(x) · otf).
 */
export function psf2otf(kernel: { width: number; height: number; data: ArrayLike<number> }, rows: number, cols: number): Spectrum {
  const { width: kw, height: kh, data } = kernel;
  if (kh > rows || kw > cols) throw new RangeError('psf2otf: kernel larger than the grid');
  const re = new Float64Array(rows * cols);
  const cy = Math.floor(kh / 2), cx = Math.floor(kw / 2);
  for (let a = 0; a < kh; a++) {
    const y = (a - cy + rows) % rows;
    for (let b = 0; b < kw; b++) {
      const x = (b - cx + cols) % cols;
      re[y * cols + x] += data[a * kw + b];
    }
  }
  const im = new Float64Array(rows * cols);
  fft2d(re, im, rows, cols, false);
  return { rows, cols, re, im };
}
