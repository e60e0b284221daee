/**
 * The half-resolution problem of the coarse-to-fine schedule (options.coarseSteps): the first outer
 * steps fit y_c ≈ x_c ⊛ k_c with all three at half resolution, where a training step costs about a
 * third of a full-resolution one, then x_c is brought up to full resolution and the run goes on there.
 *
 * With y[i] = Σ_u k[u] x[i + K − 1 − u] (differentiable_blur.ts) and 2× box averages
 * y_c[i] = ¼ Σ_{a,b∈{0,1}} y[2i + a, 2j + b], the pooled kernel k_c[u] = Σ_{a,b} k[2u + a, 2v + b]
 * (k zero-padded to even size; still sums to 1) gives y_c ≈ x_c ⊛ k_c for x_c the box average of x:
 * exact for images that are locally linear, the usual first-order approximation of a pyramid.
 */
import { tf } from '../engine/tf.js';
import { averagePool } from '../engine/ops/average_pool.js';

/** Size of the half-resolution problem: image ⌊H/2⌋ × ⌊W/2⌋, kernel ⌈k_h/2⌉ × ⌈k_w/2⌉, and the latent's support. */
export function coarseGeometry(height: number, width: number, kh: number, kw: number): { height: number; width: number; kh: number; kw: number; supportHeight: number; supportWidth: number } {
  const h = Math.floor(height / 2), w = Math.floor(width / 2), ch = Math.ceil(kh / 2), cw = Math.ceil(kw / 2);
  return { height: h, width: w, kh: ch, kw: cw, supportHeight: h + ch - 1, supportWidth: w + cw - 1 };
}

/** y_c[i, j] = ¼ Σ_{a,b∈{0,1}} y[2i + a, 2j + b] on the top-left 2⌊H/2⌋ × 2⌊W/2⌋ of y: [1, H, W, 1] → [1, ⌊H/2⌋, ⌊W/2⌋, 1]. */
export function halveImage(y: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [, H, W] = y.shape;
    const even = H % 2 === 0 && W % 2 === 0 ? y : tf.slice(y, [0, 0, 0, 0], [1, 2 * Math.floor(H / 2), 2 * Math.floor(W / 2), 1]);
    return averagePool(even, 2, 2);
  });
}

/**
 * k_c[u, v] = Σ_{a,b∈{0,1}} k[2u + a, 2v + b], k zero-padded at the bottom and right to even size:
 * [k_h, k_w] → [⌈k_h/2⌉, ⌈k_w/2⌉]; differentiable, and the mass (1 for a PSF) is kept.
 */
export function halveKernel(kernel: tf.Tensor2D): tf.Tensor2D {
  const [kh, kw] = kernel.shape;
  const padded = tf.pad(tf.reshape(kernel, [1, kh, kw, 1]), [[0, 0], [0, kh % 2], [0, kw % 2], [0, 0]]);
  const pooled = tf.mul(averagePool(padded as tf.Tensor4D, 2, 2), 4);
  return tf.reshape(pooled, [Math.ceil(kh / 2), Math.ceil(kw / 2)]);
}

/**
 * The half-resolution latent x_c ([1, h', w', 1]) at full resolution [1, H', W', 1]: 2× bilinear
 * upsampling with half-pixel centres (each x_c pixel covers the 2 × 2 block it was averaged from), then
 * the last rows and columns mirrored where the fine support exceeds 2h' × 2w' (by one for an odd image
 * side and odd kernel, by one or two for an even kernel).
 */
export function doubleLatent(xc: tf.Tensor4D, supportHeight: number, supportWidth: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [, h, w] = xc.shape;
    const up = tf.image.resizeBilinear(xc, [2 * h, 2 * w], false, true);
    const ph = supportHeight - 2 * h, pw = supportWidth - 2 * w;
    if (ph < 0 || pw < 0 || ph > 2 || pw > 2) throw new RangeError(`doubleLatent: ${h}×${w} does not double to ${supportHeight}×${supportWidth}`);
    return (ph === 0 && pw === 0 ? up : tf.mirrorPad(up, [[0, 0], [0, ph], [0, pw], [0, 0]], 'symmetric')) as tf.Tensor4D;
  });
}
