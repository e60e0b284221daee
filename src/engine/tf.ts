/**
 * The single tfjs entry point of the project: every module that needs tensors imports `tf` from here,
 * so one tfjs-core instance (and one kernel/gradient registry) is shared.
 */
import * as tf from '@tensorflow/tfjs-core';
export { tf };
export type Tensor = tf.Tensor;
