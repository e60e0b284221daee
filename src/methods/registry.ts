/**
 * The method registry: every deblurring method the CLI (`--method`) and the benchmark harness can
 * run, behind one signature. Blind methods estimate the kernel; `true-kernel` (non-blind
 * deconvolution with the true PSF: the upper bound) and `blurred` (the input: the lower bound) are
 * the tables' reference rows.
 */
import { deblur, type DeblurHooks, type DeblurOptions, type RestoreMode } from '../deblur.js';
import type { BackendName } from '../engine/backend.js';
import { SdiError } from '../errors.js';
import type { Image } from '../image/image.js';
import type { Kernel } from '../physics/kernel.js';
import type { PresetName } from '../solver/presets.js';
import type { SolverOptions, SolverOverrides } from '../solver/options.js';
import { baselineMethods } from '../baselines/methods.js';

/** What the harness and the CLI pass to a {@link Method}: kernel size, seed, preset, backend and method options. */
export interface MethodContext {
  kernelSize: [number, number];
  seed: number;
  preset: PresetName;
  backend: BackendName;
  /** Solver overrides (self-diffusion methods only). */
  solver?: SolverOverrides;
  restore?: RestoreMode;
  scale?: number;
  maxWorkingSize?: number;
  /** Warm start of the self-diffusion kernel network from a MAP estimate (DeblurOptions.warmStart). */
  warmStart?: DeblurOptions['warmStart'];
  /** Kernel refinement after self-diffusion (DeblurOptions.refine). */
  refine?: DeblurOptions['refine'];
  /** Self-diffusion runs from successive seeds, the lowest-energy kernel kept (DeblurOptions.restarts). */
  restarts?: number;
  /** The true kernel, for non-blind reference methods. */
  trueKernel?: Kernel;
  hooks?: DeblurHooks;
}

/** What a {@link Method} returns: the image, its kernel and its own report. */
export interface MethodResult {
  image: Image;
  /** The estimated (or, for non-blind methods, given) kernel; null for `blurred`. */
  kernel: Kernel | null;
  /** Method-specific report (the run report for self-diffusion methods). */
  report: Record<string, unknown>;
}

/** A deblurring method the harness and `sdi deblur --method` can run (DeblurSDI's modes, baselines, bounds). */
export interface Method {
  name: string;
  description: string;
  /** Whether the method estimates the kernel itself. */
  blind: boolean;
  /** Whether the method trains networks (uses the tfjs backend and the preset). */
  usesSolver: boolean;
  run(blurred: Image, ctx: MethodContext): Promise<MethodResult>;
}

function selfDiffusion(name: string, description: string, mode: SolverOptions['mode']): Method {
  return {
    name,
    description,
    blind: true,
    usesSolver: true,
    async run(blurred, ctx) {
      const r = await deblur(blurred, {
        preset: ctx.preset, kernelSize: ctx.kernelSize, seed: ctx.seed, backend: ctx.backend,
        solver: { ...ctx.solver, mode }, restore: ctx.restore, scale: ctx.scale, maxWorkingSize: ctx.maxWorkingSize,
        warmStart: ctx.warmStart, refine: ctx.refine, restarts: ctx.restarts,
      }, ctx.hooks);
      return { image: r.image, kernel: r.kernel, report: r.report as unknown as Record<string, unknown> };
    },
  };
}

const methods = new Map<string, Method>();

/** Adds a method (name must be new). */
export function registerMethod(method: Method): void {
  if (methods.has(method.name)) throw new Error(`method ${method.name} is already registered`);
  methods.set(method.name, method);
}

registerMethod(selfDiffusion('sdi', 'DeblurSDI, k-diff mode (the paper\'s method)', 'k-diff'));
registerMethod(selfDiffusion('sdi-standard', 'DeblurSDI ablation: image diffusion only, fixed kernel latent', 'standard'));
registerMethod(selfDiffusion('selfdeblur', 'SelfDeblur-style coupled DIP optimisation: same networks, no noise schedule', 'selfdeblur'));
registerMethod({
  name: 'true-kernel',
  description: 'non-blind deconvolution (hyper-Laplacian HQS) with the true kernel: the upper bound',
  blind: false,
  usesSolver: false,
  async run(blurred, ctx) {
    if (!ctx.trueKernel) throw new SdiError('method true-kernel needs the true kernel');
    const { deconvolveHqs } = await import('../deconv/index.js');
    return { image: deconvolveHqs(blurred, ctx.trueKernel), kernel: ctx.trueKernel, report: { deconvolution: 'hqs' } };
  },
});
registerMethod({
  name: 'blurred',
  description: 'the blurred input itself: the lower bound',
  blind: false,
  usesSolver: false,
  async run(blurred) {
    return { image: blurred, kernel: null, report: {} };
  },
});
// Classic CPU baselines: map-l0, map-darkchannel, fft-relu, phase-only (src/baselines).
for (const m of baselineMethods()) registerMethod(m);

/** The method called `name`, or a one-line error listing the known ones. */
export function getMethod(name: string): Method {
  const m = methods.get(name);
  if (!m) throw new SdiError(`unknown method '${name}' (known: ${[...methods.keys()].join(', ')})`);
  return m;
}

/** All registered method names. */
export function methodNames(): string[] {
  return [...methods.keys()];
}
