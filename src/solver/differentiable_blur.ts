/**
 * The data term's blur, differentiable in both arguments, in the project's convention
 * (src/physics/kernel.ts): true convolution, 'valid' output.
 *
 *   (x ⊛ k)[i, j] = Σ_{a,b} k[a, b] · x[i + k_h − 1 − a, j + k_w − 1 − b],
 *
 * so an image estimated on the enlarged support (H + k_h − 1) × (W + k_w − 1) blurs to exactly H × W,
 * as in SelfDeblur. tf.conv2d computes a correlation, hence the 180° reversal of the kernel.
 */
import { tf } from '../engine/tf.js';
import { blockedCorrelation } from '../engine/ops/blocked_correlation.js';

/** x: [1, H', W', 1]; kernel: [k_h, k_w] → [1, H'−k_h+1, W'−k_w+1, 1]. */
export function blurValid(x: tf.Tensor4D, kernel: tf.Tensor2D): tf.Tensor4D {
  // blockedCorrelation = 'valid' tf.conv2d with a 1→1-channel filter, reformulated so the large
  // kernel runs as a multi-channel conv (≈6× faster on wasm); see engine/ops/blocked_correlation.ts.
  return blockedCorrelation(x, tf.reverse(kernel, [0, 1]) as tf.Tensor2D);
}
