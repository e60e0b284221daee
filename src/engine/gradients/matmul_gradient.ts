/**
 * BatchMatMul gradient that never asks the backend for a transposed operand: every product is a
 * plain matMul of explicitly transposed tensors (tfjs-wasm runs transposeA/transposeB products on a
 * slow path: 3 vs 26 GFLOP/s, see ENGINE-NOTES). For C = op(A)·op(B):
 *
 *     ∂L/∂A = dC · op(B)ᵀ   (transposed back if A was used transposed)
 *     ∂L/∂B = op(A)ᵀ · dC   (likewise)
 *
 * Leading (batch) axes that were broadcast are summed out. On webgpu, whose matMul reads transposed
 * operands in its shader, the same products are asked for with transpose flags instead
 * ({@link flaggedGradients}), which saves the explicit transposes, each a dispatch with a fixed host cost.
 */
import { tf } from '../tf.js';
import { permute } from '../ops/permute.js';

/** Swaps the last two axes (a reshape when one of them has size 1). */
export function transposeLast2(t: tf.Tensor): tf.Tensor {
  const r = t.rank;
  return permute(t, [...Array(r - 2).keys(), r - 1, r - 2]);
}

/** Sums out the leading axes a broadcast added, back to `shape`. */
function unbroadcast(g: tf.Tensor, shape: readonly number[]): tf.Tensor {
  if (g.shape.length === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.rank - shape.length;
  let out = lead > 0 ? tf.sum(g, [...Array(lead).keys()]) : g;
  const axes = shape.slice(0, -2).map((d, i) => (d === 1 && out.shape[i] !== 1 ? i : -1)).filter((i) => i >= 0);
  if (axes.length) out = tf.sum(out, axes, true);
  return tf.reshape(out, shape as number[]);
}

/** Gradient config for `BatchMatMul`; register with `tf.registerGradient`. */
export const batchMatMulGradConfig: tf.GradConfig = {
  kernelName: tf.BatchMatMul,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, saved, attrs) => {
    const [a, b] = saved;
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const d = dy as tf.Tensor;
    if (tf.getBackend() === 'webgpu') return flaggedGradients(d, a, b, transposeA, transposeB);
    const opB = () => (transposeB ? transposeLast2(b) : b);
    const opA = () => (transposeA ? transposeLast2(a) : a);
    return {
      // ∂L/∂op(A) = dC·op(B)ᵀ
      a: () => {
        const gOpA = tf.matMul(d, transposeLast2(opB()));
        return unbroadcast(transposeA ? transposeLast2(gOpA) : gOpA, a.shape);
      },
      // ∂L/∂op(B) = op(A)ᵀ·dC
      b: () => {
        const gOpB = tf.matMul(transposeLast2(opA()), d);
        return unbroadcast(transposeB ? transposeLast2(gOpB) : gOpB, b.shape);
      },
    };
  },
};

/**
 * The same gradients as products with transpose flags (tfjs's own formulas, plus the broadcast sums
 * tfjs 4.22's gradient lacks):
 *
 *     ∂L/∂A = dC·Bᵀ | dC·B | B·dCᵀ | Bᵀ·dCᵀ,   ∂L/∂B = Aᵀ·dC | dCᵀ·A | A·dC | dCᵀ·Aᵀ
 *
 * for (transposeA, transposeB) = (F, F) | (F, T) | (T, F) | (T, T).
 */
function flaggedGradients(d: tf.Tensor, a: tf.Tensor, b: tf.Tensor, ta: boolean, tb: boolean): { a: () => tf.Tensor; b: () => tf.Tensor } {
  return {
    a: () => unbroadcast(ta ? tf.matMul(b, d, tb, true) : tf.matMul(d, b, false, !tb), a.shape),
    b: () => unbroadcast(tb ? tf.matMul(d, a, true, ta) : tf.matMul(a, d, !ta, false), b.shape),
  };
}
