/**
 * Blur operators y = A x on planes and images: 'valid', 'same' (zero | replicate | reflect
 * boundary) and circular convolution with a PSF k of any odd or even size, each with its adjoint
 * Aᵀ, computed directly or by FFT (chosen automatically by an operation count).
 *
 * ## Convention (the one of `kernel.ts`, written once here for the operators)
 * k is the PSF in true-convolution orientation with centre (cy, cx) = (⌊kh/2⌋, ⌊kw/2⌋):
 *
 *     valid     y[i, j] = Σ_{a,b} k[a, b] · x[i + kh−1−a, j + kw−1−b],   y is (H−kh+1)×(W−kw+1)
 *     same      y = valid(P x),  P pads kh−1−cy rows on top, cy below, kw−1−cx columns left, cx right
 *               (so y[i, j] = Σ_{a,b} k[a, b] · x̃[i − a + cy, j − b + cx], x̃ = x extended by the boundary rule)
 *     circular  y = valid(P_circ x)  =  F⁻¹(F x · psf2otf(k)),  y is H×W
 *
 * 'valid' is exactly what the solver computes: an image estimated on the enlarged support
 * (H+kh−1)×(W+kw−1), convolved with k, gives the H×W observation. A pixel y[i, j] of a 'valid'
 * blur is centred on x[i + kh−1−cy, j + kw−1−cx], i.e. on the central crop for odd kernels.
 *
 * Adjoints: Aᵀ = Pᵀ · Vᵀ with Vᵀ the "full" correlation (`convolve_direct.ts`) and Pᵀ the fold-back
 * of the padding (`padding.ts`), so ⟨A x, y⟩ = ⟨x, Aᵀ y⟩ for every mode and boundary.
 */
import { SdiError } from '../errors.js';
import { getChannel, mergeChannels, type Image } from '../image/image.js';
import { convolveValidAdjointDirect, convolveValidDirect, nonZeroTaps } from './convolve_direct.js';
import { convolveValidAdjointFft, convolveValidFft, fftCostUnits } from './convolve_fft.js';
import { padPlane, padPlaneAdjoint, type PadBoundary, type Pads } from './padding.js';
import type { Plane } from './plane.js';

/** Output extent: `valid` (only where the kernel fits: (H−k_h+1) × (W−k_w+1)), `same` (H × W, the image extended at its border), `circular` (periodic). */
export type ConvMode = 'valid' | 'same' | 'circular';
/** How `same` mode extends the image beyond its border. */
export type SameBoundary = 'zero' | 'replicate' | 'reflect';
/** Direct summation, FFT, or `auto` (the cheaper one for the kernel's size). */
export type ConvMethod = 'auto' | 'direct' | 'fft';

/** Every {@link ConvMode}, for option validation. */
export const CONV_MODES: readonly ConvMode[] = ['valid', 'same', 'circular'];
/** Every {@link SameBoundary}, for option validation. */
export const SAME_BOUNDARIES: readonly SameBoundary[] = ['zero', 'replicate', 'reflect'];

/** Options of the blur operators: mode, `same`'s boundary rule, direct or FFT. */
export interface ConvOptions {
  /** Output support (default 'valid'). */
  readonly mode?: ConvMode;
  /** Boundary rule of 'same' (default 'replicate'); ignored by the other modes. */
  readonly boundary?: SameBoundary;
  /** 'auto' (default) picks the cheaper of the direct and FFT paths. */
  readonly method?: ConvMethod;
}

/**
 * Measured cost ratio: one direct multiply-add ≈ this many FFT butterfly units (both ≈ 4–5 ns on
 * Node 20, x86-64).
 * The FFT path is chosen when nnz(k)·outputs·planes·ratio exceeds the FFT's units.
 */
const DIRECT_TO_FFT_COST = 1.0;

/** The padding P of 'same' and 'circular' modes: kh−1−cy rows on top, cy below (likewise for columns). */
export function kernelPads(k: { width: number; height: number }): Pads {
  const cy = Math.floor(k.height / 2), cx = Math.floor(k.width / 2);
  return { top: k.height - 1 - cy, bottom: cy, left: k.width - 1 - cx, right: cx };
}

/** Output size of A for an input of width×height: (W−kw+1)×(H−kh+1) for 'valid', W×H otherwise. */
export function blurOutputSize(width: number, height: number, k: { width: number; height: number }, mode: ConvMode): { width: number; height: number } {
  return mode === 'valid' ? { width: width - k.width + 1, height: height - k.height + 1 } : { width, height };
}

/** Input size of A for an output of width×height (the inverse of {@link blurOutputSize}). */
export function blurInputSize(width: number, height: number, k: { width: number; height: number }, mode: ConvMode): { width: number; height: number } {
  return mode === 'valid' ? { width: width + k.width - 1, height: height + k.height - 1 } : { width, height };
}

/** 'direct' or 'fft', whichever costs fewer operations for 'valid' filtering of `planes` planes of W×H. */
export function chooseMethod(width: number, height: number, k: Plane, planes = 1): 'direct' | 'fft' {
  const outputs = Math.max(0, width - k.width + 1) * Math.max(0, height - k.height + 1);
  const direct = outputs * nonZeroTaps(k) * planes * DIRECT_TO_FFT_COST;
  return direct > fftCostUnits(width, height, planes) ? 'fft' : 'direct';
}

function checkKernel(k: Plane): void {
  if (!(k.width >= 1 && k.height >= 1) || k.data.length !== k.width * k.height) throw new SdiError(`invalid kernel shape ${k.width}×${k.height}`);
}

function checkSameSize(planes: Plane[]): void {
  for (const p of planes) {
    if (p.width !== planes[0].width || p.height !== planes[0].height) throw new RangeError('planes differ in size');
    if (p.data.length !== p.width * p.height) throw new RangeError('plane data length does not match its shape');
  }
}

/** 'Valid' convolution V x of several equal-size planes (see the file comment), direct or by FFT. */
export function convolveValidPlanes(planes: Plane[], k: Plane, method: ConvMethod = 'auto'): Plane[] {
  checkKernel(k);
  if (planes.length === 0) return [];
  checkSameSize(planes);
  const { width, height } = planes[0];
  if (width < k.width || height < k.height) {
    throw new SdiError(`image ${width}×${height} is smaller than the ${k.width}×${k.height} kernel ('valid' needs at least the kernel size)`);
  }
  const m = method === 'auto' ? chooseMethod(width, height, k, planes.length) : method;
  return m === 'fft' ? convolveValidFft(planes, k) : planes.map((p) => convolveValidDirect(p, k));
}

/** Adjoint Vᵀ y of {@link convolveValidPlanes} ("full" correlation, output (h+kh−1)×(w+kw−1)). */
export function convolveValidAdjointPlanes(planes: Plane[], k: Plane, method: ConvMethod = 'auto'): Plane[] {
  checkKernel(k);
  if (planes.length === 0) return [];
  checkSameSize(planes);
  const { width, height } = planes[0];
  const m = method === 'auto' ? chooseMethod(width + k.width - 1, height + k.height - 1, k, planes.length) : method;
  return m === 'fft' ? convolveValidAdjointFft(planes, k) : planes.map((p) => convolveValidAdjointDirect(p, k));
}

/**
 * The pure 'valid' true convolution the solver mirrors: x of (H+kh−1)×(W+kw−1) → y of H×W,
 * y[i, j] = Σ_{a,b} k[a, b] · x[i + kh−1−a, j + kw−1−b].
 */
export function convolveValid(x: Plane, k: Plane, method: ConvMethod = 'auto'): Plane {
  return convolveValidPlanes([x], k, method)[0];
}

/** Adjoint of {@link convolveValid}: x̂[p, q] = Σ_{a,b} k[a, b] · y[p − kh+1 + a, q − kw+1 + b]. */
export function convolveValidAdjoint(y: Plane, k: Plane, method: ConvMethod = 'auto'): Plane {
  return convolveValidAdjointPlanes([y], k, method)[0];
}

function padBoundary(opts: ConvOptions): PadBoundary | null {
  const mode = opts.mode ?? 'valid';
  if (mode === 'valid') return null;
  if (mode === 'circular') return 'circular';
  return opts.boundary ?? 'replicate';
}

/** y = A x for equal-size planes: A = V ('valid') or V·P ('same', 'circular'); see the file comment. */
export function blurPlanes(planes: Plane[], k: Plane, opts: ConvOptions = {}): Plane[] {
  checkKernel(k);
  const boundary = padBoundary(opts);
  const padded = boundary ? planes.map((p) => padPlane(p, kernelPads(k), boundary)) : planes;
  return convolveValidPlanes(padded, k, opts.method);
}

/** x̂ = Aᵀ y for equal-size planes (the adjoint of {@link blurPlanes} with the same options). */
export function blurPlanesAdjoint(planes: Plane[], k: Plane, opts: ConvOptions = {}): Plane[] {
  checkKernel(k);
  const boundary = padBoundary(opts);
  const full = convolveValidAdjointPlanes(planes, k, opts.method);
  if (!boundary || planes.length === 0) return full;
  const { width, height } = planes[0];
  return full.map((p) => padPlaneAdjoint(p, kernelPads(k), boundary, width, height));
}

/** y = A x for one plane. */
export function blurPlane(x: Plane, k: Plane, opts: ConvOptions = {}): Plane {
  return blurPlanes([x], k, opts)[0];
}

/** x̂ = Aᵀ y for one plane. */
export function blurPlaneAdjoint(y: Plane, k: Plane, opts: ConvOptions = {}): Plane {
  return blurPlanesAdjoint([y], k, opts)[0];
}

function splitChannels(image: Image): Plane[] {
  if (image.channels === 1) return [image];
  return Array.from({ length: image.channels }, (_, c) => getChannel(image, c));
}

function joinChannels(planes: Plane[]): Image {
  if (planes.length === 1) return { width: planes[0].width, height: planes[0].height, channels: 1, data: planes[0].data };
  return mergeChannels(planes.map((p) => ({ ...p, channels: 1 as const })));
}

/** A x applied to every channel of an image (the same PSF for all channels). */
export function blurImage(image: Image, k: Plane, opts: ConvOptions = {}): Image {
  return joinChannels(blurPlanes(splitChannels(image), k, opts));
}

/** Aᵀ y applied to every channel of an image. */
export function blurImageAdjoint(image: Image, k: Plane, opts: ConvOptions = {}): Image {
  return joinChannels(blurPlanesAdjoint(splitChannels(image), k, opts));
}
