/**
 * A centring penalty for the kernel estimate.
 *
 * The data term cannot tell a kernel shifted by d from one in place: x ⊛ k = (x shifted by −d) ⊛
 * (k shifted by d), and the image network, fed noise, has no frame of its own. So the kernel drifts
 * inside its k_h × k_w window (measured: centroid offsets with a spread of ≈ 6 px over the Levin
 * motion set at the `fast` budget) and, once it reaches the window's edge, is clipped there and can
 * no longer take the true kernel's shape. MAP methods re-centre their kernels between iterations;
 * for a network output there are two ways, both solver options: roll the output back to the centre
 * (`recentreKernel`, self_diffusion.ts, using {@link kernelCentroidOffset}) or add a smooth penalty
 * to the loss (`centring`, this module):
 *
 *   C(k) = ‖c(k) − c₀‖²,  c(k) = Σ_{ij} k_ij (i, j),  c₀ = ((k_h − 1)/2, (k_w − 1)/2),
 *
 * the squared distance (pixels²) of the kernel's centre of mass (Σk = 1 for the softmax output) from
 * the window's centre. It vanishes for every kernel centred in its window, so it favours no shape.
 * Measured (docs/results.md): at λ_c ≤ 0.1 it does not stop the drift once the softmax saturates.
 */
import { tf } from '../engine/tf.js';
import { kernelCentroid } from '../physics/kernel_centroid.js';

/** Row and column coordinates of a k_h × k_w window, relative to its centre, as two 1 × k_h·k_w rows. */
function centredCoordinates(kh: number, kw: number): [Float32Array, Float32Array] {
  const rows = new Float32Array(kh * kw), cols = new Float32Array(kh * kw);
  for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
    rows[i * kw + j] = i - (kh - 1) / 2;
    cols[i * kw + j] = j - (kw - 1) / 2;
  }
  return [rows, cols];
}

/**
 * λ_c C(k) for a kernel given as a 1 × k_h·k_w row (row-major, summing to 1), as a scalar tensor:
 * λ_c [(Σ k_ij (i − (k_h−1)/2))² + (Σ k_ij (j − (k_w−1)/2))²]. 0 when `weight` is 0.
 */
export function kernelCentringPenalty(k: tf.Tensor, kh: number, kw: number, weight: number): tf.Scalar {
  if (weight === 0) return tf.scalar(0);
  return tf.tidy(() => {
    const [rows, cols] = centredCoordinates(kh, kw);
    const flat = tf.reshape(k, [kh * kw]);
    const dy = tf.sum(tf.mul(flat, tf.tensor1d(rows)));
    const dx = tf.sum(tf.mul(flat, tf.tensor1d(cols)));
    return tf.mul(weight, tf.add(tf.square(dy), tf.square(dx))) as tf.Scalar;
  });
}

/** The centre-of-mass offset (dy, dx) in pixels of a row-major k_h × k_w kernel from its window's centre ((0, 0) unless Σk > 0). */
export function kernelCentroidOffset(k: ArrayLike<number>, kh: number, kw: number): [number, number] {
  const [r, c] = kernelCentroid({ width: kw, height: kh, data: k });
  return Number.isNaN(r) ? [0, 0] : [r - (kh - 1) / 2, c - (kw - 1) / 2];
}
