/**
 * Library form of `sdi simulate`: y = clip(A k x + noise), plus the ground truth aligned with y.
 *
 * For 'valid' blur, y[i, j] is centred on x[i + kh−1−cy, j + kw−1−cx] (cy = ⌊kh/2⌋), so the aligned
 * ground truth is the (W−kw+1)×(H−kh+1) crop of x starting at (kw−1−cx, kh−1−cy): the central crop
 * for odd kernels. For 'same' and 'circular' it is x itself.
 */
import { SdiError } from '../errors.js';
import { clampImage, cropImage, type Image } from '../image/image.js';
import type { Rng } from '../rng.js';
import { blurImage, kernelPads, type ConvMethod, type ConvMode, type SameBoundary } from './convolve.js';
import type { Kernel } from './kernel.js';
import { addGaussianNoise, addPoissonGaussianNoise } from './noise.js';

/** Options of {@link simulateBlur}: y = clip(x ⊛ k + n) with the PSF k, the blur mode and the noise n. */
export interface SimulateOptions {
  /** The PSF (true-convolution orientation). */
  readonly kernel: Kernel;
  /** Blur mode (default 'valid'). */
  readonly mode?: ConvMode;
  /** Boundary of 'same' (default 'replicate'). */
  readonly boundary?: SameBoundary;
  readonly method?: ConvMethod;
  /** Gaussian noise σ on the [0, 1] scale (default 0). */
  readonly noiseSigma?: number;
  /** Poisson gain g (1/photons at white); when set, Poisson–Gaussian noise is used. */
  readonly poissonGain?: number;
  /** Draws the noise; needed when any noise is requested. */
  readonly rng?: Rng;
  /** Clamp the result to [0, 1] (default true). */
  readonly clip?: boolean;
}

/** The result of {@link simulateBlur}: the observation y, the noiseless x ⊛ k and the ground truth aligned with y. */
export interface Simulation {
  /** The noisy (and clipped) observation y. */
  readonly blurred: Image;
  /** x ⊛ k before noise. */
  readonly clean: Image;
  /** The sharp image pixel-aligned with y, same size (see the file comment). */
  readonly groundTruth: Image;
}

/** The part of `sharp` aligned with its blur under `mode` (see the file comment). */
export function alignedGroundTruth(sharp: Image, kernel: { width: number; height: number }, mode: ConvMode): Image {
  if (mode !== 'valid') return sharp;
  const pads = kernelPads(kernel);
  return cropImage(sharp, pads.left, pads.top, sharp.width - kernel.width + 1, sharp.height - kernel.height + 1);
}

/** Blurs `sharp` with the PSF, adds the requested noise, clips; see {@link SimulateOptions}. */
export function simulateBlur(sharp: Image, opts: SimulateOptions): Simulation {
  const mode = opts.mode ?? 'valid';
  const clean = blurImage(sharp, opts.kernel, { mode, boundary: opts.boundary, method: opts.method });
  const sigma = opts.noiseSigma ?? 0;
  const wantsNoise = sigma > 0 || opts.poissonGain !== undefined;
  if (wantsNoise && !opts.rng) throw new SdiError('simulateBlur: noise needs an rng');
  let noisy = clean;
  if (opts.poissonGain !== undefined && opts.rng) noisy = addPoissonGaussianNoise(clean, { gain: opts.poissonGain, sigma }, opts.rng);
  else if (sigma > 0 && opts.rng) noisy = addGaussianNoise(clean, sigma, opts.rng);
  const blurred = opts.clip === false ? noisy : clampImage(noisy);
  return { blurred, clean, groundTruth: alignedGroundTruth(sharp, opts.kernel, mode) };
}
