/**
 * Classic blind-deblurring baselines on the CPU (typed arrays, FFTs; no tfjs): MAP blind
 * deconvolution with the L0 gradient (Pan et al. 2014), dark channel (Pan et al. 2016) and FFT-ReLU
 * (Al Radi et al. 2025) priors, and Phase-Only kernel estimation (L. Pan et al. 2019).
 */
export { estimateKernelMap, deblurMap, mapEnergy, kernelDims, MAP_DEFAULTS, MAP_PRIORS, type MapBlindOptions, type MapPrior, type MapKernelEstimate, type MapDeblurResult } from './map_blind.js';
export { estimateKernelPhaseOnly, deblurPhaseOnly, phaseOnlyImage, phaseOnlyAutocorrelation, PHASE_ONLY_DEFAULTS, type PhaseOnlyOptions, type PhaseOnlyEstimate } from './phase_only.js';
export { kernelFromAutocorrelation, kernelAutocorrelation, PHASE_RETRIEVAL_DEFAULTS, type PhaseRetrievalOptions } from './phase_retrieval.js';
export { l0ImageUpdate, L0_UPDATE_DEFAULTS, type L0ImageUpdateOptions, type LatentPrior } from './l0_image_update.js';
export { kernelLeastSquares, kernelNormalEquations, projectKernel, centerKernel, KERNEL_UPDATE_DEFAULTS, KERNEL_PROJECTION_DEFAULTS, type KernelUpdateOptions, type KernelProjectionOptions, type GradientPair } from './kernel_update.js';
export { darkChannel, darkChannelTarget, type DarkChannel } from './dark_channel.js';
export { reluFourierTransform, reluFourierTransformFromSpectrum, fftReluRightHandSide } from './fft_relu_prior.js';
export { edgeThreshold, selectEdges, EDGE_PIXELS_PER_ORIENTATION } from './edge_selection.js';
export { pyramidLevels, initialKernel, upsampleKernel, PYRAMID_DEFAULTS, type PyramidLevel } from './pyramid.js';
export { circularGradients, circularGradientAdjoint, gradientPowerSpectrum, boundedGradients } from './finite_differences.js';
export { RealFft2d } from '../math/real_fft2d.js';
export { baselineMethods } from './methods.js';
