/**
 * Building blocks of the image network, written with tfjs ops on NHWC tensors (batch 1).
 * Each block owns its parameters in a {@link ParameterSet} and exposes `apply(x)`.
 */
import { tf } from '../engine/tf.js';
import type { ParameterSet } from './init.js';
import { batchNormLeakyRelu, batchNormTrain } from '../engine/ops/batch_norm.js';
import { biasAdd } from '../engine/ops/bias_add.js';

/**
 * 2-D convolution with reflection padding (as nn.ReflectionPad2d + nn.Conv2d):
 * y = W ⋆ pad_reflect(x, ⌊k/2⌋) + b, with stride s (output ⌈H/s⌉ × ⌈W/s⌉ for odd k).
 */
export class Conv {
  private readonly w: tf.Variable;
  private readonly b: tf.Variable | null;
  constructor(params: ParameterSet, readonly cin: number, readonly cout: number, readonly size: number, readonly stride = 1, bias = true) {
    const fanIn = cin * size * size;
    this.w = params.uniform([size, size, cin, cout], fanIn, `conv${size}x${size}_w`);
    this.b = bias ? params.uniform([cout], fanIn, `conv${size}x${size}_b`) : null;
  }

  /** The conv; without its bias when `addBias` is false (for a following op that adds it itself). */
  apply(x: tf.Tensor4D, addBias = true): tf.Tensor4D {
    const p = Math.floor(this.size / 2);
    const padded = p > 0 ? tf.mirrorPad(x, [[0, 0], [p, p], [p, p], [0, 0]], 'reflect') : x;
    const y = tf.conv2d(padded, this.w as tf.Tensor4D, this.stride, 'valid');
    return this.b && addBias ? biasAdd(y, this.b as tf.Tensor1D) : y;
  }

  /** The bias b (null without one), for a following op that adds it itself ({@link BatchNorm.apply}). */
  get bias(): tf.Tensor1D | null {
    return this.b as tf.Tensor1D | null;
  }
}

/**
 * Batch normalisation in training mode (batch statistics, as the networks are never switched to
 * eval): y = γ (x − μ_c) / √(σ²_c + ε) + β, with μ_c, σ²_c the mean and biased variance of channel c
 * over N·H·W. With batch 1 this equals instance normalisation.
 */
export class BatchNorm {
  private readonly gamma: tf.Variable;
  private readonly beta: tf.Variable;
  constructor(params: ParameterSet, readonly channels: number, gammaInit = 1, readonly eps = 1e-5) {
    this.gamma = params.constant([channels], gammaInit, 'bn_gamma');
    this.beta = params.constant([channels], 0, 'bn_beta');
  }

  /** BN(x), or BN(x + bias) when a per-channel bias is given (see {@link batchNormTrain}). */
  apply(x: tf.Tensor4D, bias?: tf.Tensor1D): tf.Tensor4D {
    return batchNormTrain(x, this.gamma as tf.Tensor1D, this.beta as tf.Tensor1D, this.eps, bias);
  }

  /** LeakyReLU_α(BN(x + bias)), as one op (one set of kernels on webgpu: {@link batchNormLeakyRelu}). */
  applyLeakyRelu(x: tf.Tensor4D, alpha: number, bias?: tf.Tensor1D): tf.Tensor4D {
    return batchNormLeakyRelu(x, this.gamma as tf.Tensor1D, this.beta as tf.Tensor1D, alpha, this.eps, bias);
  }
}

/** Conv → BatchNorm → LeakyReLU(0.2), SelfDeblur's basic unit. */
export class ConvBnAct {
  private readonly conv: Conv;
  private readonly bn: BatchNorm;
  constructor(params: ParameterSet, cin: number, cout: number, size: number, stride = 1) {
    this.conv = new Conv(params, cin, cout, size, stride);
    this.bn = new BatchNorm(params, cout);
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    // the conv's bias goes into the BN, which cancels it in the forward pass (no x + b formed)
    return this.bn.applyLeakyRelu(this.conv.apply(x, false), 0.2, this.conv.bias ?? undefined);
  }
}
