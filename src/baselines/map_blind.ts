/**
 * MAP blind deconvolution, coarse to fine, in the framework of Pan, Hu, Su & Yang ("Deblurring text
 * images via L0-regularized intensity and gradient prior", CVPR 2014) and Pan, Sun, Pfister & Yang
 * ("Blind image deblurring using dark channel prior", CVPR 2016), with the priors of
 *
 *   'l0'           μ‖∇x‖₀ (+ σμ‖x‖₀ with `intensityWeight` σ > 0: Pan et al. 2014's text prior)
 *   'dark-channel' μ‖∇x‖₀ + λ‖D(x)‖₀ (Pan et al. 2016)
 *   'fft-relu'     μ‖∇x‖₀ + λ‖RFT(x)‖₀ (Al Radi et al., WACV 2025)
 *
 * in the energy  min_{x,k} ‖k ∗ x − y‖² + (prior on x) + γ‖k‖²,  k ≥ 0, Σk = 1.
 *
 * Per pyramid level (pyramid.ts), `iterationsPerScale` times: the latent-image step
 * (l0_image_update.ts, half-quadratic splitting with FFT solves), then the kernel step
 * (kernel_update.ts: gradient-domain least squares, projected: ≥ 0, small taps pruned, Σ = 1;
 * optionally the latent gradients first pass Cho & Lee's salient-edge selection, edge_selection.ts,
 * with the threshold taken once from the coarsest blurred image and lowered by 1.1 per alternation,
 * restarting at each level, as in Pan et al.'s published code), then
 * the weights decay, μ ← max(μ/1.1, 1e-4), λ ← max(λ/1.1, 1e-4) (Pan et al.'s schedule, carried
 * across levels). Between levels the kernel is re-centred and upsampled. Defaults are the papers':
 * μ = λ = 4e-3, γ = 2, 5 iterations per level, ratio 1/√2, dark-channel patch 35, κ = 2, βmax = 1e5.
 * The image is then restored by non-blind deconvolution (deconv/hqs.ts) with the estimated kernel.
 */
import { SdiError } from '../errors.js';
import { downscaleImage, isFiniteImage, toLuminance, type Image } from '../image/image.js';
import { psf2otf } from '../math/fft.js';
import { cropPlane, padPlane } from '../deconv/boundary.js';
import { BLIND_HQS_LAMBDA_PER_SIGMA, deconvolveHqs, type HqsOptions } from '../deconv/hqs.js';
import type { Kernel } from '../physics/kernel.js';
import { edgeThreshold, selectEdges } from './edge_selection.js';
import { boundedGradients } from './finite_differences.js';
import { centerKernel, kernelLeastSquares, projectKernel, type GradientPair } from './kernel_update.js';
import { l0ImageUpdate, type LatentPrior } from './l0_image_update.js';
import { RealFft2d } from '../math/real_fft2d.js';
import { downsampleKernel, initialKernel, pyramidLevels, upsampleKernel, type PyramidLevel } from './pyramid.js';

/** The image prior of a MAP run (module comment). */
export type MapPrior = 'l0' | 'dark-channel' | 'fft-relu';
/** All MAP priors. */
export const MAP_PRIORS: readonly MapPrior[] = ['l0', 'dark-channel', 'fft-relu'];

/** Options of {@link estimateKernelMap} (defaults in {@link MAP_DEFAULTS}: the papers'). */
export interface MapBlindOptions {
  /** Kernel window to estimate: n (square) or [height, width]. */
  kernelSize: number | [number, number];
  /** Image prior besides μ‖∇x‖₀ (default 'l0': none). */
  prior?: MapPrior;
  /** μ: initial weight of ‖∇x‖₀ (default 4e-3). */
  gradientWeight?: number;
  /** λ: initial weight of the dark-channel / FFT-ReLU term (default 4e-3). */
  priorWeight?: number;
  /** σ: intensity term σμ‖x‖₀ of prior 'l0' (default 0; Pan et al. 2014 use 1 for text images). */
  intensityWeight?: number;
  /** γ: kernel Tikhonov weight (default 2). */
  kernelWeight?: number;
  /** Alternations per pyramid level (default 5). */
  iterationsPerScale?: number;
  /** Pyramid ratio r (default 1/√2). */
  pyramidRatio?: number;
  /** Weight decay per alternation (default 1.1) and floor (default 1e-4). */
  weightDecay?: number;
  minWeight?: number;
  /** Dark-channel window (default 35). */
  patchSize?: number;
  /** HQS penalty growth κ (default 2) and end βmax (default 1e5). */
  kappa?: number;
  betaMax?: number;
  /** Kernel projection: prune taps < pruneRatio·max (default 0.05), drop fragments < minComponentMass (default 0.1). */
  pruneRatio?: number;
  minComponentMass?: number;
  /** CG iterations of the kernel step (default 20). */
  cgIterations?: number;
  /**
   * Cho & Lee's salient-edge selection of the latent gradients in the kernel step (edge_selection.ts),
   * as in Pan et al.'s published code (their papers do not describe it). Default: on for
   * 'dark-channel' (without it, 7 of the 32 Levin photos gave truncated kernels; on three of them it
   * raised the PSNR from 23.4, 18.8, 28.1 to 32.4, 30.3, 34.3 dB), off for 'l0' and 'fft-relu' (on 8
   * hard Levin photos it lowered their mean PSNR by 2.1 and 1.4 dB). Chosen on the benchmark photos.
   */
  edgeSelection?: boolean;
  /** Decay of the edge threshold per alternation (default 1.1). */
  edgeThresholdDecay?: number;
  /** Start from this kernel at full resolution and skip the pyramid. */
  initialKernel?: Kernel;
  /** Start the pyramid from this kernel, resampled to the coarsest level, instead of the 2-tap start (Phase-Only's refinement). */
  pyramidSeed?: Kernel;
}

/** The papers' defaults (Pan et al. 2014/2016; Al Radi et al. use Pan et al.'s). */
export const MAP_DEFAULTS = {
  prior: 'l0' as MapPrior, gradientWeight: 4e-3, priorWeight: 4e-3, intensityWeight: 0, kernelWeight: 2, iterationsPerScale: 5,
  pyramidRatio: Math.SQRT1_2, weightDecay: 1.1, minWeight: 1e-4, patchSize: 35, kappa: 2, betaMax: 1e5,
  pruneRatio: 0.05, minComponentMass: 0.1, cgIterations: 20, edgeThresholdDecay: 1.1,
};

type ResolvedMapOptions = Required<Omit<MapBlindOptions, 'initialKernel' | 'pyramidSeed' | 'kernelSize'>> & { kernelWidth: number; kernelHeight: number; initialKernel?: Kernel; pyramidSeed?: Kernel };

/** Kernel size option → [width, height]. */
export function kernelDims(size: number | [number, number]): [number, number] {
  const [h, w] = typeof size === 'number' ? [size, size] : size;
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < 1 || w < 1) throw new SdiError(`kernel size must be positive integers, got ${String(size)}`);
  return [w, h];
}

function resolveOptions(options: MapBlindOptions): ResolvedMapOptions {
  const o = { ...MAP_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as MapBlindOptions & typeof MAP_DEFAULTS;
  if (!MAP_PRIORS.includes(o.prior)) throw new SdiError(`unknown MAP prior '${o.prior}' (known: ${MAP_PRIORS.join(', ')})`);
  for (const [name, v] of [['gradientWeight', o.gradientWeight], ['kernelWeight', o.kernelWeight], ['minWeight', o.minWeight], ['betaMax', o.betaMax]] as const) {
    if (!(v > 0) || !Number.isFinite(v)) throw new SdiError(`MAP option ${name} must be a finite number > 0, got ${v}`);
  }
  for (const [name, v] of [['priorWeight', o.priorWeight], ['intensityWeight', o.intensityWeight], ['pruneRatio', o.pruneRatio], ['minComponentMass', o.minComponentMass]] as const) {
    if (!(v >= 0) || !Number.isFinite(v)) throw new SdiError(`MAP option ${name} must be a finite number ≥ 0, got ${v}`);
  }
  if (!Number.isInteger(o.iterationsPerScale) || o.iterationsPerScale < 1) throw new SdiError('MAP option iterationsPerScale must be an integer ≥ 1');
  if (!(o.kappa > 1) || !(o.weightDecay >= 1) || !(o.pyramidRatio > 0 && o.pyramidRatio < 1)) throw new SdiError('MAP options need kappa > 1, weightDecay ≥ 1, 0 < pyramidRatio < 1');
  const [kernelWidth, kernelHeight] = kernelDims(options.kernelSize);
  const edgeSelection = o.edgeSelection ?? o.prior === 'dark-channel';
  return { ...o, edgeSelection, kernelWidth, kernelHeight };
}

/** The latent-image prior and its weight for a MAP prior at the current weights. */
function latentPrior(o: ResolvedMapOptions, mu: number, lambda: number): { prior: LatentPrior; weight: number } {
  if (o.prior === 'dark-channel') return { prior: 'dark-channel', weight: lambda };
  if (o.prior === 'fft-relu') return { prior: 'fft-relu', weight: lambda };
  return o.intensityWeight > 0 ? { prior: 'intensity', weight: o.intensityWeight * mu } : { prior: 'none', weight: 0 };
}

/** Current weights of the alternation (decayed in place). */
interface Weights {
  mu: number;
  lambda: number;
}

/**
 * One pyramid level: `iterationsPerScale` alternations of the image and kernel steps on the gray
 * width×height plane y, from kernel k. Returns the kernel and the last latent image (width×height).
 */
function mapLevel(y: Float32Array, width: number, height: number, kernel: Kernel, o: ResolvedMapOptions, weights: Weights, edgeTau?: number): { kernel: Kernel; latent: Float64Array } {
  const { width: kw, height: kh } = kernel;
  const pad = padPlane(y, width, height, Math.max(kw, kh));
  let k = kernel;
  let latent: Float64Array = new Float64Array(0);
  let tau = edgeTau ?? 0;
  for (let it = 0; it < o.iterationsPerScale; it++) {
    const otf = psf2otf(k, pad.rows, pad.cols);
    const { prior, weight } = latentPrior(o, weights.mu, weights.lambda);
    const canvas = l0ImageUpdate(pad.data, pad.rows, pad.cols, otf, {
      gradientWeight: weights.mu, prior, priorWeight: weight, patchSize: o.patchSize, kappa: o.kappa, betaMax: o.betaMax,
    });
    latent = cropPlane(canvas, pad.cols, width, height);
    let gradients: GradientPair = boundedGradients(latent, width, height);
    if (edgeTau !== undefined) {
      gradients = selectEdges(gradients[0], gradients[1], tau);
      tau /= o.edgeThresholdDecay;
    }
    const raw = kernelLeastSquares(gradients, y, width, height, kw, kh, { weight: o.kernelWeight, cgIterations: o.cgIterations, initial: k });
    k = projectKernel(raw, kw, kh, { pruneRatio: o.pruneRatio, minComponentMass: o.minComponentMass });
    weights.mu = Math.max(weights.mu / o.weightDecay, o.minWeight);
    weights.lambda = Math.max(weights.lambda / o.weightDecay, o.minWeight);
  }
  return { kernel: k, latent };
}

/** Result of {@link estimateKernelMap}. */
export interface MapKernelEstimate {
  /** The estimated PSF (kernelSize, Σ = 1, convention of physics/kernel.ts). */
  kernel: Kernel;
  /** The last latent (sharp-edged, L0-regularised) image of the finest level: a by-product, not the restored image. */
  latent: Image;
  /** The pyramid levels used, coarsest first, with the wall time of each. */
  levels: Array<PyramidLevel & { ms: number }>;
}

function checkInput(image: Image, kw: number, kh: number): void {
  if (!isFiniteImage(image)) throw new SdiError('image has a NaN or infinite sample');
  if (kw > image.width || kh > image.height) throw new SdiError(`kernel ${kw}×${kh} is larger than the image ${image.width}×${image.height}`);
}

/**
 * Estimates the blur kernel of an image by coarse-to-fine MAP blind deconvolution (module comment).
 * Colour images are reduced to luminance. Deterministic (no randomness).
 */
export function estimateKernelMap(blurred: Image, options: MapBlindOptions): MapKernelEstimate {
  const o = resolveOptions(options);
  checkInput(blurred, o.kernelWidth, o.kernelHeight);
  const gray = toLuminance(blurred);
  const weights: Weights = { mu: o.gradientWeight, lambda: o.priorWeight };
  const init = o.initialKernel;
  if (init && (init.width !== o.kernelWidth || init.height !== o.kernelHeight)) throw new SdiError(`initial kernel ${init.width}×${init.height} differs from the kernel size ${o.kernelWidth}×${o.kernelHeight}`);
  const levels = init
    ? [{ scale: 1, width: gray.width, height: gray.height, kernelWidth: o.kernelWidth, kernelHeight: o.kernelHeight }]
    : pyramidLevels(gray.width, gray.height, o.kernelWidth, o.kernelHeight, o.pyramidRatio);
  const coarsest = levels[0];
  let kernel = init ?? (o.pyramidSeed
    ? downsampleKernel(centerKernel(o.pyramidSeed), coarsest.scale, coarsest.kernelWidth, coarsest.kernelHeight)
    : initialKernel(coarsest.kernelWidth, coarsest.kernelHeight));
  let latent: Float64Array = new Float64Array(0);
  let previousScale = levels[0].scale;
  const timed: MapKernelEstimate['levels'] = [];
  let edgeTau: number | undefined;
  for (const level of levels) {
    const t0 = performance.now();
    if (level.kernelWidth !== kernel.width || level.kernelHeight !== kernel.height || level.scale !== previousScale) {
      kernel = upsampleKernel(centerKernel(kernel), level.scale / previousScale, level.kernelWidth, level.kernelHeight);
    }
    const y = level.scale === 1 ? gray : downscaleImage(gray, gray.width / level.width);
    if (o.edgeSelection && edgeTau === undefined) {
      const [gh, gv] = boundedGradients(y.data, y.width, y.height);
      edgeTau = edgeThreshold(gh, gv, level.kernelWidth * level.kernelHeight);
    }
    const out = mapLevel(y.data, y.width, y.height, kernel, o, weights, edgeTau);
    kernel = out.kernel;
    latent = out.latent;
    previousScale = level.scale;
    timed.push({ ...level, ms: performance.now() - t0 });
  }
  return { kernel, latent: { width: gray.width, height: gray.height, channels: 1, data: Float32Array.from(latent) }, levels: timed };
}

/**
 * The MAP energy of a kernel on an image's luminance y: with x_k the L0 latent for k (l0_image_update.ts,
 * gradient weight μ, no other prior),
 *
 *     E(k) = ‖k ∗ x_k − y‖²_Ω + μ·#{p ∈ Ω : |∇x_k(p)|² > 1e-6},
 *
 * Ω the pixels at least one kernel size away from the border. Lower is a better explanation of the
 * image; used to choose between candidate kernels (Phase-Only's k vs its 180° rotation).
 */
export function mapEnergy(image: Image, kernel: Kernel, mu: number): number {
  const gray = image.channels === 1 ? image : toLuminance(image);
  const { width: W, height: H } = gray;
  const { width: kw, height: kh } = kernel;
  const pad = padPlane(gray.data, W, H, Math.max(kw, kh));
  const otf = psf2otf(kernel, pad.rows, pad.cols);
  const x = l0ImageUpdate(pad.data, pad.rows, pad.cols, otf, { gradientWeight: mu });
  const fft = new RealFft2d(pad.rows, pad.cols);
  const re = new Float64Array(x.length), im = new Float64Array(x.length);
  fft.forward(x, re, im);
  for (let i = 0; i < re.length; i++) {
    const a = re[i], b = im[i];
    re[i] = a * otf.re[i] - b * otf.im[i];
    im[i] = a * otf.im[i] + b * otf.re[i];
  }
  const kx = new Float64Array(x.length);
  fft.inverse(re, im, kx);
  let data = 0, count = 0;
  for (let r = kh; r < H - kh; r++) {
    for (let c = kw; c < W - kw; c++) {
      const i = r * pad.cols + c;
      data += (kx[i] - gray.data[r * W + c]) ** 2;
      const gh = x[i + 1] - x[i], gv = x[i + pad.cols] - x[i];
      if (gh * gh + gv * gv > 1e-6) count++;
    }
  }
  return data + mu * count;
}

/** Result of {@link deblurMap}. */
export interface MapDeblurResult {
  image: Image;
  kernel: Kernel;
  report: { method: string; prior: MapPrior; kernelMs: number; deconvolutionMs: number; levels: MapKernelEstimate['levels'] };
}

/**
 * Blind deblurring by MAP: the kernel from {@link estimateKernelMap} on the luminance, then every
 * channel of the full image restored by non-blind HQS deconvolution with it (deconv/hqs.ts,
 * `deconvolution` options; default: TV prior, automatic λ = 0.2·σ̂, the weight for an estimated kernel).
 */
export function deblurMap(blurred: Image, options: MapBlindOptions & { deconvolution?: HqsOptions }): MapDeblurResult {
  const t0 = performance.now();
  const estimate = estimateKernelMap(blurred, options);
  const t1 = performance.now();
  const image = deconvolveHqs(blurred, estimate.kernel, { lambdaPerSigma: BLIND_HQS_LAMBDA_PER_SIGMA, ...options.deconvolution });
  const t2 = performance.now();
  const prior = options.prior ?? MAP_DEFAULTS.prior;
  return { image, kernel: estimate.kernel, report: { method: `map-${prior}`, prior, kernelMs: t1 - t0, deconvolutionMs: t2 - t1, levels: estimate.levels } };
}
