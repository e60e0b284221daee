/**
 * Adam (Kingma & Ba 2015) over a whole parameter group held as one flat vector, so a step costs a
 * fixed handful of tensor ops instead of ~10 per variable (tfjs's AdamOptimizer): with the ~150
 * variables of the U-Net that is ~1000 fewer op dispatches per training step. The parameters are
 * updated as one flat vector too and split back (one split, no per-variable Sub); on wasm one kernel
 * updates every tensor of the group where it lies, with no concatenation or split at all.
 *
 *   g = concat(vec(∂L/∂w_i)),  m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,
 *   w ← w − η · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)
 *
 * (the same update as torch.optim.Adam and tf.train.adam). On wasm the update is one SIMD pass of the
 * project's own (engine/kernels/wasm_adam_kernel.ts), bit for bit the same as the tfjs ops.
 */
import { tf } from '../engine/tf.js';
import { adamUpdate, wasmAdamAvailable } from '../engine/kernels/wasm_adam_kernel.js';

/** Adam's state for a checkpoint: the step count t and the flat moments m, v. */
export interface FlatAdamState {
  /** Steps taken t. */
  iterations: number;
  /** First and second moments [m, v], each of the group's total size. */
  moments: Float32Array[];
}

/**
 * Adam over one parameter group as one flat vector (module comment): `step(grads)` applies
 * m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², w ← w − η·m̂/(√v̂ + ε) to every variable of the group.
 */
export class FlatAdam {
  private readonly m: tf.Variable;
  private readonly v: tf.Variable;
  private readonly sizes: number[];
  private t = 0;

  constructor(private readonly variables: tf.Variable[], public learningRate: number, private readonly beta1 = 0.9, private readonly beta2 = 0.999, private readonly epsilon = 1e-8) {
    this.sizes = variables.map((v) => v.size);
    const total = this.sizes.reduce((a, b) => a + b, 0);
    this.m = tf.tidy(() => tf.variable(tf.zeros([total]), false));
    this.v = tf.tidy(() => tf.variable(tf.zeros([total]), false));
  }

  /** One update with `grads[i]` = ∂L/∂variables[i]. */
  step(grads: tf.Tensor[]): void {
    if (grads.length !== this.variables.length) throw new RangeError('FlatAdam.step: one gradient per variable');
    this.t++;
    const { beta1: b1, beta2: b2, epsilon } = this;
    const stepSize = this.learningRate / (1 - b1 ** this.t);
    const vScale = 1 / (1 - b2 ** this.t);
    tf.tidy(() => {
      if (wasmAdamAvailable()) {
        // one pass over the group, each gradient and weight read and written where it lies (no concat, no split)
        const [m, v, ...weights] = adamUpdate(grads, this.m as tf.Tensor1D, this.v as tf.Tensor1D, this.variables, { beta1: b1, beta2: b2, stepSize, vScale, epsilon });
        this.m.assign(m);
        this.v.assign(v);
        this.variables.forEach((w, i) => w.assign(weights[i]));
        return;
      }
      const g = tf.concat(grads.map((x) => tf.reshape(x, [-1]))) as tf.Tensor1D;
      const flat = tf.concat(this.variables.map((w) => tf.reshape(w, [-1]))) as tf.Tensor1D;
      const m = tf.add(tf.mul(this.m, b1), tf.mul(g, 1 - b1));
      const v = tf.add(tf.mul(this.v, b2), tf.mul(tf.square(g), 1 - b2));
      this.m.assign(m);
      this.v.assign(v);
      const update = tf.div(tf.mul(m, stepSize), tf.add(tf.sqrt(tf.mul(v, vScale)), epsilon));
      // w ← w − update on the flat vector, then split: one Sub instead of one per variable (the same
      // per-element arithmetic, so the same bits); assign only swaps each variable's data
      const parts = tf.split(tf.sub(flat, update), this.sizes);
      this.variables.forEach((w, i) => w.assign(tf.reshape(parts[i], w.shape)));
    });
  }

  getState(): FlatAdamState {
    return { iterations: this.t, moments: [Float32Array.from(this.m.dataSync() as Float32Array), Float32Array.from(this.v.dataSync() as Float32Array)] };
  }

  /** {@link getState} without a synchronous read-back (which WebGPU in browsers and Node cannot always do). */
  async readState(): Promise<FlatAdamState> {
    const [m, v] = await Promise.all([this.m.data(), this.v.data()]);
    return { iterations: this.t, moments: [Float32Array.from(m as Float32Array), Float32Array.from(v as Float32Array)] };
  }

  setState(state: FlatAdamState): void {
    if (state.moments.length !== 2 || state.moments[0].length !== this.m.size || state.moments[1].length !== this.v.size) {
      throw new RangeError('FlatAdam.setState: state does not match the parameter group');
    }
    this.t = state.iterations;
    tf.tidy(() => {
      this.m.assign(tf.tensor1d(state.moments[0]));
      this.v.assign(tf.tensor1d(state.moments[1]));
    });
  }

  dispose(): void {
    this.m.dispose();
    this.v.dispose();
  }
}
