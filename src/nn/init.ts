/**
 * Seeded parameter initialisation (PyTorch's defaults, so results are comparable with the reference).
 * All randomness comes from the caller's {@link Rng}; no tfjs random op is used.
 */
import { tf } from '../engine/tf.js';
import type { Rng } from '../rng.js';

/**
 * Kaiming-uniform as torch.nn.Conv2d / Linear do by default: w ~ U(−b, b) with b = 1/√fan_in
 * (kaiming_uniform with a = √5 gives exactly this bound), biases ~ U(−1/√fan_in, 1/√fan_in).
 */
export function uniformVariable(rng: Rng, shape: number[], fanIn: number, name: string): tf.Variable {
  const n = shape.reduce((a, b) => a * b, 1);
  const bound = 1 / Math.sqrt(fanIn);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.range(-bound, bound);
  // tidy disposes the initial tensor; the variable keeps its own reference to the data
  return tf.tidy(() => tf.variable(tf.tensor(data, shape), true, name));
}

/** A trainable variable filled with a constant. */
export function constantVariable(shape: number[], value: number, name: string): tf.Variable {
  return tf.tidy(() => tf.variable(tf.fill(shape, value), true, name));
}

/** A registry that hands out unique variable names and keeps the list of trainable variables. */
export class ParameterSet {
  readonly variables: tf.Variable[] = [];
  private counter = 0;
  constructor(private readonly prefix: string, readonly rng: Rng) {}

  /** Unique name `<prefix>/<label>_<n>` (tfjs variable names must be unique per engine). */
  name(label: string): string {
    return `${this.prefix}/${label}_${this.counter++}_${uid++}`;
  }

  uniform(shape: number[], fanIn: number, label: string): tf.Variable {
    const v = uniformVariable(this.rng, shape, fanIn, this.name(label));
    this.variables.push(v);
    return v;
  }

  constant(shape: number[], value: number, label: string): tf.Variable {
    const v = constantVariable(shape, value, this.name(label));
    this.variables.push(v);
    return v;
  }

  /** Number of scalar parameters. */
  count(): number {
    return this.variables.reduce((s, v) => s + v.size, 0);
  }

  /** Disposes every variable. */
  dispose(): void {
    for (const v of this.variables) v.dispose();
    this.variables.length = 0;
  }
}
let uid = 0;
