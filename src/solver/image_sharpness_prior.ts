/**
 * The normalised-sparsity image prior of Krishnan, Tay & Fergus (CVPR 2011), for the self-diffusion loss
 * ‖D_θ(x̂) ⊛ k − y‖² + λ_k R(k) + λ_x S(D_θ(x̂)):
 *
 *     S(x) = ‖∇x‖₁ / ‖∇x‖₂,   ∇x = (x[i, j+1] − x[i, j], x[i+1, j] − x[i, j]),
 *
 * with |d| smoothed to √(d² + ε). Blur lowers ‖∇x‖₂ faster than ‖∇x‖₁, so S rises with blur and is
 * scale-invariant: unlike an L1 or TV term it favours the sharp image over a blurred one. Against the
 * blind ambiguity x ⊛ a, k ⊛ a⁻¹ (an image net's smooth output paired with a too-concentrated
 * kernel) it pushes the split towards the sharp image and the wider kernel.
 */
import { tf } from '../engine/tf.js';

/** ε of the smoothed absolute value √(d² + ε) in ‖∇x‖₁ (its gradient stays finite at d = 0). */
export const SHARPNESS_EPSILON = 1e-8;

/** S(x) = ‖∇x‖₁ / ‖∇x‖₂ of an NHWC image (module comment), a scalar tensor. */
export function normalisedSparsity(x: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const dx = tf.sub(tf.slice(x, [0, 0, 1, 0], [n, h, w - 1, c]), tf.slice(x, [0, 0, 0, 0], [n, h, w - 1, c]));
    const dy = tf.sub(tf.slice(x, [0, 1, 0, 0], [n, h - 1, w, c]), tf.slice(x, [0, 0, 0, 0], [n, h - 1, w, c]));
    const dx2 = tf.square(dx);
    const dy2 = tf.square(dy);
    const l1 = tf.add(tf.sum(tf.sqrt(tf.add(dx2, SHARPNESS_EPSILON))), tf.sum(tf.sqrt(tf.add(dy2, SHARPNESS_EPSILON))));
    const l2 = tf.sqrt(tf.add(tf.add(tf.sum(dx2), tf.sum(dy2)), SHARPNESS_EPSILON));
    return tf.div(l1, l2) as tf.Scalar;
  });
}

/** λ_x S(x), or a zero scalar when λ_x = 0 (the default: the paper has no image prior). */
export function imageSharpnessPenalty(x: tf.Tensor4D, weight: number): tf.Scalar {
  return weight === 0 ? tf.scalar(0) : (tf.mul(weight, normalisedSparsity(x)) as tf.Scalar);
}
