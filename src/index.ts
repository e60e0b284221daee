/**
 * deblur-sdi: zero-shot blind image deblurring by self-diffusion (DeblurSDI), in TypeScript, for
 * Node and browsers. The main entry point is {@link deblur}; the physics (blur operators, PSF
 * simulators), metrics and non-blind deconvolution are also exported as sub-paths.
 */
export { deblur, resolveKernelSize, type DeblurOptions, type DeblurHooks, type DeblurResult, type RunReport, type RestoreMode } from './deblur.js';
export { initBackend, type BackendName, type BackendInfo } from './engine/backend.js';
export { SdiError } from './errors.js';
export { Rng } from './rng.js';
export * from './image/image.js';
export { decodeImage, encodePng, encodeJpeg, sniffImageFormat } from './image/codec.js';
export * from './physics/kernel.js';
export { kernelToImage } from './physics/kernel_view.js';
export { presets, presetNames, defaultPreset, resolveSolverOptions, type PresetName, type Preset } from './solver/presets.js';
export { defaultSolverOptions, type SolverOptions, type SolverOverrides, type DiffusionMode } from './solver/options.js';
export { runSelfDiffusion, type SolverProgress, type SolverResult, type SolverCheckpoint, type SolverEvent } from './solver/self_diffusion.js';
export { linearNoiseSchedule } from './solver/schedule.js';
export { getMethod, methodNames, registerMethod, type Method, type MethodContext, type MethodResult } from './methods/registry.js';
export { deconvolveHqs, deconvolveWiener } from './deconv/index.js';
