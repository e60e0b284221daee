/** Image and kernel quality metrics: PSNR, SSIM, the Levin alignment protocol, kernel accuracy and the error ratio. */
export { psnr, mse, psnrFromMse, sumSquaredError, assertSameShape } from './psnr.js';
export { ssim, ssimPlane, ssimGaussian1d, SSIM_WINDOW_SIZE, SSIM_SIGMA, SSIM_C1, SSIM_C2 } from './ssim.js';
export { scoreLevin, alignLevin, type LevinScore, type LevinAlignment, type LevinAlignOptions } from './align.js';
export { kernelNcc, kernelPsnr, alignKernels, type KernelAlignment } from './kernel_metrics.js';
export { errorRatio, errorRatioWithTrueKernel, trueKernelReference, type ErrorRatio } from './error_ratio.js';
