/**
 * MaxPool gradient for non-overlapping windows (filter = stride, 'valid' — the NonLocal block's
 * 2×2 pooling), built from argMax and oneHot: tfjs-backend-wasm 4.22's `MaxPoolGrad` kernel returns
 * wrong values (it appears not to clear its output: errors depend on what memory it is handed).
 *
 *     ∂L/∂x[window w, slot q] = dy[w] if q = argmax_q′ x[w, q′] (first maximum, as tfjs's cpu), else 0
 *
 * Other pooling geometries keep tfjs's default gradient, and so does webgpu, whose `MaxPoolGrad` is right
 * and costs two dispatches where this composition costs about eight.
 */
import { tf } from '../tf.js';
import { originalGradient } from './reference_gradients.js';

interface MaxPoolAttributes {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function pair(v: number | [number, number]): [number, number] {
  return typeof v === 'number' ? [v, v] : v;
}

/** Gradient config for `MaxPool`; register with `tf.registerGradient`. */
export const maxPoolGradConfig: tf.GradConfig = {
  kernelName: tf.MaxPool,
  inputsToSave: ['x'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const a = attrs as unknown as MaxPoolAttributes;
    const [fh, fw] = pair(a.filterSize), [sh, sw] = pair(a.strides);
    if (fh === sh && fw === sw && a.pad === 'valid' && x.rank === 4 && tf.getBackend() !== 'webgpu') {
      return { x: () => windowArgmaxBackward(x as tf.Tensor4D, dy as tf.Tensor4D, fh, fw) };
    }
    const fallback = originalGradient(tf.MaxPool);
    if (!fallback) throw new Error('no default MaxPool gradient registered');
    return fallback.gradFunc(dy, saved, attrs);
  },
};

/** ∂L/∂x for y = maxPool(x, [fh, fw], [fh, fw], 'valid'). */
export function windowArgmaxBackward(x: tf.Tensor4D, dy: tf.Tensor4D, fh: number, fw: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const ho = Math.floor(h / fh), wo = Math.floor(w / fw);
    const used = ho * fh === h && wo * fw === w ? x : tf.slice(x, [0, 0, 0, 0], [n, ho * fh, wo * fw, c]);
    // [N·Ho, fh, Wo, fw, C] → [N·Ho, Wo, C, fh·fw]
    const windows = tf.reshape(tf.transpose(tf.reshape(used, [n * ho, fh, wo, fw, c]), [0, 2, 4, 1, 3]), [n * ho, wo, c, fh * fw]);
    // int32 oneHot then cast: wasm's OneHot with dtype float32 returns zeros
    const hot = tf.cast(tf.oneHot(tf.argMax(windows, 3), fh * fw), 'float32');
    const routed = tf.mul(hot, tf.reshape(dy, [n * ho, wo, c, 1]));
    // back: [N·Ho, Wo, C, fh, fw] → [N·Ho, fh, Wo, fw, C]
    const back = tf.reshape(tf.transpose(tf.reshape(routed, [n * ho, wo, c, fh, fw]), [0, 3, 1, 4, 2]), [n, ho * fh, wo * fw, c]);
    return used === x ? back : tf.pad(back, [[0, 0], [0, h - ho * fh], [0, w - wo * fw], [0, 0]]);
  }) as tf.Tensor4D;
}
