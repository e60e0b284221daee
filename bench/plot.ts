/**
 * Minimal raster plotting and image tiling for benchmark reports (no text rendering: captions and
 * axis ranges go in the markdown beside the PNG).
 */
import { createImage, type Image } from '../src/image/image.js';

/** Draws a line through (x_i, y_i) into an RGB canvas, with light grid lines at the given y ticks. */
export function linePlot(series: Array<{ points: Array<[number, number]>; color: [number, number, number] }>, opts: { width: number; height: number; xRange: [number, number]; yRange: [number, number]; yTicks?: number[] }): Image {
  const { width, height, xRange, yRange } = opts;
  const img = createImage(width, height, 3, 1);
  const pad = 8;
  const px = (x: number) => pad + ((x - xRange[0]) / (xRange[1] - xRange[0] || 1)) * (width - 2 * pad);
  const py = (y: number) => height - pad - ((y - yRange[0]) / (yRange[1] - yRange[0] || 1)) * (height - 2 * pad);
  const set = (x: number, y: number, c: [number, number, number]) => {
    const xi = Math.round(x), yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= width || yi >= height) return;
    const o = (yi * width + xi) * 3;
    img.data[o] = c[0]; img.data[o + 1] = c[1]; img.data[o + 2] = c[2];
  };
  for (const t of opts.yTicks ?? []) for (let x = pad; x < width - pad; x += 2) set(x, py(t), [0.8, 0.8, 0.8]);
  for (let x = pad; x < width - pad; x++) set(x, height - pad, [0, 0, 0]);
  for (let y = pad; y < height - pad; y++) set(pad, y, [0, 0, 0]);
  for (const s of series) {
    for (let i = 1; i < s.points.length; i++) {
      const [x0, y0] = s.points[i - 1], [x1, y1] = s.points[i];
      const n = Math.max(2, Math.ceil(Math.hypot(px(x1) - px(x0), py(y1) - py(y0))));
      for (let j = 0; j <= n; j++) {
        const t = j / n;
        const X = px(x0 + t * (x1 - x0)), Y = py(y0 + t * (y1 - y0));
        set(X, Y, s.color); set(X, Y + 1, s.color);
      }
    }
    for (const [x, y] of s.points) for (let dx = -2; dx <= 2; dx++) for (let dy = -2; dy <= 2; dy++) set(px(x) + dx, py(y) + dy, s.color);
  }
  return img;
}

/** Gray or RGB image → RGB. */
function toRgb(image: Image): Image {
  if (image.channels === 3) return image;
  const out = createImage(image.width, image.height, 3);
  for (let i = 0; i < image.width * image.height; i++) {
    for (let c = 0; c < 3; c++) out.data[3 * i + c] = image.data[i * image.channels + (image.channels >= 3 ? c : 0)];
  }
  return out;
}

/** Tiles images into rows (each cell `cell`×`cell`, images centred and scaled down by nearest neighbour to fit). */
export function tileImages(rows: Image[][], cell: number, gap = 4): Image {
  const cols = Math.max(...rows.map((r) => r.length));
  const W = cols * cell + (cols + 1) * gap, H = rows.length * cell + (rows.length + 1) * gap;
  const out = createImage(W, H, 3, 1);
  rows.forEach((row, r) => row.forEach((image, c) => {
    const rgb = toRgb(image);
    const s = Math.min(1, cell / Math.max(rgb.width, rgb.height));
    const w = Math.max(1, Math.round(rgb.width * s)), h = Math.max(1, Math.round(rgb.height * s));
    const ox = gap + c * (cell + gap) + Math.floor((cell - w) / 2), oy = gap + r * (cell + gap) + Math.floor((cell - h) / 2);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const sx = Math.min(rgb.width - 1, Math.floor(x / s)), sy = Math.min(rgb.height - 1, Math.floor(y / s));
      for (let k = 0; k < 3; k++) out.data[((oy + y) * W + ox + x) * 3 + k] = Math.min(1, Math.max(0, rgb.data[(sy * rgb.width + sx) * 3 + k]));
    }
  }));
  return out;
}
