/**
 * Shared input checks and the per-channel driver of the non-blind deconvolution methods.
 */
import { SdiError } from '../errors.js';
import { getChannel, mergeChannels, type Image } from '../image/image.js';
import { normalizeKernel, type Kernel } from '../physics/kernel.js';

/**
 * Checks that a kernel can deconvolve an image (finite, non-negative taps with a positive sum, not
 * larger than the image; finite image samples) and returns it normalised to Σk = 1 (a blur preserves
 * brightness). Problems raise one-line {@link SdiError}s.
 */
export function checkDeconvolutionInputs(blurred: Image, kernel: Kernel): Kernel {
  if (kernel.width < 1 || kernel.height < 1 || kernel.data.length !== kernel.width * kernel.height) {
    throw new SdiError(`kernel shape ${kernel.width}×${kernel.height} does not match its ${kernel.data.length} taps`);
  }
  for (const v of kernel.data) {
    if (!Number.isFinite(v)) throw new SdiError('kernel has a NaN or infinite tap');
    if (v < 0) throw new SdiError('kernel has a negative tap (a blur kernel is non-negative)');
  }
  if (kernel.width > blurred.width || kernel.height > blurred.height) {
    throw new SdiError(`kernel ${kernel.width}×${kernel.height} is larger than the image ${blurred.width}×${blurred.height}`);
  }
  for (let i = 0; i < blurred.data.length; i++) {
    if (!Number.isFinite(blurred.data[i])) throw new SdiError('image has a NaN or infinite sample');
  }
  return normalizeKernel(kernel);
}

/**
 * Applies a gray-plane solver to every channel independently: out_c = solve(in_c).
 * Alpha (channel 4 of RGBA, channel 2 of gray+alpha) is copied through unchanged.
 */
export function perChannel(image: Image, solve: (plane: Float32Array, width: number, height: number) => Float32Array): Image {
  const planes: Image[] = [];
  const hasAlpha = image.channels === 2 || image.channels === 4;
  for (let c = 0; c < image.channels; c++) {
    const plane = getChannel(image, c);
    const isAlpha = hasAlpha && c === image.channels - 1;
    planes.push(isAlpha ? plane : { ...plane, data: solve(plane.data, image.width, image.height) });
  }
  return mergeChannels(planes);
}

/** Clamps to [0, 1] into a Float32Array. */
export function clampToUnit(values: ArrayLike<number>): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.min(1, Math.max(0, values[i]));
  return out;
}
