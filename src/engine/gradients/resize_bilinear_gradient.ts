/**
 * A correct gradient for `ResizeBilinear`. tfjs 4.22's `ResizeBilinearGrad` kernels (cpu and wasm)
 * ignore `halfPixelCenters` — the PyTorch `align_corners=False` convention the U-Net uses — so
 * their gradient is not the adjoint of the forward (and cpu's returns a transposed shape for
 * non-square inputs).
 *
 * Bilinear resizing is separable: y = A_h · x · A_wᵀ per channel, where row o of A (n_out × n_in)
 * holds the two interpolation weights of output o, exactly as tfjs computes them:
 *
 *     s = (o + ½)·r − ½ (half-pixel) or o·r,   r = n_in/n_out (or (n_in−1)/(n_out−1) with alignCorners)
 *     lo = max(0, ⌊s⌋), hi = min(n_in − 1, ⌈s⌉), f = s − lo:   A[o, lo] += 1 − f,  A[o, hi] += f
 *
 * so ∂L/∂x = A_hᵀ · dy · A_w. Two ways to apply it:
 * - exact 2× with half-pixel centres (the U-Net's 143→286, 36→72, …): the adjoint is a stride-2
 *   correlation of dy (edge-replicated by one) with k⊗k, k = [¼, ¾, ¾, ¼] (three 2×2 average pools);
 * - any other size: two matMuls with the dense A (cost ∝ n_in·n_out, fine below a few hundred).
 */
import { tf } from '../tf.js';
import { averagePool } from '../ops/average_pool.js';
import { webgpuResizeDoubleBackward, webgpuResizeGradientApplies } from '../webgpu_resize_gradient.js';
import { wasmResizeDoubleBackward, wasmResizeGradientApplies } from '../kernels/wasm_resize_gradient_kernel.js';

/** Interpolation matrix A (n_out × n_in, row-major) of one axis, as tfjs's ResizeBilinear computes it. */
export function interpolationMatrix(nIn: number, nOut: number, alignCorners: boolean, halfPixelCenters: boolean): Float32Array {
  const a = new Float32Array(nOut * nIn);
  const effIn = alignCorners && nOut > 1 ? nIn - 1 : nIn;
  const effOut = alignCorners && nOut > 1 ? nOut - 1 : nOut;
  const ratio = effIn / effOut;
  for (let o = 0; o < nOut; o++) {
    const s = halfPixelCenters ? ratio * (o + 0.5) - 0.5 : ratio * o;
    const lo = Math.max(0, Math.floor(s));
    const hi = Math.min(nIn - 1, Math.ceil(s));
    const f = s - lo;
    a[o * nIn + lo] += 1 - f;
    a[o * nIn + hi] += f;
  }
  return a;
}

/** Gradient config for `ResizeBilinear`; register with `tf.registerGradient`. */
export const resizeBilinearGradConfig: tf.GradConfig = {
  kernelName: tf.ResizeBilinear,
  inputsToSave: ['images'],
  gradFunc: (dy, saved, attrs) => {
    const [images] = saved;
    const { alignCorners, halfPixelCenters } = attrs as unknown as { alignCorners: boolean; halfPixelCenters: boolean };
    return { images: () => resizeBilinearBackward(dy as tf.Tensor4D, images.shape as [number, number, number, number], alignCorners, halfPixelCenters) };
  },
};

/** ∂L/∂x of y = resizeBilinear(x, size, alignCorners, halfPixelCenters), given dy (NHWC). */
export function resizeBilinearBackward(dy: tf.Tensor4D, xShape: [number, number, number, number], alignCorners: boolean, halfPixelCenters: boolean): tf.Tensor4D {
  const [, hIn, wIn] = xShape;
  const [, hOut, wOut] = dy.shape;
  return tf.tidy(() => {
    if (halfPixelCenters && !alignCorners && hOut === 2 * hIn && wOut === 2 * wIn) return exactDoubleBackward(dy);
    return denseBackward(dy, xShape, alignCorners, halfPixelCenters);
  });
}

/**
 * dx = stride-2 correlation of edge-replicated dy with k⊗k, k = [¼, ¾, ¾, ¼] = 2·b∗b∗b with the box
 * b = [½, ½]: three 2×2 average pools (strides 1, 1, 2) times 4. XNNPACK's average pool runs this
 * about 3× faster than tfjs-wasm's depthwise conv with the 4×4 filter. On webgpu the same sums are one
 * WGSL kernel (engine/webgpu_resize_gradient.ts) instead of five dispatches; on wasm one SIMD kernel
 * that does the pools' float operations in their order in one pass (kernels/wasm_resize_gradient_kernel.ts).
 */
function exactDoubleBackward(dy: tf.Tensor4D): tf.Tensor4D {
  if (webgpuResizeGradientApplies(dy)) return webgpuResizeDoubleBackward(dy);
  if (wasmResizeGradientApplies(dy)) return wasmResizeDoubleBackward(dy);
  const padded = tf.mirrorPad(dy, [[0, 0], [1, 1], [1, 1], [0, 0]], 'symmetric');
  const once = averagePool(padded, 2, 1);
  const twice = averagePool(once, 2, 1);
  return tf.mul(averagePool(twice, 2, 2), 4);
}

/** dx = A_hᵀ · dy · A_w per image and channel, with the matrices as the right operands of plain matMuls. */
function denseBackward(dy: tf.Tensor4D, xShape: [number, number, number, number], alignCorners: boolean, halfPixelCenters: boolean): tf.Tensor4D {
  const [n, hIn, wIn, c] = xShape;
  const [, hOut, wOut] = dy.shape;
  const ah = tf.tensor2d(interpolationMatrix(hIn, hOut, alignCorners, halfPixelCenters), [hOut, hIn]);
  const aw = tf.tensor2d(interpolationMatrix(wIn, wOut, alignCorners, halfPixelCenters), [wOut, wIn]);
  // rows: [N, Ho, Wo, C] → [N·Wo·C, Ho] · A_h → [N, Wo, C, Hi]
  const byRows = tf.matMul(tf.reshape(tf.transpose(dy, [0, 2, 3, 1]), [-1, hOut]), ah);
  // columns: [N, Wo, C, Hi] → [N, Hi, C, Wo] → [N·Hi·C, Wo] · A_w → [N, Hi, C, Wi] → [N, Hi, Wi, C]
  const cols = tf.transpose(tf.reshape(byRows, [n, wOut, c, hIn]), [0, 3, 2, 1]);
  const byCols = tf.matMul(tf.reshape(cols, [-1, wOut]), aw);
  return tf.transpose(tf.reshape(byCols, [n, hIn, c, wIn]), [0, 1, 3, 2]);
}
