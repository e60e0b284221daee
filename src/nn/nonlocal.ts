/**
 * Non-local block (Wang et al. 2018, "embedded dot-product" form with sub-sampled keys as in
 * SelfDeblur's skip network):
 *
 *   θ = W_θ x, φ = maxpool₂(W_φ x), g = maxpool₂(W_g x)     (1×1 convs to c/2 channels)
 *   f = softmax_j(θ_i · φ_j / (c/2)),  y_i = Σ_j f_ij g_j,  z = x + BN(W_z y)
 *
 * W_z's BatchNorm starts with γ = 0, so the block starts as the identity.
 */
import { tf } from '../engine/tf.js';
import type { ParameterSet } from './init.js';
import { BatchNorm, Conv } from './layers.js';

/** The embedded-Gaussian NonLocal block of the module comment, z = x + BN(W_z y), on `channels` channels (inner width c/2). */
export class NonLocalBlock {
  private readonly theta: Conv;
  private readonly phi: Conv;
  private readonly g: Conv;
  private readonly wz: Conv;
  private readonly bn: BatchNorm;
  private readonly inner: number;

  constructor(params: ParameterSet, readonly channels: number) {
    this.inner = Math.max(1, Math.floor(channels / 2));
    this.theta = new Conv(params, channels, this.inner, 1);
    this.phi = new Conv(params, channels, this.inner, 1);
    this.g = new Conv(params, channels, this.inner, 1);
    this.wz = new Conv(params, this.inner, channels, 1);
    this.bn = new BatchNorm(params, channels, 0);
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    const [, h, w] = x.shape;
    const c2 = this.inner;
    const pool = (t: tf.Tensor4D) => (h >= 2 && w >= 2 ? tf.maxPool(t, 2, 2, 'valid') : t);
    const theta = tf.reshape(this.theta.apply(x), [h * w, c2]);
    const phiMap = pool(this.phi.apply(x));
    const gMap = pool(this.g.apply(x));
    const m = phiMap.shape[1] * phiMap.shape[2];
    const phi = tf.reshape(phiMap, [m, c2]);
    const g = tf.reshape(gMap, [m, c2]);
    // θ·φᵀ with φ transposed explicitly: tfjs-wasm runs transposeB products on a slow scalar path
    const f = tf.softmax(tf.div(tf.matMul(theta, tf.transpose(phi)), c2));
    const y = tf.reshape(tf.matMul(f, g), [1, h, w, c2]) as tf.Tensor4D;
    return tf.add(x, this.bn.apply(this.wz.apply(y)));
  }
}
