/** Rendering kernels for viewing (pure; no I/O). */
import type { Image } from '../image/image.js';
import type { Kernel } from './kernel.js';

/**
 * A kernel as a gray image scaled so its largest tap is 1 (white), optionally enlarged by an
 * integer `scale` with nearest-neighbour sampling so small kernels are visible.
 */
export function kernelToImage(kernel: Kernel, scale = 1): Image {
  let max = 0;
  for (const v of kernel.data) max = Math.max(max, v);
  const w = kernel.width * scale, h = kernel.height * scale;
  const data = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = kernel.data[Math.floor(y / scale) * kernel.width + Math.floor(x / scale)];
      data[y * w + x] = max > 0 ? v / max : 0;
    }
  }
  return { width: w, height: h, channels: 1, data };
}
