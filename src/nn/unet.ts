/**
 * The image network D_θ: SelfDeblur's "skip" U-Net (Ulyanov et al.'s Deep Image Prior architecture).
 *
 * Level i (i = 0 … L−1), input h_i with c_i channels:
 *   skip_i = CBA₁ₓ₁(h_i → s)                                  (1×1 conv, BN, LeakyReLU 0.2)
 *   h_{i+1} = CBA₃ₓ₃(NL?(CBA₃ₓ₃,stride 2(h_i → d)))            (NonLocal on the `nonLocalLevels` deepest levels)
 * Decoder, from the deepest level up:
 *   u_i = CBA₁ₓ₁(CBA₃ₓ₃(BN(concat(bilinear↑(u_{i+1}) to size(h_i), skip_i))))
 * Output: sigmoid(conv₁ₓ₁(u_0)) ∈ (0, 1), same height and width as the input.
 * All convs use reflection padding; bilinear upsampling uses half-pixel centres (PyTorch align_corners=False).
 */
import { tf } from '../engine/tf.js';
import type { Rng } from '../rng.js';
import { ParameterSet } from './init.js';
import { BatchNorm, Conv, ConvBnAct } from './layers.js';
import { NonLocalBlock } from './nonlocal.js';

/** Shape of the image network D_θ. */
export interface UNetConfig {
  /** Input channels (1 for the gray image estimate). Default 1. */
  inputChannels: number;
  /** Number of levels (stride-2 downsamplings). Paper: 5. */
  levels: number;
  /** Channels of the down and up paths at every level. Paper: 128. */
  width: number;
  /** Channels of each skip connection. Paper: 16. */
  skipWidth: number;
  /** How many of the deepest levels get a NonLocal block. Paper: 3. */
  nonLocalLevels: number;
}

/** The paper's D_θ: 5 levels, 128 channels, 16-channel skips, NonLocal on the 3 deepest levels. */
export const defaultUNetConfig: UNetConfig = { inputChannels: 1, levels: 5, width: 128, skipWidth: 16, nonLocalLevels: 3 };

interface DownBlock {
  skip: ConvBnAct;
  down: ConvBnAct;
  nonLocal: NonLocalBlock | null;
  conv: ConvBnAct;
}
interface UpBlock {
  bn: BatchNorm;
  conv: ConvBnAct;
  mix: ConvBnAct;
}

/**
 * D_θ (module comment): `apply(x)` maps an N × H × W × C input to sigmoid(conv₁ₓ₁(u_0)) ∈ (0, 1)^{N×H×W×C};
 * its weights live in `params` (Adam's θ group).
 */
export class SkipUNet {
  readonly params: ParameterSet;
  private readonly downs: DownBlock[] = [];
  private readonly ups: UpBlock[] = [];
  private readonly out: Conv;

  constructor(readonly config: UNetConfig, rng: Rng) {
    this.params = new ParameterSet('unet', rng);
    const { inputChannels, levels, width, skipWidth, nonLocalLevels } = config;
    let c = inputChannels;
    for (let i = 0; i < levels; i++) {
      this.downs.push({
        skip: new ConvBnAct(this.params, c, skipWidth, 1),
        down: new ConvBnAct(this.params, c, width, 3, 2),
        nonLocal: i >= levels - nonLocalLevels ? new NonLocalBlock(this.params, width) : null,
        conv: new ConvBnAct(this.params, width, width, 3),
      });
      c = width;
    }
    for (let i = 0; i < levels; i++) {
      this.ups.push({
        bn: new BatchNorm(this.params, width + skipWidth),
        conv: new ConvBnAct(this.params, width + skipWidth, width, 3),
        mix: new ConvBnAct(this.params, width, width, 1),
      });
    }
    this.out = new Conv(this.params, width, config.inputChannels, 1);
  }

  /** Trainable variables θ. */
  get variables(): tf.Variable[] {
    return this.params.variables;
  }

  /** D_θ(x): [1, H, W, C] → [1, H, W, C] in (0, 1). Call inside tf.tidy or a gradient scope. */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    const skips: tf.Tensor4D[] = [];
    let h = x;
    for (const block of this.downs) {
      skips.push(block.skip.apply(h));
      h = block.down.apply(h);
      if (block.nonLocal) h = block.nonLocal.apply(h);
      h = block.conv.apply(h);
    }
    for (let i = this.ups.length - 1; i >= 0; i--) {
      const s = skips[i];
      const [, sh, sw] = s.shape;
      const up = h.shape[1] === sh && h.shape[2] === sw ? h : tf.image.resizeBilinear(h, [sh, sw], false, true);
      const block = this.ups[i];
      h = block.mix.apply(block.conv.apply(block.bn.apply(tf.concat([up, s], 3))));
    }
    return tf.sigmoid(this.out.apply(h));
  }

  /** Multiply-accumulate count of one forward pass on an H×W input (for GFLOP/s reporting). */
  forwardMacs(height: number, width: number): number {
    const { inputChannels: cin, levels, width: d, skipWidth: s, nonLocalLevels } = this.config;
    let macs = 0, h = height, w = width, c = cin;
    const sizes: Array<[number, number]> = [];
    for (let i = 0; i < levels; i++) {
      sizes.push([h, w]);
      macs += h * w * c * s; // skip 1×1
      h = Math.ceil(h / 2); w = Math.ceil(w / 2);
      macs += h * w * 9 * c * d; // stride-2 conv
      if (i >= levels - nonLocalLevels) {
        const n = h * w, m = Math.floor(h / 2) * Math.floor(w / 2), c2 = Math.floor(d / 2);
        macs += 3 * n * d * c2 + 2 * n * m * c2 + n * c2 * d;
      }
      macs += h * w * 9 * d * d;
      c = d;
    }
    for (const [hh, ww] of sizes) macs += hh * ww * (9 * (d + s) * d + d * d);
    macs += height * width * d * cin;
    return macs;
  }

  dispose(): void {
    this.params.dispose();
  }
}
