/**
 * Every option of the self-diffusion solver, with its default and meaning. Presets (presets.ts)
 * are partial overrides of these defaults; the resolved options are recorded in each run report.
 */
import { SdiError } from '../errors.js';
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

/** Every setting of the self-diffusion solver (schedule, networks, learning rates, prior, mode). */
export interface SolverOptions {
  /** Kernel size [k_h, k_w] to estimate (should cover the true blur; a little larger is safe). */
  kernelSize: [number, number];
  /** Outer (diffusion) steps T. Paper: 30. */
  steps: number;
  /** Inner Adam iterations S per outer step. Paper: 200. */
  iterations: number;
  /**
   * Inner iterations per outer step, S_1 … S_T in the order they run (the first is the noisiest,
   * σ ≈ 0.5), overriding `iterations` when set; its length must be `steps`. null: S every step.
   * For "fewer inner steps at high noise" (issue 5, item 4): e.g. 25 for the first 15 outer steps
   * and 50 for the last 15 ({@link parseIterationSchedule} reads "25x15,50x15").
   */
  iterationSchedule: number[] | null;
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
  /**
   * Reduction of the data term: `sum` ‖·‖² (default) or `mean` ‖·‖²/(H·W) (PyTorch's F.mse_loss, as
   * the reference implementation in ../shared/reference uses). Adam is invariant to the loss scale
   * except through its ε (1e-8), which damps the updates of parameters whose gradients are that small,
   * and λ weighs the prior against the reduced data term.
   */
  lossReduction: 'sum' | 'mean';
  /** Kernel sparsity prior λR(k). */
  prior: KernelPrior;
  /**
   * Weight λ_c of the centring penalty λ_c ‖c(k) − c₀‖² (kernel_centring.ts: squared distance in
   * pixels of the kernel's centre of mass from its window's centre), which stops the kernel drifting
   * to the window's edge and being clipped there. 0 turns it off (the paper has none).
   */
  centring: number;
  /**
   * Weight λ_x of the normalised-sparsity image prior λ_x ‖∇x‖₁/‖∇x‖₂ on the image network's output
   * (image_sharpness_prior.ts), which favours a sharp image over a blurred one and so a wider kernel
   * over a too-concentrated one. 0 (default) turns it off (the paper has no image prior).
   */
  imageSharpness: number;
  /**
   * After each outer step, move the kernel estimate back to the centre of its window (circularly,
   * with the image latent moved the opposite way so x ⊛ k is unchanged): self_diffusion.ts
   * `recentre`. Without it the kernel can drift to the window's edge and be clipped (the data term
   * cannot tell a shifted kernel from a shifted image). Default false (the paper does not).
   */
  recentreKernel: boolean;
  /** Seed of every random draw (weights, x_T, z_T, per-step noise). */
  seed: number;
  /**
   * Warm start of the kernel network (null: random, as in the paper): a k_h·k_w kernel, row-major
   * in the PSF convention, e.g. a MAP estimate (baselines/map_blind.ts); G_φ starts with its output
   * at this kernel (KernelGenerator.initialiseOutput). Part of the run's options, so it is recorded
   * in the report and checked on resume.
   */
  kernelInit: number[] | null;
  /**
   * Coarse-to-fine (issue 5, item 4): the first `coarseSteps` outer steps run at half resolution
   * (image, blurred input and kernel halved: solver/coarse_scale.ts; a step costs about a third),
   * then the image latent is doubled and the remaining steps run at full resolution, with the same
   * networks (the U-Net is fully convolutional; the kernel network always outputs the full kernel,
   * pooled 2× for the coarse blur). 0 (default): every step at full resolution, as the paper.
   */
  coarseSteps: number;
  /** Read the loss back every this many inner steps (1 on cpu/wasm; larger on webgpu to avoid stalls). */
  lossEvery: number;
}

/**
 * Overrides of some solver options, as a preset, the CLI, the harness or the web page gives them. The
 * nested `unet` and `prior` may be partial too (`{ unet: { width: 16 } }` changes the width and keeps
 * the rest of the preset's U-Net): resolveSolverOptions merges them field by field.
 */
export type SolverOverrides = Partial<Omit<SolverOptions, 'unet' | 'prior'>> & {
  unet?: Partial<UNetConfig>;
  prior?: Partial<KernelPrior>;
};

/** The solver's defaults: the paper's settings where it states them. */
export const defaultSolverOptions: SolverOptions = {
  kernelSize: [31, 31],
  steps: 30,
  iterations: 200,
  iterationSchedule: null,
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
  centring: 0,
  imageSharpness: 0,
  recentreKernel: false,
  seed: 0,
  lossReduction: 'sum',
  kernelInit: null,
  coarseSteps: 0,
  lossEvery: 1,
};

/**
 * Checks resolved options before a run: positive integer counts and sizes, finite positive rates,
 * known mode and prior. Throws an SdiError naming the first bad option.
 */
export function validateSolverOptions(o: SolverOptions): void {
  const positiveInt = (v: number, name: string) => {
    if (!(Number.isInteger(v) && v >= 1)) throw new SdiError(`${name} must be a positive integer, got ${v}`);
  };
  positiveInt(o.steps, 'steps');
  positiveInt(o.iterations, 'iterations');
  if (o.iterationSchedule !== null) {
    if (!Array.isArray(o.iterationSchedule) || o.iterationSchedule.length !== o.steps) {
      throw new SdiError(`iterationSchedule must list one inner-step count per outer step (${o.steps}), got ${Array.isArray(o.iterationSchedule) ? o.iterationSchedule.length : typeof o.iterationSchedule}`);
    }
    o.iterationSchedule.forEach((v) => positiveInt(v, 'iterationSchedule entry'));
  }
  positiveInt(o.lossEvery, 'lossEvery');
  if (!Array.isArray(o.kernelSize) || o.kernelSize.length !== 2) throw new SdiError('kernelSize must be [height, width]');
  o.kernelSize.forEach((v) => positiveInt(v, 'kernel size'));
  positiveInt(o.unet.levels, 'unet.levels');
  positiveInt(o.unet.width, 'unet.width');
  positiveInt(o.unet.skipWidth, 'unet.skipWidth');
  if (!(Number.isInteger(o.unet.nonLocalLevels) && o.unet.nonLocalLevels >= 0)) throw new SdiError(`unet.nonLocalLevels must be an integer ≥ 0, got ${o.unet.nonLocalLevels}`);
  positiveInt(o.kernelHiddenUnits, 'kernelHiddenUnits');
  if (!(Number.isInteger(o.kernelHiddenLayers) && o.kernelHiddenLayers >= 0)) throw new SdiError(`kernelHiddenLayers must be an integer ≥ 0, got ${o.kernelHiddenLayers}`);
  for (const [name, v] of [['lrImage', o.lrImage], ['lrKernel', o.lrKernel], ['betaStart', o.betaStart], ['betaEnd', o.betaEnd]] as const) {
    if (!(v > 0)) throw new SdiError(`${name} must be positive, got ${v}`);
  }
  if (!(o.kernelNoise >= 0 && Number.isFinite(o.kernelNoise))) throw new SdiError(`kernelNoise must be ≥ 0, got ${o.kernelNoise}`);
  if (!['k-diff', 'standard', 'selfdeblur'].includes(o.mode)) throw new SdiError(`mode must be k-diff, standard or selfdeblur, got '${o.mode}'`);
  if (o.kernelInit !== null && o.kernelInit !== undefined) {
    const [kh, kw] = o.kernelSize;
    if (!Array.isArray(o.kernelInit) || o.kernelInit.length !== kh * kw) throw new SdiError(`kernelInit must hold ${kh}×${kw} = ${kh * kw} taps`);
    if (!o.kernelInit.every((v) => Number.isFinite(v) && v >= 0) || !o.kernelInit.some((v) => v > 0)) throw new SdiError('kernelInit must be finite, non-negative and not all zero');
  }
  if (!['sum', 'mean'].includes(o.lossReduction)) throw new SdiError(`lossReduction must be sum or mean, got '${o.lossReduction}'`);
  if (!['none', 'lp', 'l2-neg'].includes(o.prior.kind)) throw new SdiError(`prior must be none, lp or l2-neg, got '${o.prior.kind}'`);
  if (!(Number.isInteger(o.coarseSteps) && o.coarseSteps >= 0 && o.coarseSteps <= o.steps)) throw new SdiError(`coarseSteps must be an integer in 0…steps (${o.steps}), got ${o.coarseSteps}`);
  if (!(Number.isFinite(o.centring) && o.centring >= 0)) throw new SdiError(`centring must be a finite number ≥ 0, got ${o.centring}`);
  if (!(Number.isFinite(o.imageSharpness) && o.imageSharpness >= 0)) throw new SdiError(`imageSharpness must be a finite number ≥ 0, got ${o.imageSharpness}`);
}

/**
 * Inner iterations of each outer step in the order they run: S_i = iterationSchedule[i], or
 * `iterations` for every i. The total Σ_i S_i is the run's number of training steps.
 */
export function innerIterations(o: Pick<SolverOptions, 'steps' | 'iterations' | 'iterationSchedule'>): number[] {
  return o.iterationSchedule ? o.iterationSchedule.slice() : new Array<number>(o.steps).fill(o.iterations);
}

/** The run's number of training steps, Σ_i S_i (= steps · iterations without a schedule). */
export function totalIterations(o: Pick<SolverOptions, 'steps' | 'iterations' | 'iterationSchedule'>): number {
  return innerIterations(o).reduce((a, b) => a + b, 0);
}

/**
 * Reads an inner-step schedule written as comma-separated `SxN` groups (S inner iterations for N
 * outer steps, in order), e.g. "25x15,50x15" → 15 × 25 then 15 × 50. The group counts must add up
 * to `steps`. Throws an SdiError saying what is wrong.
 */
export function parseIterationSchedule(text: string, steps: number): number[] {
  const groups = text.split(',').map((group) => {
    const m = /^\s*(\d+)\s*x\s*(\d+)\s*$/.exec(group);
    if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new SdiError(`iteration schedule: "${group}" is not SxN (S inner iterations for N outer steps, both ≥ 1), e.g. 25x15,50x15`);
    return { inner: Number(m[1]), outer: Number(m[2]) };
  });
  const covered = groups.reduce((sum, g) => sum + g.outer, 0);
  if (covered !== steps) throw new SdiError(`iteration schedule "${text}" covers ${covered} outer steps, but the run has ${steps}`);
  return groups.flatMap((g) => new Array<number>(g.outer).fill(g.inner));
}

/**
 * The solver overrides that an `--iters` value asks for: a plain count S (`{ iterations: S }`) or a
 * schedule of `SxN` groups (`{ iterationSchedule }`, see {@link parseIterationSchedule}) for a run of
 * `steps` outer steps. Throws an SdiError for anything else.
 */
export function iterationsOption(text: string, steps: number): Pick<SolverOverrides, 'iterations' | 'iterationSchedule'> {
  if (/x/i.test(text)) return { iterationSchedule: parseIterationSchedule(text.toLowerCase(), steps) };
  const n = Number(text);
  if (!(/^\s*\d+\s*$/.test(text) && n >= 1 && n <= 100000)) throw new SdiError(`--iters must be a number (an integer in 1…100000) or a schedule such as 25x15,50x15, got ${text}`);
  return { iterations: n };
}
