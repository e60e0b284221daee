/**
 * The single tfjs entry point of the project: every module that needs tensors imports `tf` from here,
 * so one tfjs-core instance (and one kernel/gradient registry) is shared.
 *
 * Gradients: tfjs-core's own package ships its gradient definitions only as extension-less ESM files
 * that Node cannot load; the `@tensorflow/tfjs` union package registers them (its Node build inlines
 * them, its ESM build imports them for bundlers), so it is imported here for that side effect.
 * Production mode: no debug checks, no console nagging.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
tf.enableProdMode();
export { tf };
/** The tfjs tensor type, re-exported so callers need not import tfjs themselves. */
export type Tensor = tf.Tensor;
