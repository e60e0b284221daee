/**
 * Kernel sparsity priors R(k) for the data term ‖x ⊛ k − y‖² + λ R(k).
 *
 * An L1 penalty does nothing on a softmax output: Σ|k| = Σk = 1 for every kernel the generator can
 * produce, so its gradient through the softmax is exactly zero. The priors here do act:
 *
 * - `lp`: R(k) = Σ (k + ε)^p with 0 < p < 1. For kernels on the simplex this is smallest at a
 *   single tap (R = 1) and largest for the uniform kernel (R = n^{1−p}), so it favours few, strong taps.
 * - `l2-neg`: R(k) = −Σ k², the negative energy (also minimised by concentrated kernels); bounded
 *   gradient everywhere.
 * - `none`: R = 0.
 */
import { tf } from '../engine/tf.js';

/** The kernel prior R(k): none, the Lp sparsity Σ (k + ε)^p (0 < p < 1), or the negative energy −Σ k² (module comment). */
export type KernelPriorKind = 'none' | 'lp' | 'l2-neg';

/** The kernel prior λR(k) added to the data term. */
export interface KernelPrior {
  kind: KernelPriorKind;
  /** Weight λ. Paper: 2e-3 (with the data term as a sum of squares). */
  weight: number;
  /** Exponent p of the `lp` prior (0 < p < 1). Default 0.5. */
  p: number;
}

/** R(k) as a scalar tensor (0 for `none` or weight 0). */
export function kernelPriorValue(k: tf.Tensor, prior: KernelPrior): tf.Scalar {
  if (prior.kind === 'none' || prior.weight === 0) return tf.scalar(0);
  if (prior.kind === 'lp') return tf.mul(prior.weight, tf.sum(tf.pow(tf.add(k, 1e-12), prior.p))) as tf.Scalar;
  return tf.mul(-prior.weight, tf.sum(tf.square(k))) as tf.Scalar;
}

/** The same prior on a plain array (for reports and tests). */
export function kernelPriorOnArray(k: ArrayLike<number>, prior: KernelPrior): number {
  if (prior.kind === 'none' || prior.weight === 0) return 0;
  let s = 0;
  for (let i = 0; i < k.length; i++) s += prior.kind === 'lp' ? Math.pow(k[i] + 1e-12, prior.p) : -k[i] * k[i];
  return prior.weight * s;
}
