/**
 * Error ratio (Levin, Weiss, Durand & Freeman, CVPR 2009): how much worse a blind estimate is than
 * the best one could do knowing the kernel,
 *
 *     r = SSE(estimate, ground truth) / SSE(non-blind deconvolution with the true kernel, ground truth),
 *
 * both squared errors measured by the aligned Levin protocol (align.ts: 15 px crop, best shift on the
 * ¼-px grid within ±10 px). r ≈ 1 means as good as knowing the kernel; Levin et al. count r < 2–3 as
 * visually acceptable. The reference here is our HQS deconvolution (deconv/hqs.ts, default options)
 * rather than Levin's sparse-prior solver, so absolute ratios are comparable only within this project.
 */
import type { Image } from '../image/image.js';
import type { Kernel } from '../physics/kernel.js';
import { deconvolveHqs, type HqsOptions } from '../deconv/hqs.js';
import { alignLevin, type LevinAlignOptions } from './align.js';

/** An error ratio and its two aligned squared errors. */
export interface ErrorRatio {
  /** sseEstimate / sseReference. */
  ratio: number;
  sseEstimate: number;
  sseReference: number;
}

/** r = SSE_aligned(estimate) / SSE_aligned(reference) against the same ground truth (module comment). */
export function errorRatio(estimate: Image, groundTruth: Image, reference: Image, opts: LevinAlignOptions = {}): ErrorRatio {
  const sseEstimate = alignLevin(estimate, groundTruth, opts).sse;
  const sseReference = alignLevin(reference, groundTruth, opts).sse;
  return { ratio: sseEstimate / sseReference, sseEstimate, sseReference };
}

/**
 * The non-blind reference of the error ratio: `blurred` deconvolved by HQS with the true kernel (PSF
 * convention: rotate Levin's .txt kernels by 180° first).
 */
export function trueKernelReference(blurred: Image, trueKernel: Kernel, hqs: HqsOptions = {}): Image {
  return deconvolveHqs(blurred, trueKernel, hqs);
}

/** {@link errorRatio} with the reference computed by {@link trueKernelReference} from the blurred input and the true kernel. */
export function errorRatioWithTrueKernel(estimate: Image, groundTruth: Image, blurred: Image, trueKernel: Kernel, opts: { align?: LevinAlignOptions; hqs?: HqsOptions } = {}): ErrorRatio {
  return errorRatio(estimate, groundTruth, trueKernelReference(blurred, trueKernel, opts.hqs), opts.align);
}
