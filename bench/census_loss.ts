/**
 * The loss the kernel censuses count (bench/kernel_census.ts in Node, bench/gpu/browser_census_page.ts in
 * Chromium): L = ‖blurValid(D_θ(x̂), G_φ(ẑ)) − y‖² with the `balanced` networks at width `width`, an N² image
 * and a k×k kernel, seeded random inputs (the content does not change which kernels run). Browser-safe.
 */
import { tf } from '../src/engine/tf.js';
import { SkipUNet } from '../src/nn/unet.js';
import { KernelGenerator } from '../src/nn/kernel_generator.js';
import { resolveSolverOptions } from '../src/solver/presets.js';
import { blurValid } from '../src/solver/differentiable_blur.js';
import { Rng } from '../src/rng.js';

export interface CensusLoss {
  loss: () => tf.Scalar;
  variables: tf.Variable[];
  /** Disposes the networks and inputs. */
  dispose(): void;
}

/** The census loss for an N² image, U-Net width `width` and a k×k kernel. */
export function censusLoss(N: number, width: number, k: number): CensusLoss {
  const base = resolveSolverOptions('balanced');
  const o = resolveSolverOptions('balanced', { kernelSize: [k, k], unet: { ...base.unet, width } });
  const rng = new Rng(0);
  const unet = new SkipUNet({ ...o.unet, inputChannels: 1 }, rng.fork());
  const kgen = new KernelGenerator({ kernelHeight: k, kernelWidth: k, hiddenUnits: o.kernelHiddenUnits, hiddenLayers: o.kernelHiddenLayers }, rng.fork());
  const S = N + k - 1;
  const y = tf.randomUniform([1, N, N, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
  const xn = tf.randomNormal([1, S, S, 1], 0, 1, 'float32', 2) as tf.Tensor4D;
  const zn = tf.randomNormal([1, k * k], 0, 1, 'float32', 3) as tf.Tensor2D;
  const loss = () => tf.sum(tf.square(tf.sub(blurValid(unet.apply(xn), tf.reshape(kgen.apply(zn), [k, k]) as tf.Tensor2D), y))) as tf.Scalar;
  return { loss, variables: [...unet.variables, ...kgen.variables], dispose: () => { tf.dispose([y, xn, zn]); unet.dispose(); kgen.dispose(); } };
}
