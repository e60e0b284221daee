/**
 * The gradient of the U-Net's exact 2× bilinear upsampling (half-pixel centres, PyTorch's
 * align_corners=False) as ONE WGSL kernel for tfjs-webgpu, where the composed form of
 * gradients/resize_bilinear_gradient.ts (an edge-replicating pad, three 2×2 average pools and a scale)
 * costs five dispatches, each with the ≈ 60 µs host cost of a webgpu dispatch. Per axis the adjoint is a
 * stride-2 correlation of edge-replicated dy with k = [¼, ¾, ¾, ¼], so
 *
 *     ∂L/∂x[n, i, j, c] = Σ_{a, b < 4} k[a]·k[b] · dy[n, clamp(2i + a − 1), clamp(2j + b − 1), c]
 *
 * (clamp to the rows / columns of dy): one thread per entry of x gathers its 16 terms. Registered for
 * webgpu by {@link registerWebgpuResizeGradient}.
 */
import { tf } from './tf.js';
import { KernelSwitch } from './kernel_switch.js';
import { kernelAvailable, perEntryProgram, registerWebgpuKernel, type WebgpuProgram } from './webgpu_program.js';

/** Name of the kernel (tfjs kernel registry, backend `webgpu`); inputs {dy} [N, 2H, 2W, C], output [N, H, W, C]. */
export const RESIZE_DOUBLE_GRAD = 'SdiResizeDoubleGrad';

function program(xShape: number[]): WebgpuProgram {
  return perEntryProgram('sdi_resize_double_grad', ['dy'], xShape, '', `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let x = getCoordsFromIndex(index);
          var k = array<f32, 4>(0.25, 0.75, 0.75, 0.25);
          let rows = uniforms.dyShape[1];
          let cols = uniforms.dyShape[2];
          var total = 0.0;
          for (var a = 0; a < 4; a = a + 1) {
            let r = clamp(2 * x[1] + a - 1, 0, rows - 1);
            var row = 0.0;
            for (var b = 0; b < 4; b = b + 1) {
              row = row + k[b] * getDy(x[0], r, clamp(2 * x[2] + b - 1, 0, cols - 1), x[3]);
            }
            total = total + k[a] * row;
          }
          setOutputAtIndex(index, total);
        }
      }`);
}

let registered = false;

/** Registers the kernel for the webgpu backend (idempotent). */
export function registerWebgpuResizeGradient(): void {
  if (registered) return;
  registerWebgpuKernel<Record<string, never>>(RESIZE_DOUBLE_GRAD, ({ dy }, _attrs, backend) => {
    const [n, h, w, c] = dy.shape;
    return backend.runWebGPUProgram(program([n, h / 2, w / 2, c]), [dy], 'float32', []);
  });
  registered = true;
}

const use = new KernelSwitch();

/** Turns the kernel's use by the ResizeBilinear gradient off or on (for measurement: bench/gpu/browser_census.ts); returns the previous setting. */
export function setWebgpuResizeGradient(on: boolean): boolean {
  return use.set(on);
}

/** Whether {@link webgpuResizeDoubleBackward} is used: the webgpu backend is active with the kernel registered and not turned off. */
export function webgpuResizeGradientApplies(dy: tf.Tensor4D): boolean {
  return use.enabled && dy.dtype === 'float32' && tf.getBackend() === 'webgpu' && kernelAvailable(RESIZE_DOUBLE_GRAD);
}

/** ∂L/∂x of the exact 2× half-pixel bilinear upsampling, given dy (see the module comment). */
export function webgpuResizeDoubleBackward(dy: tf.Tensor4D): tf.Tensor4D {
  return tf.engine().runKernel(RESIZE_DOUBLE_GRAD, { dy } as unknown as tf.NamedTensorMap, {} as tf.NamedAttrMap) as tf.Tensor4D;
}
