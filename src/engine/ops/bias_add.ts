/**
 * Per-channel bias addition with a cheap gradient, as one op:
 *
 *     y = x + b   (b: [C] broadcast over N, H, W),   ∂L/∂x = dy,   ∂L/∂b_c = Σ_{n,h,w} dy[n, h, w, c]
 *
 * tfjs's Add gradient reduces dy with Sum, which tfjs-wasm runs after transposing the whole tensor
 * (≈10 ms on 286²×32); here the channel sums are a global average pool (XNNPACK, one pass, ≈1 ms)
 * times the pixel count.
 */
import { tf } from '../tf.js';
import { channelMean } from './batch_norm.js';
import { webgpuChannelSum, webgpuChannelSumAvailable } from '../webgpu_batch_norm.js';

/** Σ over N, H, W per channel, as [C] (a global average pool times N·H·W; on webgpu one WGSL reduction). */
export function channelSum(x: tf.Tensor4D): tf.Tensor1D {
  if (webgpuChannelSumAvailable()) return webgpuChannelSum(x);
  const [n, h, w, c] = x.shape;
  return tf.reshape(tf.mul(channelMean(x), n * h * w), [c]);
}

/** y = x + b for x: [N, H, W, C], b: [C]; differentiable in both. */
export function biasAdd(x: tf.Tensor4D, b: tf.Tensor1D): tf.Tensor4D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xIn, bIn] = args as [tf.Tensor4D, tf.Tensor1D];
    return {
      value: tf.add(xIn, bIn),
      gradFunc: (dy: tf.Tensor) => [dy, channelSum(dy as tf.Tensor4D)],
    };
  });
  return op(x, b) as tf.Tensor4D;
}
