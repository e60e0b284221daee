/**
 * Training-mode batch normalisation over N·H·W (NHWC) with an analytic gradient, as one op:
 *
 *     μ = mean(x),  σ² = mean((x − μ)²),  x̂ = (x − μ)/√(σ² + ε),  y = γ·x̂ + β      (per channel)
 *     ∂L/∂β = Σ dy,  ∂L/∂γ = Σ dy·x̂,  ∂L/∂x = γ/√(σ² + ε) · (dy − mean(dy) − x̂·mean(dy·x̂))
 *
 * Equal (to float32 rounding) to the composition tf.moments → sub → mul → rsqrt → add, but about
 * five times cheaper on wasm: the per-channel means are global average pools (XNNPACK, one pass)
 * instead of tfjs-wasm's Mean/Sum, which first transpose the whole tensor; the forward pass is four
 * full-size elementwise passes and the backward five, instead of the autodiff of the composition
 * (dozens of ops and reductions). On webgpu, where every kernel is a dispatch with a fixed host cost,
 * the same equations run as five WGSL kernels (engine/webgpu_batch_norm.ts); on wasm, the elementwise
 * passes are fused into four SIMD kernels of the project's own (engine/kernels/wasm_batch_norm_kernels.ts),
 * with the same float operations, so the same values bit for bit.
 */
import { tf } from '../tf.js';
import { averagePool } from './average_pool.js';
import { webgpuBatchNormAvailable, webgpuBatchNormTrain } from '../webgpu_batch_norm.js';
import { batchNormInputGrad, centreSquare, leakyGradCentred, scaleShiftLeaky, wasmBatchNormAvailable } from '../kernels/wasm_batch_norm_kernels.js';
import { leakyRelu } from './leaky_relu.js';

/** Per-channel mean over N, H, W as [1, 1, 1, C] (a global average pool, then a mean over the batch). */
export function channelMean(x: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w] = x.shape;
  const pooled = averagePool(x, [h, w], 1);
  return (n === 1 ? pooled : tf.mean(pooled, 0, true)) as tf.Tensor4D;
}

/**
 * [∂L/∂x, ∂L/∂γ, ∂L/∂β (, ∂L/∂b)] from ∂L/∂x and the per-channel means of the batch norm's backward
 * (count = N·H·W): ∂L/∂γ = count·r·mean(dy·c), ∂L/∂β = count·mean(dy), and ∂L/∂b = 0: the output does not
 * depend on b (BN removes it; x + b is never formed), and Σ_p ∂L/∂x_p = γr·(Σ dy − count·mean(dy) − r²·mean(dy·c)·Σ c)
 * vanishes since Σ c = 0. (Taken as count·mean(∂L/∂x) until 2026-11-29: float32 rounding noise, whose only
 * effect was an Adam walk of b, which nothing reads, at one average pool per batch norm.)
 */
function batchNormGradients(dx: tf.Tensor4D, meanDy: tf.Tensor4D, meanDyC: tf.Tensor4D, inv: tf.Tensor4D, withBias: boolean): tf.Tensor[] {
  const [n, h, w, c] = dx.shape;
  const count = n * h * w;
  const grads = [dx, tf.reshape(tf.mul(tf.mul(meanDyC, inv), count), [c]), tf.reshape(tf.mul(meanDy, count), [c])];
  if (withBias) grads.push(tf.zeros([c]));
  return grads;
}

/**
 * y = γ·(x − μ)/√(σ² + ε) + β with batch statistics; x: [N, H, W, C], γ, β: [C]. Differentiable in all
 * three. With `bias` b ([C]) it is BN(x + b) — the BN of a conv with a bias — without forming x + b:
 * the mean subtraction removes b exactly (x + b − mean(x + b) = x − mean(x)), so ∂L/∂b = 0, returned as
 * zeros (b stays a parameter, as the conv's bias in SelfDeblur's networks).
 *
 * Computed as c = x − μ, r = 1/√(mean(c²) + ε), y = c·(γr) + β (x̂ = c·r is never formed), and
 * backward ∂L/∂x = γr·(dy − mean(dy) − c·r²·mean(dy·c)), ∂L/∂γ = r·Σ dy·c, ∂L/∂β = Σ dy.
 */
export function batchNormTrain(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon = 1e-5, bias?: tf.Tensor1D): tf.Tensor4D {
  // on webgpu: the same equations as five WGSL kernels (2 dispatches forward, 3 backward instead of ≈ 24)
  if (webgpuBatchNormAvailable()) return webgpuBatchNormTrain(x, gamma, beta, epsilon, bias);
  if (wasmBatchNormAvailable(x.shape[3])) return wasmBatchNormLeakyRelu(x, gamma, beta, 1, epsilon, bias);
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [xIn, gIn, bIn] = args as [tf.Tensor, tf.Tensor, tf.Tensor];
    const x4 = xIn as tf.Tensor4D;
    const centred = tf.sub(x4, channelMean(x4));
    const inv = tf.rsqrt(tf.add(channelMean(tf.square(centred) as tf.Tensor4D), epsilon));
    const value = tf.add(tf.mul(centred, tf.mul(inv, gIn)), bIn);
    save([centred, inv, gIn]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [c4, iv, g] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D];
      const dy4 = dy as tf.Tensor4D;
      const meanDy = channelMean(dy4);
      const meanDyC = channelMean(tf.mul(dy4, c4) as tf.Tensor4D);
      const scale = tf.mul(iv, g);
      // dx = γr·(dy − (c·r²·mean(dy·c) + mean(dy)))
      const dx = tf.mul(tf.sub(dy4, tf.add(tf.mul(c4, tf.mul(tf.square(iv), meanDyC)), meanDy)), scale) as tf.Tensor4D;
      return batchNormGradients(dx, meanDy, meanDyC, iv, args.length === 5);
    };
    return { value, gradFunc };
  });
  return (bias ? op(x, gamma, beta, bias) : op(x, gamma, beta)) as tf.Tensor4D;
}

/**
 * LeakyReLU_α(BN(x + b)): {@link batchNormTrain} then ops/leaky_relu.ts, except on webgpu, where the
 * activation is folded into the batch norm's WGSL kernels (no extra dispatch; engine/webgpu_batch_norm.ts).
 */
export function batchNormLeakyRelu(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, alpha: number, epsilon = 1e-5, bias?: tf.Tensor1D): tf.Tensor4D {
  if (webgpuBatchNormAvailable()) return webgpuBatchNormTrain(x, gamma, beta, epsilon, bias, alpha);
  if (alpha > 0 && wasmBatchNormAvailable(x.shape[3])) return wasmBatchNormLeakyRelu(x, gamma, beta, alpha, epsilon, bias);
  return leakyRelu(batchNormTrain(x, gamma, beta, epsilon, bias), alpha);
}

/**
 * {@link batchNormLeakyRelu} (α = 1: {@link batchNormTrain}) with the elementwise passes in the project's
 * wasm SIMD kernels; the per-channel means stay tfjs-wasm's global average pools:
 *
 *     forward   [c, c²] = SdiCentreSquare(x, μ),  r = 1/√(mean(c²) + ε),  out = SdiScaleShiftLeaky(c, γr, β, α)
 *     backward  [g, g·c] = SdiLeakyGradCentred(dOut, out, c, α),
 *               ∂L/∂x = SdiBatchNormInputGrad(g, c, r²·mean(g·c), mean(g), γr)
 *
 * g = dOut·step_α(y) is the LeakyReLU's gradient, read off the output's sign (out > 0 ⇔ y > 0 for α > 0),
 * so no slope tensor is kept; the gradients are those of the composition above, bit for bit.
 */
function wasmBatchNormLeakyRelu(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, alpha: number, epsilon: number, bias?: tf.Tensor1D): tf.Tensor4D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [xIn, gIn, bIn] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
    const [centred, squared] = centreSquare(xIn, channelMean(xIn));
    const inv = tf.rsqrt(tf.add(channelMean(squared), epsilon));
    const value = scaleShiftLeaky(centred, tf.mul(inv, gIn), bIn, alpha);
    save([centred, inv, gIn, value]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [c4, iv, g, out] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D, tf.Tensor4D];
      const [gy, gc] = leakyGradCentred(dy as tf.Tensor4D, out, c4, alpha);
      const meanDy = channelMean(gy);
      const meanDyC = channelMean(gc);
      const dx = batchNormInputGrad(gy, c4, tf.mul(tf.square(iv), meanDyC), meanDy, tf.mul(iv, g));
      return batchNormGradients(dx, meanDy, meanDyC, iv, args.length === 5);
    };
    return { value, gradFunc };
  });
  return (bias ? op(x, gamma, beta, bias) : op(x, gamma, beta)) as tf.Tensor4D;
}
