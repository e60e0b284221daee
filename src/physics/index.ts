/**
 * Physics module: forward blur operators (`convolve.ts`, `blur_operator.ts`), PSF simulators
 * (`psf/`), noise (`noise.ts`) and blur simulation (`simulate.ts`). Pure typed-array code (no
 * tfjs); the kernel orientation convention is the one documented in `kernel.ts`.
 */
export * from './kernel.js';
export * from './kernel_view.js';
export * from './kernel_resample.js';
export * from './kernel_centroid.js';
export * from './plane.js';
export * from './padding.js';
export * from './convolve.js';
export * from './blur_operator.js';
export * from './noise.js';
export * from './simulate.js';
export * from './psf/index.js';
