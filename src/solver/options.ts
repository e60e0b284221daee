/**
 * Every option of the self-diffusion solver, with its default and meaning. Presets (presets.ts)
 * are partial overrides of these defaults; the resolved options are recorded in each run report.
 */
import type { UNetConfig } from '../nn/unet.js';
import type { KernelPrior } from './kernel_prior.js';

/**
 * - `k-diff` (the paper's method): the kernel latent is re-noised and fed back each outer step,
 *   ẑ_t = z_t + μσ_t ε′, z_{t−1} = G_φ(ẑ_t).
 * - `standard`: the image follows the diffusion, the kernel latent stays the initial z_T.
 * - `selfdeblur`: no diffusion at all (the DIP/SelfDeblur baseline): both networks see their fixed
 *   initial inputs for all T·S steps.
 */
export type DiffusionMode = 'k-diff' | 'standard' | 'selfdeblur';

export interface SolverOptions {
  /** Kernel size [k_h, k_w] to estimate (should cover the true blur; a little larger is safe). */
  kernelSize: [number, number];
  /** Outer (diffusion) steps T. Paper: 30. */
  steps: number;
  /** Inner Adam iterations S per outer step. Paper: 200. */
  iterations: number;
  /** Diffusion mode, see {@link DiffusionMode}. Default `k-diff`. */
  mode: DiffusionMode;
  /** β at the least-noisy step (t = 1). Paper: 1e-4. */
  betaStart: number;
  /** β at the noisiest step (t = T). Paper: 2e-2. */
  betaEnd: number;
  /** Kernel-latent noise scale μ (ẑ_t = z_t + μσ_t ε′). Paper: ≈ 0.15. */
  kernelNoise: number;
  /** Adam learning rate of the image network θ. Paper: 1e-3. */
  lrImage: number;
  /** Adam learning rate of the kernel network φ. Paper: 2.5e-4. */
  lrKernel: number;
  /** Image network architecture. */
  unet: UNetConfig;
  /** Hidden units per layer of the kernel network. Paper/SelfDeblur: 1000. */
  kernelHiddenUnits: number;
  /** Hidden ReLU layers n of the kernel network. Default 3 (deeper helps per the paper's ablation). */
  kernelHiddenLayers: number;
  /** Kernel sparsity prior λR(k). */
  prior: KernelPrior;
  /** Seed of every random draw (weights, x_T, z_T, per-step noise). */
  seed: number;
  /** Read the loss back every this many inner steps (1 on cpu/wasm; larger on webgpu to avoid stalls). */
  lossEvery: number;
}

export const defaultSolverOptions: SolverOptions = {
  kernelSize: [31, 31],
  steps: 30,
  iterations: 200,
  mode: 'k-diff',
  betaStart: 1e-4,
  betaEnd: 2e-2,
  kernelNoise: 0.15,
  lrImage: 1e-3,
  lrKernel: 2.5e-4,
  unet: { inputChannels: 1, levels: 5, width: 128, skipWidth: 16, nonLocalLevels: 3 },
  kernelHiddenUnits: 1000,
  kernelHiddenLayers: 3,
  prior: { kind: 'lp', weight: 2e-3, p: 0.5 },
  seed: 0,
  lossEvery: 1,
};
