/**
 * Blur kernels (point-spread functions) and the project's single orientation convention.
 *
 * ## Convention (used by every operator, simulator, loader, network and metric)
 * A `Kernel` is the PSF as an image of a point source: blurring is true 2-D *convolution*
 *
 *     y[i, j] = Σ_{a, b} k[a, b] · x[i − a + cy, j − b + cx],   cy = ⌊kh/2⌋, cx = ⌊kw/2⌋,
 *
 * so blurring a single bright pixel reproduces `k` centred on it. The centre of an even-sized
 * kernel is the lower/right of its two middle taps (index ⌊k/2⌋, as MATLAB's psf2otf).
 *
 * The Levin et al. 2009 `.txt` kernels are stored the other way round (the captured photos equal
 * the sharp image *correlated* with them), so `levinKernelFromText` (psf/levin.ts) rotates them by 180° on load. Kernel
 * text files written by this project (`formatKernelText`) hold the PSF in this convention.
 */
import { SdiError } from '../errors.js';

/** A blur kernel (PSF): `width` × `height` taps, row-major, in true-convolution orientation (module comment). */
export interface Kernel {
  /** Number of columns. */
  readonly width: number;
  /** Number of rows. */
  readonly height: number;
  /** Row-major taps, length width·height; non-negative and summing to 1 for a blur kernel. */
  readonly data: Float32Array;
}

/** A kernel from a row-major array (copied), without normalisation. */
export function createKernel(width: number, height: number, data?: ArrayLike<number>): Kernel {
  const out = new Float32Array(width * height);
  if (data) {
    if (data.length !== width * height) throw new RangeError(`kernel ${width}×${height} needs ${width * height} taps, got ${data.length}`);
    out.set(data);
  }
  return { width, height, data: out };
}

/** Scales a kernel so its taps sum to 1: k ← k / Σk. Throws if the sum is not positive and finite. */
export function normalizeKernel(kernel: Kernel): Kernel {
  let sum = 0;
  for (const v of kernel.data) sum += v;
  if (!(sum > 0) || !Number.isFinite(sum)) throw new SdiError('kernel taps must have a positive, finite sum');
  const data = new Float32Array(kernel.data.length);
  for (let i = 0; i < data.length; i++) data[i] = kernel.data[i] / sum;
  return { width: kernel.width, height: kernel.height, data };
}

/** The kernel rotated by 180°: k'[a, b] = k[kh−1−a, kw−1−b] (turns a correlation kernel into a convolution kernel and back). */
export function rotateKernel180(kernel: Kernel): Kernel {
  const data = new Float32Array(kernel.data.length);
  const n = data.length;
  for (let i = 0; i < n; i++) data[i] = kernel.data[n - 1 - i];
  return { width: kernel.width, height: kernel.height, data };
}

/** The centred delta (identity blur) of the given size. */
export function deltaKernel(width: number, height = width): Kernel {
  const k = createKernel(width, height);
  k.data[Math.floor(height / 2) * width + Math.floor(width / 2)] = 1;
  return k;
}

/** The uniform (box) kernel of the given size, 1/(w·h) everywhere. */
export function uniformKernel(width: number, height = width): Kernel {
  const k = createKernel(width, height);
  k.data.fill(1 / (width * height));
  return k;
}

/**
 * Parses the kernel text format: one row per line, numbers separated by spaces, tabs or commas
 * (`#` starts a comment). All rows must have the same length and every number must be finite and
 * ≥ 0; the result is normalised to sum 1.
 */
export function parseKernelText(text: string, source = 'kernel file'): Kernel {
  const rows: number[][] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.replace(/#.*/, '').trim();
    if (!line) continue;
    const row = line.split(/[\s,]+/).map((tok) => {
      const v = Number(tok);
      if (tok === '' || !Number.isFinite(v)) throw new SdiError(`${source}: '${tok}' is not a finite number`);
      if (v < 0) throw new SdiError(`${source}: negative tap ${tok} (a blur kernel is non-negative)`);
      return v;
    });
    rows.push(row);
  }
  if (rows.length === 0) throw new SdiError(`${source}: no numbers found`);
  const width = rows[0].length;
  if (rows.some((r) => r.length !== width)) throw new SdiError(`${source}: rows have different lengths`);
  const kernel = createKernel(width, rows.length, rows.flat());
  return normalizeKernel(kernel);
}

/** Writes a kernel in the text format (`parseKernelText` reads it back exactly up to float32). */
export function formatKernelText(kernel: Kernel): string {
  const lines: string[] = [];
  for (let r = 0; r < kernel.height; r++) {
    const row: string[] = [];
    for (let c = 0; c < kernel.width; c++) row.push(kernel.data[r * kernel.width + c].toExponential(8));
    lines.push(row.join(' '));
  }
  return lines.join('\n') + '\n';
}

/** Sum of the taps Σk. */
export function kernelSum(kernel: Kernel): number {
  let s = 0;
  for (const v of kernel.data) s += v;
  return s;
}

/** The kernel embedded at the centre of a larger (or cropped to a smaller) canvas, centres aligned. */
export function resizeKernelCanvas(kernel: Kernel, width: number, height = width): Kernel {
  const out = createKernel(width, height);
  const oy = Math.floor(height / 2) - Math.floor(kernel.height / 2);
  const ox = Math.floor(width / 2) - Math.floor(kernel.width / 2);
  for (let r = 0; r < kernel.height; r++) {
    const y = r + oy;
    if (y < 0 || y >= height) continue;
    for (let c = 0; c < kernel.width; c++) {
      const x = c + ox;
      if (x < 0 || x >= width) continue;
      out.data[y * width + x] = kernel.data[r * kernel.width + c];
    }
  }
  return out;
}
