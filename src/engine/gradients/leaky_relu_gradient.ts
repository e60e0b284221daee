/**
 * LeakyReLU gradient with two elementwise kernels instead of four:
 *
 *     ∂L/∂x = dy · step_α(x),   step_α(x) = 1 if x > 0 else α   (tf.step(x, α))
 *
 * tfjs's default is where(x > 0, dy, α·dy) (Greater, Multiply, Select — and a bool tensor), which
 * costs about three times as much on wasm for the U-Net's 286²×32 activations.
 */
import { tf } from '../tf.js';

/** Gradient config for `LeakyRelu`; register with `tf.registerGradient`. */
export const leakyReluGradConfig: tf.GradConfig = {
  kernelName: tf.LeakyRelu,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const { alpha } = attrs as unknown as { alpha: number };
    return { x: () => tf.mul(dy as tf.Tensor, tf.step(x, alpha)) };
  },
};
