/** Drawing images and kernels onto canvases (main thread). */
import type { Image } from '../../src/image/image.js';
import type { Kernel } from '../../src/physics/kernel.js';
import { colourAt } from './colormap.js';

/** 8-bit RGBA pixels of an image (gray, gray+alpha, RGB or RGBA in [0, 1]; clamped). */
export function imageToRgba(image: Image): Uint8ClampedArray<ArrayBuffer> {
  const { width, height, channels, data } = image;
  const out = new Uint8ClampedArray(new ArrayBuffer(width * height * 4));
  for (let i = 0; i < width * height; i++) {
    const o = i * channels;
    const r = data[o], g = channels >= 3 ? data[o + 1] : r, b = channels >= 3 ? data[o + 2] : r;
    const a = channels === 2 ? data[o + 1] : channels === 4 ? data[o + 3] : 1;
    out[4 * i] = r * 255;
    out[4 * i + 1] = g * 255;
    out[4 * i + 2] = b * 255;
    out[4 * i + 3] = a * 255;
  }
  return out;
}

/** Resizes the canvas to the image and paints it at 1:1 (CSS scales it for display). */
export function drawImage(canvas: HTMLCanvasElement, image: Image): void {
  canvas.width = image.width;
  canvas.height = image.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.putImageData(new ImageData(imageToRgba(image), image.width, image.height), 0, 0);
}

/**
 * Paints a kernel enlarged by an integer factor (nearest neighbour) so its longer side is about
 * `targetPixels`, colour-coded by tap / max tap (see colormap.ts). Returns the largest tap.
 */
export function drawKernel(canvas: HTMLCanvasElement, kernel: Kernel, targetPixels = 256): number {
  const scale = Math.max(1, Math.floor(targetPixels / Math.max(kernel.width, kernel.height)));
  const w = kernel.width * scale, h = kernel.height * scale;
  let max = 0;
  for (const v of kernel.data) if (v > max) max = v;
  const rgba = new Uint8ClampedArray(new ArrayBuffer(w * h * 4));
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = kernel.data[Math.floor(y / scale) * kernel.width + Math.floor(x / scale)];
      const [r, g, b] = colourAt(max > 0 ? v / max : 0);
      const o = 4 * (y * w + x);
      rgba[o] = r;
      rgba[o + 1] = g;
      rgba[o + 2] = b;
      rgba[o + 3] = 255;
    }
  }
  canvas.width = w;
  canvas.height = h;
  canvas.getContext('2d')?.putImageData(new ImageData(rgba, w, h), 0, 0);
  return max;
}

/**
 * Caps the displayed width of a box holding a canvas that fills it: small images are enlarged by
 * an integer factor to about `minPixels` (drawn pixelated), tall ones limited to `maxHeightFraction`
 * of the window height; the box still shrinks with narrow windows (CSS width 100%).
 */
export function fitDisplay(box: HTMLElement, canvas: HTMLCanvasElement, width: number, height: number, minPixels = 256, maxHeightFraction = 0.6): void {
  const enlarge = Math.max(1, Math.floor(minPixels / Math.max(width, height)));
  const byHeight = (maxHeightFraction * window.innerHeight * width) / height;
  box.style.maxWidth = `${Math.round(Math.max(160, Math.min(width * enlarge, byHeight)))}px`;
  canvas.classList.toggle('pixelated', enlarge > 1);
}
