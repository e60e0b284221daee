/**
 * The full joint DeblurSDI training step that bench/speed.ts times and bench/gpu/webgpu_probe.ts
 * dissects, built exactly as src/solver/self_diffusion.ts builds it: SkipUNet D_θ, KernelGenerator G_φ,
 * one FlatAdam per network with the `balanced` preset's learning rates and prior, and
 *
 *   L(θ, φ) = ‖blurValid(D_θ(x̂), G_φ(ẑ)) − y‖² + λR(G_φ(ẑ)),  x̂ on the (N + k − 1)² support,
 *   step:    tf.variableGrads(L, θ ∪ φ), Adam on θ, Adam on φ, loss read back, everything disposed;
 *   forward: L once without a gradient tape, read back.
 *
 * y, x̂ and ẑ are seeded random arrays (the content does not change the cost).
 */
import { tf } from '../src/engine/tf.js';
import type { BackendName } from '../src/engine/backend.js';
import { Rng } from '../src/rng.js';
import { SkipUNet } from '../src/nn/unet.js';
import { KernelGenerator } from '../src/nn/kernel_generator.js';
import { blurValid } from '../src/solver/differentiable_blur.js';
import { FlatAdam } from '../src/solver/flat_adam.js';
import { kernelPriorValue } from '../src/solver/kernel_prior.js';
import { resolveSolverOptions } from '../src/solver/presets.js';
import type { SolverOptions } from '../src/solver/options.js';
import type { SpeedConfig } from './speed_configs.js';

/** Wall-clock and process CPU time (all threads) of one timed call, in ms. */
export interface Timing { wallMs: number; cpuMs: number }

/** The Timing since (performance.now() = t0, process.cpuUsage() = c0). */
export function elapsed(t0: number, c0: NodeJS.CpuUsage): Timing {
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wallMs, cpuMs: (c.user + c.system) / 1000 };
}

/** Solver options of a config: the `balanced` preset with the config's width and kernel size. */
export function solverOptionsFor(c: SpeedConfig): SolverOptions {
  const base = resolveSolverOptions('balanced');
  return resolveSolverOptions('balanced', { kernelSize: [c.kernel, c.kernel], unet: { ...base.unet, width: c.width } });
}

/** Reads the loss back: the sync point that ends a step (dataSync as the solver; data() on webgpu, where Node has no dataSync). */
async function readLoss(value: tf.Scalar, backend: BackendName): Promise<number> {
  return backend === 'webgpu' ? (await value.data())[0] : value.dataSync()[0];
}

/** One config's networks, optimisers and inputs, with its timed step and forward pass. */
export interface JointStep {
  opts: SolverOptions;
  unet: SkipUNet;
  kgen: KernelGenerator;
  /** One training step (see the file comment); throws if the loss is not finite. */
  step(): Promise<Timing>;
  /** One loss evaluation without gradients. */
  forward(): Promise<Timing>;
  /** The loss L(θ, φ) at the current parameters (no gradients, nothing changed). */
  lossValue(): Promise<number>;
  /** Disposes every tensor the step owns. */
  dispose(): void;
}

/** Builds the joint step of config `c` on the current tfjs backend (named `backend`, for the read-back). */
export function createJointStep(c: SpeedConfig, backend: BackendName): JointStep {
  const opts = solverOptionsFor(c);
  const k = c.kernel, N = c.image, support = N + k - 1;
  const rng = new Rng(opts.seed);
  const unet = new SkipUNet({ ...opts.unet, inputChannels: 1 }, rng.fork());
  const kgen = new KernelGenerator({ kernelHeight: k, kernelWidth: k, hiddenUnits: opts.kernelHiddenUnits, hiddenLayers: opts.kernelHiddenLayers }, rng.fork());
  const noise = rng.fork();
  const optImage = new FlatAdam(unet.variables, opts.lrImage);
  const optKernel = new FlatAdam(kgen.variables, opts.lrKernel);
  const allVars = [...unet.variables, ...kgen.variables];
  const y = tf.tensor4d(Float32Array.from({ length: N * N }, () => noise.uniform()), [1, N, N, 1]);
  const xn = tf.tensor4d(noise.normalArray(support * support), [1, support, support, 1]);
  const zn = tf.tensor2d(noise.normalArray(k * k), [1, k * k]);
  // the solver's lossOf, verbatim
  const f = (): tf.Scalar => {
    const xo = unet.apply(xn);
    const ko = kgen.apply(zn);
    const residual = tf.sub(blurValid(xo, tf.reshape(ko, [k, k]) as tf.Tensor2D), y);
    return tf.add(tf.sum(tf.square(residual)), kernelPriorValue(ko, opts.prior)) as tf.Scalar;
  };
  const lossValue = async (): Promise<number> => {
    const value = tf.tidy(f);
    const loss = await readLoss(value, backend);
    value.dispose();
    return loss;
  };
  return {
    opts, unet, kgen,
    async step(): Promise<Timing> {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const { value, grads } = tf.variableGrads(f, allVars);
      optImage.step(unet.variables.map((v) => grads[v.name]));
      optKernel.step(kgen.variables.map((v) => grads[v.name]));
      const loss = await readLoss(value, backend);
      value.dispose();
      tf.dispose(grads);
      const timing = elapsed(t0, c0);
      if (!Number.isFinite(loss)) throw new Error(`joint step: loss ${loss} in config ${c.id}`);
      return timing;
    },
    async forward(): Promise<Timing> {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await lossValue();
      return elapsed(t0, c0);
    },
    lossValue,
    dispose(): void {
      tf.dispose([y, xn, zn]);
      optImage.dispose();
      optKernel.dispose();
      unet.dispose();
      kgen.dispose();
    },
  };
}
