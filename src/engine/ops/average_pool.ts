/**
 * 2-D average pooling of an NHWC float32 tensor, 'valid' windows,
 *
 *     y[n, i, j, c] = (1 / (f_h·f_w)) Σ_{a < f_h, b < f_w} x[n, s_h·i + a, s_w·j + b, c],
 *
 * as tfjs's AvgPool kernel alone: `tf.avgPool` ends every call with a Cast to the input's dtype, which for
 * float32 is a full copy of the output on wasm (≈ 7 ms a joint step at 256², 32 channels, from the
 * resize gradient's pools). Differentiable through the kernel's registered gradient, as tf.avgPool.
 */
import { tf } from '../tf.js';

/** Average pool of float32 x over f_h×f_w windows with strides s_h×s_w, no padding (see the file comment). */
export function averagePool(x: tf.Tensor4D, filterSize: number | [number, number], strides: number | [number, number]): tf.Tensor4D {
  if (x.dtype !== 'float32') throw new TypeError(`averagePool: float32 input expected, got ${x.dtype}`);
  return tf.engine().runKernel(tf.AvgPool, { x }, { filterSize, strides, pad: 'valid' } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}
