/** Non-blind deconvolution with a known kernel: Wiener (fast baseline) and HQS with a TV / hyper-Laplacian prior. */
export { deconvolveWiener, wienerPlane, DEFAULT_WIENER_NSR, type WienerOptions } from './wiener.js';
export { deconvolveHqs, hqsPlane, hqsCanvas, autoHqsLambda, HQS_DEFAULTS, HQS_LAMBDA_PER_SIGMA, HQS_LAMBDA_MIN, HQS_LAMBDA_MAX, BLIND_HQS_LAMBDA_PER_SIGMA, type HqsOptions } from './hqs.js';
export { estimateNoiseSigma } from './noise.js';
export { hyperLaplacianShrinkage, isotropicShrinkage, type Shrinkage } from './shrinkage.js';
export { padPlane, cropPlane, mirrorIndex, paddedLength, type PaddedPlane } from './boundary.js';
export { checkDeconvolutionInputs } from './common.js';
