/**
 * The project's gradient for tfjs's `Conv2D` kernel (replaces tfjs's default, which needs
 * `Conv2DBackpropFilter` — missing on wasm — and the slow `Conv2DBackpropInput`):
 *
 *     ∂L/∂x = conv2dInputGradient(dy, w)      (forward convs only; see conv2d_input_gradient.ts)
 *     ∂L/∂w = conv2dFilterGradient(x, dy)     (forward convs / plain matMuls; conv2d_filter_gradient.ts)
 *
 * NHWC, stride 1 or more, dilation 1, any padding tfjs accepts ('same', 'valid', number, explicit).
 */
import { tf } from '../tf.js';
import { convGeometry, type Conv2DAttributes } from './conv_geometry.js';
import { conv2dInputGradient } from './conv2d_input_gradient.js';
import { conv2dFilterGradient } from './conv2d_filter_gradient.js';

/** Gradient config for `Conv2D`; register with `tf.registerGradient`. */
export const conv2dGradConfig: tf.GradConfig = {
  kernelName: tf.Conv2D,
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
    const g = convGeometry(x.shape, filter.shape, attrs as unknown as Conv2DAttributes);
    const dy4 = dy as tf.Tensor4D;
    return {
      x: () => conv2dInputGradient(dy4, filter, g),
      filter: () => conv2dFilterGradient(x, dy4, g),
    };
  },
};
