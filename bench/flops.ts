/**
 * Analytic FLOP count of one forward evaluation of the DeblurSDI loss (for GFLOP/s in bench/speed.ts),
 * FLOPs = 2 · multiply-accumulates, counting only the convolutions and matrix products:
 *
 * U-Net (src/nn/unet.ts) on the support H′ × W′ = (H + k_h − 1) × (W + k_w − 1), c_0 = input channels,
 * d = width, s = skip width; level i has input size h_i × w_i, h_{i+1} = ⌈h_i / 2⌉:
 *   skip 1×1:            h_i w_i · c_i · s
 *   down 3×3, stride 2:  h_{i+1} w_{i+1} · 9 c_i · d
 *   NonLocal (deepest levels), n = h_{i+1} w_{i+1}, m = ⌊h_{i+1}/2⌋⌊w_{i+1}/2⌋, c₂ = ⌊d/2⌋:
 *     θ, φ, g 1×1 convs: 3 n d c₂;  W_z 1×1: n c₂ d;  matmuls θφᵀ and f·g: 2 n m c₂
 *   conv 3×3:            h_{i+1} w_{i+1} · 9 d²
 *   decoder at h_i × w_i: 9 (d + s) d + d²    (3×3 conv of concat, 1×1 mix)
 *   output 1×1:          H′ W′ · d · c_0
 * Blur (valid true convolution, counted as the direct sum):  H W · k_h k_w
 * Kernel MLP (src/nn/kernel_generator.ts), D = k_h k_w, u units, n hidden layers:  D u + (n − 1) u² + u D
 *
 * Not counted: biases, BatchNorm, activations, softmax, padding, pooling, resizing (elementwise, a few
 * per cent), the extra zero taps of the blocked correlation the blur actually runs
 * (src/engine/ops/blocked_correlation.ts), and the Adam update.
 */
import type { UNetConfig } from '../src/nn/unet.js';

/** The shapes that fix the cost of one loss evaluation. */
export interface StepShape {
  /** Observed (blurred) image y: H × W. */
  imageHeight: number;
  imageWidth: number;
  /** Estimated kernel k_h × k_w. */
  kernelHeight: number;
  kernelWidth: number;
  unet: UNetConfig;
  kernelHiddenUnits: number;
  kernelHiddenLayers: number;
}

/** Forward FLOPs (2·MACs) by part; `total` is their sum. */
export interface ForwardFlops {
  /** Every convolution of the U-Net, NonLocal 1×1 convs included. */
  unetConv: number;
  /** The two matrix products of every NonLocal block. */
  nonLocalMatmul: number;
  blur: number;
  kernelMlp: number;
  total: number;
}

/** Multiply-accumulates of the U-Net on an h × w input, split into convolutions and NonLocal matmuls (formula above). */
export function unetMacs(config: UNetConfig, height: number, width: number): { conv: number; matmul: number } {
  const { inputChannels: c0, levels, width: d, skipWidth: s, nonLocalLevels } = config;
  let conv = 0, matmul = 0, h = height, w = width, c = c0;
  const decoderSizes: number[] = [];
  for (let i = 0; i < levels; i++) {
    decoderSizes.push(h * w);
    conv += h * w * c * s;
    h = Math.ceil(h / 2);
    w = Math.ceil(w / 2);
    const n = h * w;
    conv += n * 9 * c * d;
    if (i >= levels - nonLocalLevels) {
      const m = Math.floor(h / 2) * Math.floor(w / 2), c2 = Math.max(1, Math.floor(d / 2));
      conv += 3 * n * d * c2 + n * c2 * d;
      matmul += 2 * n * m * c2;
    }
    conv += n * 9 * d * d;
    c = d;
  }
  for (const n of decoderSizes) conv += n * (9 * (d + s) * d + d * d);
  conv += height * width * d * c0;
  return { conv, matmul };
}

/** Forward FLOPs of ‖blurValid(unet(x̂), kgen(ẑ)) − y‖² + prior (formula in the file comment). */
export function forwardFlops(shape: StepShape): ForwardFlops {
  const { imageHeight: H, imageWidth: W, kernelHeight: kh, kernelWidth: kw } = shape;
  const u = unetMacs(shape.unet, H + kh - 1, W + kw - 1);
  const D = kh * kw, units = shape.kernelHiddenUnits, layers = shape.kernelHiddenLayers;
  const mlpMacs = layers === 0 ? D * D : D * units + (layers - 1) * units * units + units * D;
  const parts = { unetConv: 2 * u.conv, nonLocalMatmul: 2 * u.matmul, blur: 2 * H * W * kh * kw, kernelMlp: 2 * mlpMacs };
  return { ...parts, total: parts.unetConv + parts.nonLocalMatmul + parts.blur + parts.kernelMlp };
}

/**
 * FLOPs of a whole training step under the stated assumption that the backward pass costs twice the
 * forward (one product for the input gradient and one for the weight gradient of every layer):
 * step ≈ 3 · forward.
 */
export function stepFlopsAssumed(forward: number): number {
  return 3 * forward;
}
