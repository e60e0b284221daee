/**
 * The reverse self-diffusion loop of DeblurSDI (one blurred gray image → image and kernel).
 *
 * x_T ~ N(0, I) on the enlarged support (H + k_h − 1) × (W + k_w − 1), z_T ~ N(0, I) ∈ ℝ^{k_h k_w}.
 * For t = T … 1:
 *   x̂_t = x_t + σ_t ε,  ẑ_t = z_t + μ σ_t ε′            (noise drawn once per outer step)
 *   S Adam steps on  L(θ, φ) = ‖D_θ(x̂_t) ⊛ G_φ(ẑ_t) − y‖² + λ R(G_φ(ẑ_t))
 *   x_{t−1} = D_θ(x̂_t),  z_{t−1} = G_φ(ẑ_t)             (the raw outputs; no DDIM update)
 * ⊛ is the 'valid' true convolution of differentiable_blur.ts; θ and φ have their own Adam
 * learning rates (equivalent to one Adam with two parameter groups). The estimate is x_0 cropped to
 * H × W where it aligns with y, and k = G_φ(ẑ_1).
 * With options.coarseSteps = C > 0 the first C outer steps fit the half-resolution problem
 * ‖D_θ(x̂_t) ⊛ pool₂(G_φ(ẑ_t)) − y_c‖² (solver/coarse_scale.ts; the data term scaled by H·W/(h·w) so it
 * weighs as much against the prior as at full resolution), x_t on the half-resolution support; after
 * the C-th, x is doubled to the full support and the run continues as above.
 */
import { tf } from '../engine/tf.js';
import { SdiError } from '../errors.js';
import type { Image } from '../image/image.js';
import type { Kernel } from '../physics/kernel.js';
import { Rng } from '../rng.js';
import { KernelGenerator } from '../nn/kernel_generator.js';
import { SkipUNet } from '../nn/unet.js';
import { blurValid } from './differentiable_blur.js';
import { FlatAdam, type FlatAdamState } from './flat_adam.js';
import { kernelPriorValue } from './kernel_prior.js';
import { imageSharpnessPenalty } from './image_sharpness_prior.js';
import { kernelCentringPenalty, kernelCentroidOffset } from './kernel_centring.js';
import { roll2d } from './circular_shift.js';
import { linearNoiseSchedule } from './schedule.js';
import { innerIterations, totalIterations, type SolverOptions } from './options.js';
import { coarseGeometry, doubleLatent, halveImage, halveKernel } from './coarse_scale.js';

/**
 * The divergence guard calls a sampled loss exploding when it exceeds this multiple of the lowest loss
 * sampled so far *in the same outer step* (and attempt). Not across outer steps: each step feeds the
 * image network a new input x̂_t, so its first loss can be far above the previous step's minimum without
 * anything diverging, and a restart cannot change it (it is computed before any update). Measured: on
 * a noiseless face (`ffhq-motion-noiseless` `ffhq69133_psf2`, `thorough`) outer step 2 starts at 7507
 * after step 1 ended at 7.8; compared with the run's minimum, that stopped the run after one outer
 * step (20.10 dB). With noise the data term cannot fall much below the noise energy, which hid this.
 */
export const EXPLODING_LOSS_FACTOR = 1000;

/** Progress after an inner step (and, with `preview`, after each outer step). */
export interface SolverProgress {
  /** Outer steps completed so far, in 0 … T (the diffusion index t = T − outerDone). */
  outerDone: number;
  steps: number;
  /** Inner step within the current outer step, 1 … S_i. */
  iteration: number;
  /** Inner steps S_i of the current outer step (they differ between outer steps under an iterationSchedule). */
  iterations: number;
  /** Total inner steps done and planned. */
  done: number;
  total: number;
  /** Last loss read back (NaN until the first read). */
  loss: number;
  elapsedMs: number;
  /** Estimated time left, from the mean time per step so far. */
  etaMs: number;
  /** σ_t of the current outer step. */
  sigma: number;
  /** Present after each outer step when previews are requested. */
  preview?: { image: Image; kernel: Kernel };
}

/**
 * Everything needed to continue a run exactly where it stopped, taken after an outer step:
 * network weights, both Adam states, the diffusion variables x_t and z_t, the noise generator's
 * state and the histories. Arrays are in the networks' parameter order.
 */
export interface SolverCheckpoint {
  format: 'deblursdi-checkpoint/2';
  /** JSON of the options that shape the run (resume refuses a checkpoint made with other ones). */
  optionsKey: string;
  imageSize: [number, number];
  outerDone: number;
  stepsDone: number;
  noiseRng: number[];
  x: Float32Array;
  z: Float32Array;
  kernel: Float32Array;
  /** Circular shift (rows, columns) applied to G_φ's output to keep the kernel centred (options.recentreKernel); absent = (0, 0). */
  kernelShift?: [number, number];
  imageParams: Float32Array[];
  kernelParams: Float32Array[];
  adamImage: FlatAdamState;
  adamKernel: FlatAdamState;
  lossHistory: number[];
  outerLoss: number[];
  outerMs: number[];
  /**
   * The divergence guard's state: learning rates (halved by restarts) and the events so far. `minLoss`
   * (the run's lowest loss) is what checkpoints held before 2026-11-29, when the guard compared with it;
   * it is ignored now (the guard compares within an outer step: {@link EXPLODING_LOSS_FACTOR}). Optional: checkpoints written before it existed resume without it.
   */
  guard?: { learningRates: [number, number]; minLoss?: number | null; events: SolverEvent[] };
}

/**
 * The options that determine a run's trajectory, as a stable string (the seed included). `coarseSteps`
 * and `imageSharpness` appear only when set (non-zero), so checkpoints written before they existed still resume.
 */
export function solverOptionsKey(opts: SolverOptions): string {
  const { lossEvery: _ignored, coarseSteps, imageSharpness, ...shaping } = opts;
  return JSON.stringify({ ...shaping, ...(coarseSteps ? { coarseSteps } : {}), ...(imageSharpness ? { imageSharpness } : {}) });
}

/** Callbacks and controls of {@link runSelfDiffusion}: progress and previews, checkpoints and resuming, cancellation. */
export interface SolverHooks {
  /** Called after every outer step with the full state (write it somewhere to make the run resumable). */
  onCheckpoint?: (checkpoint: SolverCheckpoint) => Promise<void> | void;
  /** Continue from this checkpoint instead of starting afresh (same image and options required). */
  resume?: SolverCheckpoint;
  onProgress?: (p: SolverProgress) => void;
  /** Call onProgress with a preview after every outer step (costs one read-back per step). */
  previews?: boolean;
  /** Stops the run at the next inner step; the estimate so far is returned with status 'aborted'. */
  signal?: AbortSignal;
}

/** Something the run's guards saw: divergence (and what was done about it) or a trivial solution. */
export interface SolverEvent {
  /** Outer steps completed when it happened. */
  outerDone: number;
  kind: 'non-finite-loss' | 'exploding-loss' | 'dirac-kernel' | 'identity-solution';
  /** What the solver did: restarted the outer step with halved learning rates, stopped, or only warned. */
  action: 'restarted-lr-halved' | 'stopped' | 'warned';
  detail: string;
}

/** What {@link runSelfDiffusion} returns: the final x_0 and k, the status, the guards' events, losses and timings. */
export interface SolverResult {
  image: Image;
  kernel: Kernel;
  /** `diverged`: the loss kept blowing up after the allowed restarts; the estimate is the last good one. */
  status: 'completed' | 'aborted' | 'diverged';
  events: SolverEvent[];
  /** Loss after each inner step that was read (index = inner step − 1, NaN where not read). */
  lossHistory: number[];
  /** Loss at the end of each outer step. */
  outerLoss: number[];
  /** Milliseconds per outer step. */
  outerMs: number[];
  stepsDone: number;
  parameterCounts: { image: number; kernel: number };
}

/** Yields to the event loop (lets abort signals, timers and UI messages through). */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}

/**
 * Runs the loop on a gray image y (values in [0, 1]) and returns the estimates. All tensors it
 * creates are disposed before it returns (tf.memory().numTensors is unchanged).
 */
export async function runSelfDiffusion(blurred: Image, opts: SolverOptions, hooks: SolverHooks = {}): Promise<SolverResult> {
  if (blurred.channels !== 1) throw new RangeError('runSelfDiffusion expects a gray image');
  const [kh, kw] = opts.kernelSize;
  const { width: W, height: H } = blurred;
  const Hp = H + kh - 1, Wp = W + kw - 1;
  const T = opts.steps;
  /** Inner iterations of the i-th outer step run (i = T − t), and the run's total. */
  const inner = innerIterations(opts);
  const total = totalIterations(opts);
  const rng = new Rng(opts.seed);
  const unet = new SkipUNet({ ...opts.unet, inputChannels: 1 }, rng.fork());
  const kgen = new KernelGenerator({ kernelHeight: kh, kernelWidth: kw, hiddenUnits: opts.kernelHiddenUnits, hiddenLayers: opts.kernelHiddenLayers }, rng.fork());
  const noise = rng.fork();
  if (opts.kernelInit) kgen.initialiseOutput(opts.kernelInit);
  const schedule = linearNoiseSchedule(T, opts.betaStart, opts.betaEnd);
  const optImage = new FlatAdam(unet.variables, opts.lrImage);
  const optKernel = new FlatAdam(kgen.variables, opts.lrKernel);
  const allVars = [...unet.variables, ...kgen.variables];

  const y = tf.tensor4d(blurred.data, [1, H, W, 1]);
  const coarse = coarseGeometry(H, W, kh, kw);
  if (opts.coarseSteps > 0 && Math.min(coarse.supportHeight, coarse.supportWidth) <= 2 ** opts.unet.levels) {
    throw new SdiError(`coarseSteps: the half-resolution support ${coarse.supportHeight}×${coarse.supportWidth} is too small for a ${opts.unet.levels}-level U-Net`);
  }
  const yCoarse: tf.Tensor4D | null = opts.coarseSteps > 0 ? halveImage(y) : null;
  /** Shape of the image latent x after `outerDone` outer steps: half resolution during the coarse steps. */
  const latentShape = (outerDone: number): [number, number, number, number] =>
    outerDone < opts.coarseSteps ? [1, coarse.supportHeight, coarse.supportWidth, 1] : [1, Hp, Wp, 1];
  let x: tf.Tensor4D = tf.tensor4d(noise.normalArray(latentShape(0).reduce((a, b) => a * b, 1)), latentShape(0));
  const z0: tf.Tensor2D = tf.tensor2d(noise.normalArray(kh * kw), [1, kh * kw]);
  let z: tf.Tensor2D = tf.clone(z0);
  /** G_φ(ẑ) at the end of the last outer step: the kernel estimate. */
  let kernelNow: tf.Tensor2D = tf.clone(z0);
  /** The kernel estimate is roll(G_φ(ẑ), kernelShift) (options.recentreKernel). */
  let kernelShift: [number, number] = [0, 0];
  const shiftedKernel = (raw: tf.Tensor2D, shift: readonly [number, number]): tf.Tensor2D =>
    shift[0] === 0 && shift[1] === 0 ? raw : tf.reshape(roll2d(tf.reshape(raw, [kh, kw]) as tf.Tensor2D, shift), [1, kh * kw]);

  const lossHistory: number[] = [];
  const outerLoss: number[] = [];
  const outerMs: number[] = [];
  const t0 = performance.now();
  let done = 0;
  let startOuter = 0;
  if (hooks.resume) {
    await restore(hooks.resume);
    startOuter = hooks.resume.outerDone;
    done = hooks.resume.stepsDone;
    lossHistory.push(...hooks.resume.lossHistory);
    outerLoss.push(...hooks.resume.outerLoss);
    outerMs.push(...hooks.resume.outerMs);
  }
  const doneAtStart = done;
  let status: SolverResult['status'] = 'completed';
  const events: SolverEvent[] = [];
  const maxRestarts = 3;
  if (hooks.resume?.guard) {
    [optImage.learningRate, optKernel.learningRate] = hooks.resume.guard.learningRates;
    events.push(...hooks.resume.guard.events);
  }
  let lastLoss = NaN;
  let lastYield = t0;

  const lossOf = (xn: tf.Tensor4D, zn: tf.Tensor2D, shift: readonly [number, number], atCoarse: boolean) => (): tf.Scalar => {
    const xo = unet.apply(xn);
    const ko = shiftedKernel(kgen.apply(zn), shift);
    const k2 = tf.reshape(ko, [kh, kw]) as tf.Tensor2D;
    const residual = atCoarse ? tf.sub(blurValid(xo, halveKernel(k2)), yCoarse!) : tf.sub(blurValid(xo, k2), y);
    let data = opts.lossReduction === 'mean' ? tf.mean(tf.square(residual)) : tf.sum(tf.square(residual));
    if (atCoarse && opts.lossReduction === 'sum') data = tf.mul(data, (H * W) / (coarse.height * coarse.width));
    return tf.addN([data, kernelPriorValue(ko, opts.prior), kernelCentringPenalty(ko, kh, kw, opts.centring), imageSharpnessPenalty(xo, opts.imageSharpness)]) as tf.Scalar;
  };

  try {
    outer: for (let t = T - startOuter; t >= 1; t--) {
      const tStart = performance.now();
      const sigma = schedule.sigmas[t - 1];
      const atCoarse = T - t < opts.coarseSteps;
      const xn: tf.Tensor4D = opts.mode === 'selfdeblur' ? tf.clone(x) : tf.tidy(() => tf.add(x, tf.mul(sigma, tf.tensor(noise.normalArray(x.size), x.shape))));
      const zn: tf.Tensor2D =
        opts.mode === 'k-diff' ? tf.tidy(() => tf.add(z, tf.mul(opts.kernelNoise * sigma, tf.tensor(noise.normalArray(kh * kw), z.shape)))) : tf.clone(z0);
      const f = lossOf(xn, zn, [kernelShift[0], kernelShift[1]], atCoarse);
      const S = inner[T - t];
      // Divergence guard: the state after drawing this step's noise, to restart the step from.
      const startState = await snapshot(T - t);
      let restarts = 0;
      attempts: for (;;) {
        let diverged: SolverEvent['kind'] | null = null;
        let stepMinLoss = Infinity; // the guard's reference: this attempt's lowest sampled loss (see EXPLODING_LOSS_FACTOR)
        for (let s = 1; s <= S; s++) {
          if (hooks.signal?.aborted) {
            status = 'aborted';
            if (s > 1) advance(xn, zn); // keep what this outer step has learnt so far
            xn.dispose(); zn.dispose();
            break outer;
          }
          const { value, grads } = tf.variableGrads(f, allVars);
          optImage.step(unet.variables.map((v) => grads[v.name]));
          optKernel.step(kgen.variables.map((v) => grads[v.name]));
          done++;
          if (s % opts.lossEvery === 0 || s === S) {
            lastLoss = (await value.data())[0];
            lossHistory[done - 1] = lastLoss;
            if (!Number.isFinite(lastLoss)) diverged = 'non-finite-loss';
            else if (lastLoss > EXPLODING_LOSS_FACTOR * stepMinLoss) diverged = 'exploding-loss';
            else stepMinLoss = Math.min(stepMinLoss, lastLoss);
          } else lossHistory[done - 1] = NaN;
          value.dispose();
          tf.dispose(grads);
          if (diverged) break;
          const now = performance.now();
          const elapsedMs = now - t0;
          hooks.onProgress?.({ outerDone: T - t, steps: T, iteration: s, iterations: S, done, total, loss: lastLoss, elapsedMs, etaMs: (elapsedMs / (done - doneAtStart)) * (total - done), sigma });
          if (now - lastYield > 50) {
            await yieldToEventLoop();
            lastYield = performance.now();
          }
        }
        if (!diverged) break attempts;
        const detail = `loss ${lastLoss} at outer step ${T - t + 1}, inner step ${done - startState.stepsDone}`;
        if (restarts >= maxRestarts) {
          events.push({ outerDone: T - t, kind: diverged, action: 'stopped', detail: `${detail}; gave up after ${maxRestarts} restarts` });
          status = 'diverged';
          await restore(startState);
          done = startState.stepsDone;
          lossHistory.length = done;
          xn.dispose(); zn.dispose();
          break outer;
        }
        restarts++;
        optImage.learningRate /= 2;
        optKernel.learningRate /= 2;
        events.push({ outerDone: T - t, kind: diverged, action: 'restarted-lr-halved', detail: `${detail}; learning rates now ${optImage.learningRate.toExponential(2)} / ${optKernel.learningRate.toExponential(2)}` });
        await restore(startState);
        done = startState.stepsDone;
        lossHistory.length = done;
        lastLoss = NaN;
      }
      advance(xn, zn);
      xn.dispose();
      zn.dispose();
      if (atCoarse && T - t + 1 === opts.coarseSteps) {
        // the last coarse step: the latent goes on at full resolution
        const xFine = doubleLatent(x, Hp, Wp);
        x.dispose();
        x = xFine;
      }
      if (opts.recentreKernel && !atCoarse) await recentre();
      outerLoss.push(lastLoss);
      if (!atCoarse) await detectTrivialSolution(T - t + 1);
      outerMs.push(performance.now() - tStart);
      if (hooks.onCheckpoint) await hooks.onCheckpoint(await snapshot(T - t + 1));
      if (hooks.previews && hooks.onProgress) {
        const elapsedMs = performance.now() - t0;
        hooks.onProgress({ outerDone: T - t + 1, steps: T, iteration: S, iterations: S, done, total, loss: lastLoss, elapsedMs, etaMs: (elapsedMs / (done - doneAtStart)) * (total - done), sigma, preview: await readEstimates() });
      }
    }
    const final = await readEstimates();
    return { ...final, status, events, lossHistory, outerLoss, outerMs, stepsDone: done, parameterCounts: { image: unet.params.count(), kernel: kgen.params.count() } };
  } finally {
    x.dispose();
    z.dispose();
    z0.dispose();
    kernelNow.dispose();
    y.dispose();
    yCoarse?.dispose();
    optImage.dispose();
    optKernel.dispose();
    unet.dispose();
    kgen.dispose();
  }

  /** The state after `outerDone` outer steps (see {@link SolverCheckpoint}). */
  async function snapshot(outerDone: number): Promise<SolverCheckpoint> {
    const read = async (v: tf.Tensor) => Float32Array.from((await v.data()) as Float32Array);
    return {
      format: 'deblursdi-checkpoint/2',
      optionsKey: solverOptionsKey(opts),
      imageSize: [H, W],
      outerDone,
      stepsDone: done,
      noiseRng: noise.getState(),
      x: await read(x),
      z: await read(z),
      kernel: await read(kernelNow),
      kernelShift: [kernelShift[0], kernelShift[1]],
      imageParams: await Promise.all(unet.variables.map(read)),
      kernelParams: await Promise.all(kgen.variables.map(read)),
      adamImage: await optImage.readState(),
      adamKernel: await optKernel.readState(),
      lossHistory: lossHistory.slice(),
      outerLoss: outerLoss.slice(),
      outerMs: outerMs.slice(),
      guard: { learningRates: [optImage.learningRate, optKernel.learningRate], events: events.map((e) => ({ ...e })) },
    };
  }

  /** Loads a checkpoint's state into the freshly built networks, optimisers and variables. */
  async function restore(c: SolverCheckpoint): Promise<void> {
    if (c.format !== 'deblursdi-checkpoint/2') throw new SdiError('checkpoint: unknown format');
    if (c.optionsKey !== solverOptionsKey(opts)) throw new SdiError('checkpoint was made with other options (preset, steps, seed, kernel size…); rerun with the same ones or start afresh');
    if (c.imageSize[0] !== H || c.imageSize[1] !== W) throw new SdiError('checkpoint was made for an image of another size');
    const assign = (vars: tf.Variable[], values: Float32Array[]) => {
      if (vars.length !== values.length) throw new SdiError('checkpoint does not match the network');
      vars.forEach((v, i) => tf.tidy(() => v.assign(tf.tensor(values[i], v.shape))));
    };
    assign(unet.variables, c.imageParams);
    assign(kgen.variables, c.kernelParams);
    try {
      optImage.setState(c.adamImage);
      optKernel.setState(c.adamKernel);
    } catch {
      throw new SdiError('checkpoint optimiser state does not match the network');
    }
    x.dispose(); z.dispose(); kernelNow.dispose();
    const shape = latentShape(c.outerDone);
    if (c.x.length !== shape[1] * shape[2]) throw new SdiError('checkpoint image latent does not match the image size and schedule');
    x = tf.tensor4d(c.x, shape);
    z = tf.tensor2d(c.z, [1, kh * kw]);
    kernelNow = tf.tensor2d(c.kernel, [1, kh * kw]);
    kernelShift = c.kernelShift ? [c.kernelShift[0], c.kernelShift[1]] : [0, 0];
    noise.setState(c.noiseRng);
  }

  /**
   * The two trivial solutions of blind deconvolution (k = δ with x = y): a kernel with one tap
   * holding ≥ 90% of the mass, and, with it, an image within 40 dB of the blurred input. Recorded
   * as warnings (the diffusion noise usually pulls the run out of them again).
   */
  async function detectTrivialSolution(outerDone: number): Promise<void> {
    const k = await kernelNow.data();
    let peak = 0;
    for (let i = 0; i < k.length; i++) peak = Math.max(peak, k[i]);
    if (peak < 0.9) return;
    const oy = kh - 1 - Math.floor(kh / 2), ox = kw - 1 - Math.floor(kw / 2);
    const mseTensor = tf.tidy(() => tf.mean(tf.square(tf.sub(tf.slice(x, [0, oy, ox, 0], [1, H, W, 1]), y))));
    const mse = (await mseTensor.data())[0];
    mseTensor.dispose();
    const identity = mse < 1e-4;
    const kind = identity ? 'identity-solution' : 'dirac-kernel';
    if (events.some((e) => e.kind === kind)) return;
    events.push({ outerDone, kind, action: 'warned', detail: `kernel peak tap ${peak.toFixed(3)}${identity ? `, image within ${(-10 * Math.log10(mse)).toFixed(1)} dB of the blurred input` : ''}` });
  }

  /** x_{t−1} = D_θ(x̂_t) and, in k-diff mode, z_{t−1} = G_φ(ẑ_t); also remembers the kernel. */
  function advance(xn: tf.Tensor4D, zn: tf.Tensor2D): void {
    const xNext = tf.tidy(() => unet.apply(xn));
    x.dispose();
    x = xNext;
    const kRaw = tf.tidy(() => kgen.apply(zn));
    if (opts.mode === 'k-diff') {
      z.dispose();
      z = tf.clone(kRaw);
    }
    kernelNow.dispose();
    kernelNow = tf.tidy(() => shiftedKernel(kRaw, kernelShift));
    if (kernelNow !== kRaw) kRaw.dispose();
  }

  /**
   * Keeps the kernel centred on its window's torus: with d = round(c(k) − c₀) the kernel's
   * centre-of-mass offset (kernel_centring.ts), the kernel becomes roll(k, −d) and, so that
   * x ⊛ k is unchanged, the image latent x becomes roll(x, +d). G_φ itself is untouched: the shift
   * is applied to its output from now on (kernelShift).
   */
  async function recentre(): Promise<void> {
    const [dy, dx] = kernelCentroidOffset(await kernelNow.data(), kh, kw).map(Math.round);
    if (dy === 0 && dx === 0) return;
    kernelShift = [kernelShift[0] - dy, kernelShift[1] - dx];
    const kRolled = tf.tidy(() => shiftedKernel(kernelNow, [-dy, -dx]));
    kernelNow.dispose();
    kernelNow = kRolled;
    const xRolled = tf.tidy(() => tf.reshape(roll2d(tf.reshape(x, [Hp, Wp]) as tf.Tensor2D, [dy, dx]), [1, Hp, Wp, 1]) as tf.Tensor4D);
    x.dispose();
    x = xRolled;
  }

  /** Current image estimate (x cropped to H × W where it aligns with y) and kernel estimate. */
  async function readEstimates(): Promise<{ image: Image; kernel: Kernel }> {
    const oy = kh - 1 - Math.floor(kh / 2), ox = kw - 1 - Math.floor(kw / 2);
    // during the coarse steps (a preview, an abort) the half-resolution latent is shown doubled
    const crop = tf.tidy(() => tf.slice(x.shape[1] === Hp ? x : doubleLatent(x, Hp, Wp), [0, oy, ox, 0], [1, H, W, 1]));
    const imgData = (await crop.data()) as Float32Array;
    crop.dispose();
    // The kernel: in k-diff mode z holds G_φ(ẑ) of the last completed step; otherwise evaluate G on its input.
    let kData: Float32Array;
    if (done > 0) kData = (await kernelNow.data()) as Float32Array;
    else {
      const k0 = tf.tidy(() => kgen.apply(z0));
      kData = (await k0.data()) as Float32Array;
      k0.dispose();
    }
    return { image: { width: W, height: H, channels: 1, data: Float32Array.from(imgData) }, kernel: { width: kw, height: kh, data: Float32Array.from(kData) } };
  }
}
