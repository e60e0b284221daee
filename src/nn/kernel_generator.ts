/**
 * The kernel network G_φ: a fully connected net with n hidden ReLU layers and a softmax output
 * reshaped to k_h × k_w, so every estimate is a valid blur kernel (k ≥ 0, Σk = 1):
 *
 *   h_0 = z ∈ ℝ^{k_h k_w},  h_{l+1} = ReLU(W_l h_l + b_l),  k = softmax(W_n h_n + b_n).
 *
 * The input has the kernel's own dimension so that, in "k-diff" mode, the previous estimate can be
 * fed back as the next latent (z_{t−1} = G_φ(ẑ_t)).
 */
import { tf } from '../engine/tf.js';
import type { Rng } from '../rng.js';
import { ParameterSet } from './init.js';
import { rowMatMul } from '../engine/ops/row_matmul.js';

/** Shape of the kernel network G_φ. */
export interface KernelGeneratorConfig {
  /** Kernel rows k_h. */
  kernelHeight: number;
  /** Kernel columns k_w. */
  kernelWidth: number;
  /** Units per hidden layer. Paper/SelfDeblur: 1000. */
  hiddenUnits: number;
  /** Number of hidden ReLU layers n (the paper's ablation: 1, 2, 3, 5). Default 3. */
  hiddenLayers: number;
}

/**
 * G_φ (module comment): `apply(z)` maps a latent z ∈ ℝ^{k_h k_w} ([1, k_h·k_w]) to k = softmax(W_n h_n + b_n)
 * (the k_h × k_w kernel flattened row-major); its weights live in `params` (Adam's φ group).
 */
export class KernelGenerator {
  readonly params: ParameterSet;
  private readonly layers: Array<{ w: tf.Variable; b: tf.Variable }> = [];

  constructor(readonly config: KernelGeneratorConfig, rng: Rng) {
    this.params = new ParameterSet('kgen', rng);
    const dim = config.kernelHeight * config.kernelWidth;
    let d = dim;
    for (let l = 0; l < config.hiddenLayers; l++) {
      this.layers.push({ w: this.params.uniform([d, config.hiddenUnits], d, 'fc_w'), b: this.params.uniform([config.hiddenUnits], d, 'fc_b') });
      d = config.hiddenUnits;
    }
    this.layers.push({ w: this.params.uniform([d, dim], d, 'fc_w'), b: this.params.uniform([dim], d, 'fc_b') });
  }

  /** Latent dimension k_h·k_w. */
  get latentSize(): number {
    return this.config.kernelHeight * this.config.kernelWidth;
  }

  /**
   * Warm start: sets the output layer so that G_φ(z) ≈ k0 for every latent z,
   *
   *   b_n = log(max(k0, ε·max k0)),  W_n ← s·W_n,
   *
   * so softmax(W_n h + b_n) = softmax(b_n + O(s)) ≈ k0 / Σk0 (taps of k0 below ε·max get ε·max,
   * i.e. stay reachable). The hidden layers keep their random weights, so the latent still moves
   * the output (by O(s)) and gradients reach every parameter. `kernel` is flattened row-major.
   */
  initialiseOutput(kernel: ArrayLike<number>, weightScale = 0.1, floor = 1e-3): void {
    if (kernel.length !== this.latentSize) throw new RangeError(`initial kernel has ${kernel.length} taps, the network outputs ${this.latentSize}`);
    let max = 0;
    for (let i = 0; i < kernel.length; i++) max = Math.max(max, kernel[i]);
    if (!(max > 0) || !Number.isFinite(max)) throw new RangeError('initial kernel must have a positive, finite maximum');
    const bias = new Float32Array(kernel.length);
    for (let i = 0; i < kernel.length; i++) bias[i] = Math.log(Math.max(kernel[i], floor * max));
    const out = this.layers[this.layers.length - 1];
    tf.tidy(() => {
      out.b.assign(tf.tensor1d(bias));
      out.w.assign(tf.mul(out.w, weightScale));
    });
  }

  /** Trainable variables φ. */
  get variables(): tf.Variable[] {
    return this.params.variables;
  }

  /** G_φ(z): [1, k_h·k_w] latent → [1, k_h·k_w] softmax (a flattened kernel, row-major). */
  apply(z: tf.Tensor2D): tf.Tensor2D {
    let h: tf.Tensor2D = z;
    this.layers.forEach((layer, l) => {
      h = tf.add(rowMatMul(h, layer.w as tf.Tensor2D), layer.b);
      if (l < this.layers.length - 1) h = tf.relu(h);
    });
    return tf.softmax(h);
  }

  dispose(): void {
    this.params.dispose();
  }
}
