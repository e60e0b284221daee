/**
 * Stand-in for the `@tensorflow/tfjs` union package in the web build (see web/vite.config.ts).
 * src/engine/tf.ts imports the union package only for its side effect of registering tfjs-core's
 * gradient definitions; this module does exactly that (tfjs-core's ESM file works in a bundler).
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';

/** Marker so tests and the worker can check that the shim (not the union package) was bundled. */
export const tfjsShim = true;
