/**
 * The one image type of the project: float samples in [0, 1] (nominally), row-major, channels
 * interleaved (HWC), 1 (gray), 3 (RGB) or 4 (RGBA) channels. Works the same in Node and browsers.
 */
export interface Image {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 2 | 3 | 4;
  /** length = width·height·channels; sample (x, y, c) at index (y·width + x)·channels + c. */
  readonly data: Float32Array;
}

/** A new image of the given shape, filled with `fill` (default 0). */
export function createImage(width: number, height: number, channels: Image['channels'] = 1, fill = 0): Image {
  const data = new Float32Array(width * height * channels);
  if (fill !== 0) data.fill(fill);
  return { width, height, channels, data };
}

/** Wraps a single-channel plane (length width·height) as a gray image (no copy). */
export function grayImage(width: number, height: number, data: Float32Array): Image {
  if (data.length !== width * height) throw new RangeError(`gray image needs ${width * height} samples, got ${data.length}`);
  return { width, height, channels: 1, data };
}

/**
 * Luminance Y = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601, as MATLAB's rgb2gray), alpha ignored.
 * A gray image is returned as a copy of its plane.
 */
export function toLuminance(image: Image): Image {
  const { width, height, channels, data } = image;
  const out = new Float32Array(width * height);
  if (channels <= 2) {
    for (let i = 0; i < out.length; i++) out[i] = data[i * channels];
  } else {
    for (let i = 0; i < out.length; i++) {
      const o = i * channels;
      out[i] = 0.299 * data[o] + 0.587 * data[o + 1] + 0.114 * data[o + 2];
    }
  }
  return grayImage(width, height, out);
}

/** Channel c of an image as a new gray image. */
export function getChannel(image: Image, c: number): Image {
  const { width, height, channels, data } = image;
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = data[i * channels + c];
  return grayImage(width, height, out);
}

/** Interleaves gray planes (all the same size) into one image. */
export function mergeChannels(planes: Image[]): Image {
  const { width, height } = planes[0];
  const channels = planes.length as Image['channels'];
  const out = new Float32Array(width * height * channels);
  planes.forEach((p, c) => {
    if (p.width !== width || p.height !== height) throw new RangeError('mergeChannels: planes differ in size');
    for (let i = 0; i < width * height; i++) out[i * channels + c] = p.data[i];
  });
  return { width, height, channels, data: out };
}

/** The rectangle [x0, x0+w) × [y0, y0+h) of an image, copied. */
export function cropImage(image: Image, x0: number, y0: number, w: number, h: number): Image {
  const { width, height, channels, data } = image;
  if (x0 < 0 || y0 < 0 || x0 + w > width || y0 + h > height || w <= 0 || h <= 0) {
    throw new RangeError(`crop ${w}×${h}+${x0}+${y0} is outside the ${width}×${height} image`);
  }
  const out = new Float32Array(w * h * channels);
  for (let y = 0; y < h; y++) {
    const src = ((y0 + y) * width + x0) * channels;
    out.set(data.subarray(src, src + w * channels), y * w * channels);
  }
  return { width: w, height: h, channels, data: out };
}

/** The centred w×h crop of an image. */
export function centerCrop(image: Image, w: number, h: number): Image {
  return cropImage(image, Math.floor((image.width - w) / 2), Math.floor((image.height - h) / 2), w, h);
}

/** Clamps every sample to [0, 1] (new image). */
export function clampImage(image: Image): Image {
  const data = new Float32Array(image.data.length);
  for (let i = 0; i < data.length; i++) data[i] = Math.min(1, Math.max(0, image.data[i]));
  return { ...image, data };
}

/**
 * Area-average (box filter) downscale by a real factor f ≥ 1 to ⌈W/f⌉×⌈H/f⌉; each output pixel is the
 * coverage-weighted mean of the input pixels under it. Used to estimate kernels on large photos.
 */
export function downscaleImage(image: Image, factor: number): Image {
  if (factor <= 1) return { ...image, data: image.data.slice() };
  const { width, height, channels, data } = image;
  const ow = Math.max(1, Math.round(width / factor));
  const oh = Math.max(1, Math.round(height / factor));
  const fx = width / ow, fy = height / oh;
  const out = new Float32Array(ow * oh * channels);
  for (let oy = 0; oy < oh; oy++) {
    const y0 = oy * fy, y1 = y0 + fy;
    for (let ox = 0; ox < ow; ox++) {
      const x0 = ox * fx, x1 = x0 + fx;
      for (let c = 0; c < channels; c++) {
        let acc = 0, wsum = 0;
        for (let y = Math.floor(y0); y < Math.min(height, Math.ceil(y1)); y++) {
          const wy = Math.min(y + 1, y1) - Math.max(y, y0);
          for (let x = Math.floor(x0); x < Math.min(width, Math.ceil(x1)); x++) {
            const wx = Math.min(x + 1, x1) - Math.max(x, x0);
            acc += wx * wy * data[(y * width + x) * channels + c];
            wsum += wx * wy;
          }
        }
        out[(oy * ow + ox) * channels + c] = acc / wsum;
      }
    }
  }
  return { width: ow, height: oh, channels, data: out };
}

/** True when every sample is a finite number. */
export function isFiniteImage(image: Image): boolean {
  for (let i = 0; i < image.data.length; i++) if (!Number.isFinite(image.data[i])) return false;
  return true;
}
