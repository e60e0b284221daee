/**
 * The MirrorPad gradient as ONE WGSL kernel for tfjs-webgpu (the composed fold of
 * gradients/mirror_pad_gradient.ts costs 12 dispatches for a conv's 1-px reflect pad, each with the
 * ≈ 60 µs host cost of a webgpu dispatch; the U-Net has 15 such pads).
 *
 * Along one axis with n entries padded by b before and a after (o = 1 for 'reflect', 0 for
 * 'symmetric'), entry j of x is copied to the padded entries
 *
 *     i = j + b                     (always)
 *     i = b − 1 + o − j             when o ≤ j ≤ b − 1 + o          (the mirrored top border)
 *     i = 2n + b − 1 − o − j        when n − o − a ≤ j ≤ n − 1 − o  (the mirrored bottom border)
 *
 * so ∂L/∂x[j₀, j₁, j₂, j₃] = Σ dy[i₀, i₁, i₂, i₃] over the (at most 3⁴, in practice ≤ 4) combinations
 * of each axis's copies: one thread per entry of x gathers them (no atomics, no zero fill).
 * Rank-4 tensors (the U-Net's NHWC maps); registered for webgpu by {@link registerWebgpuMirrorPadGradient}.
 */
import { tf } from './tf.js';
import { KernelSwitch } from './kernel_switch.js';
import { kernelAvailable, perEntryProgram, registerWebgpuKernel, type WebgpuProgram } from './webgpu_program.js';

/** Name of the kernel (tfjs kernel registry, backend `webgpu`); inputs {dy}, attrs {paddings, mode, xShape}. */
export const MIRROR_PAD_GRAD = 'SdiMirrorPadGrad';

function program(xShape: number[], mode: 'reflect' | 'symmetric'): WebgpuProgram {
  const o = mode === 'reflect' ? 1 : 0;
  return perEntryProgram(`sdi_mirror_pad_grad_${mode}`, ['dy'], xShape, 'before : vec4<i32>, after : vec4<i32>,', `
      // the padded indices entry j of an axis of n entries (padded b, a) is copied to; count in [3]
      fn copies(j : i32, n : i32, b : i32, a : i32) -> vec4<i32> {
        var s = vec4<i32>(j + b, 0, 0, 1);
        if (j >= ${o} && j <= b - 1 + ${o}) {
          s.y = b - 1 + ${o} - j;
          s.w = 2;
        }
        if (j >= n - ${o} - a && j <= n - 1 - ${o}) {
          let i = 2 * n + b - 1 - ${o} - j;
          if (s.w == 2) { s.z = i; s.w = 3; } else { s.y = i; s.w = 2; }
        }
        return s;
      }
      fn pick(s : vec4<i32>, k : i32) -> i32 {
        return select(select(s.z, s.y, k == 1), s.x, k == 0);
      }
      fn main(index : i32) {
        if (index < uniforms.size) {
          let j = getCoordsFromIndex(index);
          let s0 = copies(j[0], uniforms.outShape[0], uniforms.before[0], uniforms.after[0]);
          let s1 = copies(j[1], uniforms.outShape[1], uniforms.before[1], uniforms.after[1]);
          let s2 = copies(j[2], uniforms.outShape[2], uniforms.before[2], uniforms.after[2]);
          let s3 = copies(j[3], uniforms.outShape[3], uniforms.before[3], uniforms.after[3]);
          var total = 0.0;
          for (var k0 = 0; k0 < s0.w; k0 = k0 + 1) {
            for (var k1 = 0; k1 < s1.w; k1 = k1 + 1) {
              for (var k2 = 0; k2 < s2.w; k2 = k2 + 1) {
                for (var k3 = 0; k3 < s3.w; k3 = k3 + 1) {
                  total = total + getDy(pick(s0, k0), pick(s1, k1), pick(s2, k2), pick(s3, k3));
                }
              }
            }
          }
          setOutputAtIndex(index, total);
        }
      }`);
}

interface MirrorPadGradAttrs { paddings: Array<[number, number]>; mode: 'reflect' | 'symmetric'; xShape: number[] }

let registered = false;

/** Registers the kernel for the webgpu backend (idempotent). */
export function registerWebgpuMirrorPadGradient(): void {
  if (registered) return;
  registerWebgpuKernel<MirrorPadGradAttrs>(MIRROR_PAD_GRAD, ({ dy }, { paddings, mode, xShape }, backend) =>
    backend.runWebGPUProgram(program(xShape, mode), [dy], 'float32', [
      { type: 'int32', data: paddings.map((p) => p[0]) },
      { type: 'int32', data: paddings.map((p) => p[1]) },
    ]));
  registered = true;
}

const use = new KernelSwitch();

/** Turns the kernel's use by the MirrorPad gradient off or on (for measurement: bench/gpu/browser_census.ts); returns the previous setting. */
export function setWebgpuMirrorPadGradient(on: boolean): boolean {
  return use.set(on);
}

/** Whether {@link webgpuMirrorPadBackward} is used: the webgpu backend is active with the kernel registered and not turned off, dy is a rank-4 float32 tensor. */
export function webgpuMirrorPadGradientApplies(dy: tf.Tensor): boolean {
  return use.enabled && dy.rank === 4 && dy.dtype === 'float32' && tf.getBackend() === 'webgpu' && kernelAvailable(MIRROR_PAD_GRAD);
}

/** ∂L/∂x of y = mirrorPad(x, paddings, mode) in one dispatch (see the module comment). */
export function webgpuMirrorPadBackward(dy: tf.Tensor, xShape: readonly number[], paddings: ReadonlyArray<readonly [number, number]>, mode: 'reflect' | 'symmetric'): tf.Tensor {
  const attrs = { paddings: paddings.map((p) => [p[0], p[1]]), mode, xShape: [...xShape] };
  return tf.engine().runKernel(MIRROR_PAD_GRAD, { dy } as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}
