/**
 * A row vector times a matrix whose values change every step (the kernel network's FC layers), as
 * one op that never packs the matrix:
 *
 *     y = h·W  (h: [1, K], W: [K, N]),   ∂L/∂h = (W·dyᵀ)ᵀ,   ∂L/∂W = hᵀ·dy = h_k·dy_n
 *
 * tfjs-wasm's MatMul hands its right operand to XNNPACK as "weights", packing (and transposing)
 * them into a cached operator keyed by the tensor; a trained W is a new tensor every step, so each
 * product repacks all K·N values (≈12 ms for 1000×1000, against < 1 ms for the arithmetic), and
 * the default gradient transposes W and packs it again. Here the forward is Σ_k h_k·W[k, :] as one
 * multiply and one average pool over k (times K), ∂L/∂h a product with W as the LEFT operand (not
 * packed) and ∂L/∂W an outer product, a broadcast multiply.
 */
import { tf } from '../tf.js';
import { averagePool } from './average_pool.js';

/** h·W for h: [1, K], W: [K, N] (other shapes: tf.matMul); differentiable in both. */
export function rowMatMul(h: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  if (h.shape[0] !== 1) return tf.matMul(h, w);
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [hIn, wIn, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    const [k, n] = wIn.shape;
    save([hIn, wIn]);
    const products = tf.reshape(tf.mul(tf.reshape(hIn, [k, 1]), wIn), [1, k, 1, n]) as tf.Tensor4D;
    const value = tf.reshape(tf.mul(averagePool(products, [k, 1], 1), k), [1, n]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [hs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      const dh = tf.reshape(tf.matMul(ws, tf.reshape(dy, [n, 1])), [1, k]);
      // an outer product needs no sum: a broadcast multiply (and dy's data must not be a matMul's
      // right operand twice with two shapes: tfjs-wasm caches the packed operand by data id only)
      const dw = tf.mul(tf.reshape(hs, [k, 1]), dy);
      return [dh, dw];
    };
    return { value, gradFunc };
  });
  return op(h, w) as tf.Tensor2D;
}
