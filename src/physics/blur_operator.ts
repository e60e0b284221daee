/**
 * A blur operator as an object (deepinv style): y = A x with `apply`, x̂ = Aᵀ y with `adjoint`,
 * for one PSF and one boundary mode. The equations are those of `convolve.ts`.
 */
import type { Image } from '../image/image.js';
import {
  blurImage, blurImageAdjoint, blurInputSize, blurOutputSize,
  type ConvMethod, type ConvMode, type SameBoundary,
} from './convolve.js';
import type { Plane } from './plane.js';

/** A blur A: x ↦ x ⊛ k in one mode (convolve.ts) with its adjoint Aᵀ, ⟨Ax, y⟩ = ⟨x, Aᵀy⟩. */
export interface BlurOperator {
  /** The PSF k (true-convolution orientation, centre ⌊k/2⌋). */
  readonly kernel: Plane;
  readonly mode: ConvMode;
  readonly boundary: SameBoundary;
  readonly method: ConvMethod;
  /** y = A x, channel by channel. */
  apply(x: Image): Image;
  /** x̂ = Aᵀ y, channel by channel; ⟨A x, y⟩ = ⟨x, Aᵀ y⟩. */
  adjoint(y: Image): Image;
  /** Size of A x for an input of width×height. */
  outputSize(width: number, height: number): { width: number; height: number };
  /** Size of x for an observation of width×height (the domain of A). */
  inputSize(width: number, height: number): { width: number; height: number };
}

/** Builds the operator A for PSF `kernel` (mode 'valid' by default, 'replicate' boundary for 'same'). */
export function createBlurOperator(
  kernel: Plane,
  opts: { mode?: ConvMode; boundary?: SameBoundary; method?: ConvMethod } = {},
): BlurOperator {
  const mode = opts.mode ?? 'valid';
  const boundary = opts.boundary ?? 'replicate';
  const method = opts.method ?? 'auto';
  const conv = { mode, boundary, method };
  return {
    kernel, mode, boundary, method,
    apply: (x) => blurImage(x, kernel, conv),
    adjoint: (y) => blurImageAdjoint(y, kernel, conv),
    outputSize: (w, h) => blurOutputSize(w, h, kernel, mode),
    inputSize: (w, h) => blurInputSize(w, h, kernel, mode),
  };
}
