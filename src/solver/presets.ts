/**
 * Named presets: partial overrides of {@link defaultSolverOptions} plus the working size on which
 * the kernel is estimated. Costs and Levin quality of each are measured by the benchmarks and quoted
 * in the README (results/), not asserted here.
 */
import { defaultSolverOptions, type SolverOptions, type SolverOverrides } from './options.js';
import { BLIND_HQS_LAMBDA_PER_SIGMA, HQS_LAMBDA_PER_SIGMA } from '../deconv/hqs.js';

/** The named presets (see the README's Presets table). */
export type PresetName = 'fast' | 'lean' | 'thorough' | 'balanced' | 'paper';
/** Every preset name, in the order help texts list them. */
export const presetNames: readonly PresetName[] = ['fast', 'lean', 'thorough', 'balanced', 'paper'];
/** The preset the library and the command line use when none is given. */
export const defaultPreset: PresetName = 'thorough';

/** A preset: solver settings, networks, working size and output mode. */
export interface Preset {
  /** One-line description shown in help texts and the web page. */
  description: string;
  /** Solver options the preset sets. */
  solver: SolverOverrides;
  /**
   * Largest side (pixels) of the image the kernel is estimated on. Larger images are centre-cropped
   * to this size for the estimate, and the full image is then restored with the estimated kernel.
   */
  maxWorkingSize: number;
  /** Scale at which the kernel is estimated (1 = full resolution; see DeblurOptions.scale). */
  scale?: number;
  /**
   * How the output image is made when the caller says `auto`: `network` (the paper: the image
   * network's x_0, possible for gray images estimated whole at scale 1) or `nonblind` (non-blind
   * deconvolution of the input with the estimated kernel). With short schedules the kernel
   * converges long before the image network does, so the cheap presets use `nonblind`.
   */
  restore: 'network' | 'nonblind';
  /**
   * Slope c of the non-blind restore's prior weight λ = c·σ̂ (deconv/hqs.ts, autoHqsLambda). The long
   * schedules' kernels are nearly the true ones (error ratio ≈ 1.2) and take the known-PSF weight 0.1;
   * the short schedules' kernels carry errors that a weaker prior amplifies, so they keep 0.2.
   */
  restoreLambdaPerSigma: number;
}

/** The presets by name. */
export const presets: Record<PresetName, Preset> = {
  paper: {
    description: 'the paper schedule: T=30 outer × S=200 inner steps, 128-channel U-Net (hours on a CPU; for a GPU)',
    solver: { steps: 30, iterations: 200, unet: { inputChannels: 1, levels: 5, width: 128, skipWidth: 16, nonLocalLevels: 3 }, kernelHiddenUnits: 1000, kernelHiddenLayers: 3 },
    maxWorkingSize: 256,
    restore: 'network',
    restoreLambdaPerSigma: HQS_LAMBDA_PER_SIGMA,
  },
  balanced: {
    description: 'T=30 × S=50, 32-channel U-Net with NonLocal on 3 levels, whole image up to 256 px at full resolution: the paper method at a quarter of its schedule and width (≈ 13 min per 256² image on 2 CPU cores)',
    solver: { steps: 30, iterations: 50, unet: { inputChannels: 1, levels: 5, width: 32, skipWidth: 16, nonLocalLevels: 3 }, kernelHiddenUnits: 1000, kernelHiddenLayers: 3 },
    maxWorkingSize: 256,
    restore: 'nonblind',
    restoreLambdaPerSigma: BLIND_HQS_LAMBDA_PER_SIGMA,
  },
  lean: {
    description: 'the balanced schedule (T=30 × S=50) on a 16-channel U-Net, its first 20 outer steps at half resolution: Levin motion 28.43 dB (balanced at 16 channels: 28.46), Levin aberration 28.97 dB (28.15), FFHQ motion 28.25 dB (28.24), in ≈ 5 min per 256² image on a CPU core',
    solver: { steps: 30, iterations: 50, coarseSteps: 20, unet: { inputChannels: 1, levels: 5, width: 16, skipWidth: 16, nonLocalLevels: 3 }, kernelHiddenUnits: 1000, kernelHiddenLayers: 3 },
    maxWorkingSize: 256,
    restore: 'nonblind',
    restoreLambdaPerSigma: BLIND_HQS_LAMBDA_PER_SIGMA,
  },
  thorough: {
    description: 'the paper\'s schedule (T=30 × S=200) on lean\'s 16-channel U-Net, its first 20 outer steps at half resolution: Levin motion 33.70 dB / 0.945 on all 32 images (lean: 28.44; the paper: 31.85), in ≈ 9 min per 256² image on one CPU core',
    solver: { steps: 30, iterations: 200, coarseSteps: 20, unet: { inputChannels: 1, levels: 5, width: 16, skipWidth: 16, nonLocalLevels: 3 }, kernelHiddenUnits: 1000, kernelHiddenLayers: 3 },
    maxWorkingSize: 256,
    restore: 'nonblind',
    restoreLambdaPerSigma: HQS_LAMBDA_PER_SIGMA,
  },
  fast: {
    description: 'T=20 × S=10, 32-channel U-Net, kernel estimated on at most 192 px: a few minutes on a 2-core CPU',
    solver: { steps: 20, iterations: 10, unet: { inputChannels: 1, levels: 5, width: 32, skipWidth: 8, nonLocalLevels: 2 }, kernelHiddenUnits: 500, kernelHiddenLayers: 3 },
    maxWorkingSize: 192,
    restore: 'nonblind',
    restoreLambdaPerSigma: BLIND_HQS_LAMBDA_PER_SIGMA,
  },
};

/**
 * The defaults with a preset and then `overrides` applied (nested `unet` and `prior` merged field by field).
 * A preset's coarse-to-fine share follows an overridden schedule: with `steps` overridden and `coarseSteps`
 * not, coarseSteps = round(preset coarseSteps · steps / preset steps), leaving at least the last step at full
 * resolution (`lean` with 15 outer steps: 10 coarse; with 1: none).
 */
export function resolveSolverOptions(preset: PresetName, overrides: SolverOverrides = {}): SolverOptions {
  const p = presets[preset].solver;
  const coarse = p.coarseSteps && overrides.steps !== undefined && overrides.coarseSteps === undefined
    ? { coarseSteps: Math.max(0, Math.min(overrides.steps - 1, Math.round((p.coarseSteps * overrides.steps) / (p.steps ?? defaultSolverOptions.steps)))) }
    : {};
  return {
    ...defaultSolverOptions,
    ...p,
    ...overrides,
    ...coarse,
    unet: { ...defaultSolverOptions.unet, ...p.unet, ...overrides.unet },
    prior: { ...defaultSolverOptions.prior, ...p.prior, ...overrides.prior },
  };
}
