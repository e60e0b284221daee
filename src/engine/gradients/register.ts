/**
 * Registers the project's gradients (replacing tfjs's defaults for the same kernels) once per
 * process. tfjs keeps one gradient registry for all backends, so this serves wasm, cpu and webgpu.
 *
 * - Conv2D: forward-conv-only input and filter gradients (wasm lacks Conv2DBackpropFilter).
 * - MirrorPad: tfjs's default is wrong (drops the mirrored border's gradient).
 * - ResizeBilinear: tfjs's grad kernels ignore halfPixelCenters (wrong for PyTorch's align_corners=False).
 * - MaxPool (non-overlapping windows): wasm's MaxPoolGrad kernel returns wrong values.
 * - LeakyRelu: dy·step_α(x), 2 kernels instead of 4.
 * - BatchMatMul: explicit transposes + plain matMuls (wasm's transposed forms are slow).
 */
import { replaceGradient } from './reference_gradients.js';
import { conv2dGradConfig } from './conv2d_gradient.js';
import { mirrorPadGradConfig } from './mirror_pad_gradient.js';
import { leakyReluGradConfig } from './leaky_relu_gradient.js';
import { batchMatMulGradConfig } from './matmul_gradient.js';
import { resizeBilinearGradConfig } from './resize_bilinear_gradient.js';
import { maxPoolGradConfig } from './max_pool_gradient.js';

let registered = false;

const configs = [conv2dGradConfig, mirrorPadGradConfig, leakyReluGradConfig, batchMatMulGradConfig, resizeBilinearGradConfig, maxPoolGradConfig];

/** Kernels whose gradients the project replaces. */
export const replacedGradientKernels: readonly string[] = configs.map((c) => c.kernelName);

/** Registers all of the project's gradients (idempotent). */
export function registerEngineGradients(): void {
  if (registered) return;
  configs.forEach(replaceGradient);
  registered = true;
}
