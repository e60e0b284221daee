/**
 * 2-D FFT of real planes at about half the cost of a complex transform (the baselines run dozens
 * of them per image). For power-of-two sizes, using fft.js directly:
 *
 *   forward  rows in pairs: z = x_r + i·x_{r+1}, Z = F z, then  X_r[k] = (Z[k] + conj Z[−k])/2,
 *            X_{r+1}[k] = (Z[k] − conj Z[−k])/(2i)  (k = 0…cols/2 only); column FFTs of those
 *            cols/2 + 1 columns; the other half from Hermitian symmetry X[u, v] = conj X[−u, −v].
 *   inverse  column inverse FFTs of columns 0…cols/2, then pairs of rows at once:
 *            x_r + i·x_{r+1} = F⁻¹(A + iB), A and B the two rows' Hermitian spectra.
 *
 * Same conventions as math/fft.ts (forward unscaled, inverse scaled by 1/(rows·cols)); other sizes
 * fall back to its fft2d.
 */
import FFTImport from 'fft.js';
import { fft2d } from './fft.js';

type FftInstance = {
  createComplexArray(): number[];
  transform(out: Float64Array, data: Float64Array): void;
  inverseTransform(out: Float64Array, data: Float64Array): void;
};
const FFTCtor: new (n: number) => FftInstance =
  ((FFTImport as unknown as { default?: unknown }).default ?? FFTImport) as new (n: number) => FftInstance;

const isPow2 = (n: number) => n >= 2 && (n & (n - 1)) === 0;

/** A reusable real 2-D FFT for one rows×cols size. */
export class RealFft2d {
  private readonly fast: boolean;
  private readonly rowFft?: FftInstance;
  private readonly colFft?: FftInstance;
  private readonly half: number;
  private readonly hRe: Float64Array;
  private readonly hIm: Float64Array;
  private readonly bufIn: Float64Array;
  private readonly bufOut: Float64Array;

  constructor(readonly rows: number, readonly cols: number) {
    this.fast = isPow2(rows) && isPow2(cols);
    this.half = Math.floor(cols / 2) + 1;
    this.hRe = new Float64Array(rows * this.half);
    this.hIm = new Float64Array(rows * this.half);
    const longest = Math.max(rows, cols);
    this.bufIn = new Float64Array(2 * longest);
    this.bufOut = new Float64Array(2 * longest);
    if (this.fast) {
      this.rowFft = new FFTCtor(cols);
      this.colFft = new FFTCtor(rows);
    }
  }

  /** X = F x for a real rows×cols plane x, written (full spectrum) into re and im. */
  forward(x: ArrayLike<number>, re: Float64Array, im: Float64Array): void {
    const { rows, cols, half, hRe, hIm, bufIn, bufOut } = this;
    if (!this.fast) {
      for (let i = 0; i < rows * cols; i++) { re[i] = x[i]; im[i] = 0; }
      fft2d(re, im, rows, cols);
      return;
    }
    const rowFft = this.rowFft as FftInstance, colFft = this.colFft as FftInstance;
    for (let r = 0; r < rows; r += 2) {
      const o0 = r * cols, o1 = o0 + cols;
      for (let c = 0; c < cols; c++) {
        bufIn[2 * c] = x[o0 + c];
        bufIn[2 * c + 1] = x[o1 + c];
      }
      rowFft.transform(bufOut, bufIn);
      for (let k = 0; k < half; k++) {
        const j = (cols - k) % cols;
        const zr = bufOut[2 * k], zi = bufOut[2 * k + 1], wr = bufOut[2 * j], wi = -bufOut[2 * j + 1]; // w = conj Z[−k]
        hRe[r * half + k] = 0.5 * (zr + wr);
        hIm[r * half + k] = 0.5 * (zi + wi);
        hRe[(r + 1) * half + k] = 0.5 * (zi - wi); // (z − w)/(2i)
        hIm[(r + 1) * half + k] = -0.5 * (zr - wr);
      }
    }
    for (let k = 0; k < half; k++) {
      for (let r = 0; r < rows; r++) {
        bufIn[2 * r] = hRe[r * half + k];
        bufIn[2 * r + 1] = hIm[r * half + k];
      }
      colFft.transform(bufOut, bufIn);
      for (let u = 0; u < rows; u++) {
        re[u * cols + k] = bufOut[2 * u];
        im[u * cols + k] = bufOut[2 * u + 1];
      }
    }
    for (let u = 0; u < rows; u++) {
      const nu = ((rows - u) % rows) * cols;
      for (let k = half; k < cols; k++) {
        re[u * cols + k] = re[nu + cols - k];
        im[u * cols + k] = -im[nu + cols - k];
      }
    }
  }

  /** x = Re F⁻¹ X for a Hermitian spectrum (re, im) (only columns 0…cols/2 are read), into `out`. */
  inverse(re: Float64Array, im: Float64Array, out: Float64Array): void {
    const { rows, cols, half, hRe, hIm, bufIn, bufOut } = this;
    if (!this.fast) {
      const r2 = re.slice(), i2 = im.slice();
      fft2d(r2, i2, rows, cols, true);
      out.set(r2);
      return;
    }
    const rowFft = this.rowFft as FftInstance, colFft = this.colFft as FftInstance;
    for (let k = 0; k < half; k++) {
      for (let u = 0; u < rows; u++) {
        bufIn[2 * u] = re[u * cols + k];
        bufIn[2 * u + 1] = im[u * cols + k];
      }
      colFft.inverseTransform(bufOut, bufIn);
      for (let r = 0; r < rows; r++) {
        hRe[r * half + k] = bufOut[2 * r];
        hIm[r * half + k] = bufOut[2 * r + 1];
      }
    }
    for (let r = 0; r < rows; r += 2) {
      const a = r * half, b = (r + 1) * half;
      for (let k = 0; k < cols; k++) {
        let ar: number, ai: number, br: number, bi: number;
        if (k < half) {
          ar = hRe[a + k]; ai = hIm[a + k]; br = hRe[b + k]; bi = hIm[b + k];
        } else {
          const j = cols - k;
          ar = hRe[a + j]; ai = -hIm[a + j]; br = hRe[b + j]; bi = -hIm[b + j];
        }
        bufIn[2 * k] = ar - bi; // A + iB
        bufIn[2 * k + 1] = ai + br;
      }
      rowFft.inverseTransform(bufOut, bufIn);
      const o0 = r * cols, o1 = o0 + cols;
      for (let c = 0; c < cols; c++) {
        out[o0 + c] = bufOut[2 * c];
        out[o1 + c] = bufOut[2 * c + 1];
      }
    }
  }
}
