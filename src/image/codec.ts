/**
 * PNG and JPEG decoding/encoding on byte arrays (pure JavaScript: runs in Node and browsers).
 * Decoded samples are scaled to [0, 1] by the format's maximum (255 or 65535); palette PNGs are
 * expanded to RGB(A); JPEGs whose three channels are identical come back as gray.
 */
import { decode as decodePngBytes, encode as encodePngBytes, convertIndexedToRgb } from 'fast-png';
import jpeg from 'jpeg-js';
import { SdiError } from '../errors.js';
import type { Image } from './image.js';
import { checkJpegPlausibleSize, checkPngInflation, pngInflatedSize, readPngHeader } from './header_guards.js';

/** Largest image accepted by the decoders, in megapixels (guards against decompression bombs). */
export const MAX_DECODE_MEGAPIXELS = 100;

/** The container format recognised from the leading bytes ("magic number"), or null. */
export function sniffImageFormat(bytes: Uint8Array): 'png' | 'jpeg' | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return null;
}

/**
 * Decodes PNG (1–16 bit, gray, gray+alpha, RGB, RGBA, palette) or JPEG (baseline, progressive,
 * gray, CMYK) bytes into an {@link Image}. The format is taken from the bytes, not the file name.
 * Throws {@link SdiError} with a one-line reason on anything it cannot read.
 */
export function decodeImage(bytes: Uint8Array, source = 'input'): Image {
  if (bytes.length === 0) throw new SdiError(`${source}: file is empty`);
  const format = sniffImageFormat(bytes);
  if (format === 'png') return decodePng(bytes, source);
  if (format === 'jpeg') return decodeJpeg(bytes, source);
  throw new SdiError(`${source}: not a PNG or JPEG image`);
}

function decodePng(bytes: Uint8Array, source: string): Image {
  // Size and decompression-bomb checks before fast-png allocates its output (header_guards.ts).
  const header = readPngHeader(bytes, source);
  checkSize(header.width, header.height, source);
  checkPngInflation(bytes, pngInflatedSize(header), source);
  let png: ReturnType<typeof decodePngBytes>;
  try {
    png = decodePngBytes(bytes, { checkCrc: true });
  } catch (e) {
    throw new SdiError(`${source}: corrupt or truncated PNG (${oneLine(e)})`);
  }
  const { width, height } = png;
  checkSize(width, height, source);
  let raw: ArrayLike<number> = png.data;
  let channels = png.channels;
  let max = png.depth === 16 ? 65535 : 255;
  if (png.palette) {
    try {
      raw = convertIndexedToRgb(png);
    } catch (e) {
      throw new SdiError(`${source}: bad PNG palette (${oneLine(e)})`);
    }
    channels = raw.length / (width * height);
    max = 255;
  } else if (png.depth < 8) {
    raw = unpackSubByteSamples(png.data, width, height, png.depth);
    max = (1 << png.depth) - 1;
  }
  if (![1, 2, 3, 4].includes(channels) || raw.length < width * height * channels) {
    throw new SdiError(`${source}: unsupported PNG layout (${channels} channels)`);
  }
  const data = new Float32Array(width * height * channels);
  for (let i = 0; i < data.length; i++) data[i] = raw[i] / max;
  return { width, height, channels: channels as Image['channels'], data };
}

/**
 * Gray 1/2/4-bit PNG rows come packed (fast-png does not unpack them): sample x of row y is bits
 * [8 − d(x mod 8/d + 1), 8 − d(x mod 8/d)) of byte y·⌈W·d/8⌉ + ⌊x·d/8⌋, most significant first.
 */
function unpackSubByteSamples(packed: ArrayLike<number>, width: number, height: number, depth: number): Uint8Array {
  const rowBytes = Math.ceil((width * depth) / 8), perByte = 8 / depth, mask = (1 << depth) - 1;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const byte = packed[y * rowBytes + Math.floor(x / perByte)] ?? 0;
      out[y * width + x] = (byte >> (8 - depth * ((x % perByte) + 1))) & mask;
    }
  }
  return out;
}

function decodeJpeg(bytes: Uint8Array, source: string): Image {
  let jpg: { width: number; height: number; data: Uint8Array };
  checkJpegPlausibleSize(bytes, source); // before jpeg-js allocates the declared size (header_guards.ts)
  try {
    jpg = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxResolutionInMP: MAX_DECODE_MEGAPIXELS, maxMemoryUsageInMB: 2048 });
  } catch (e) {
    throw new SdiError(`${source}: corrupt or unsupported JPEG (${oneLine(e)})`);
  }
  const { width, height, data: raw } = jpg;
  checkSize(width, height, source);
  const n = width * height;
  if (raw.length < n * 3) throw new SdiError(`${source}: truncated JPEG`);
  let gray = true;
  for (let i = 0; i < n && gray; i++) {
    const o = 3 * i;
    if (raw[o] !== raw[o + 1] || raw[o] !== raw[o + 2]) gray = false;
  }
  if (gray) {
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = raw[3 * i] / 255;
    return { width, height, channels: 1, data };
  }
  const data = new Float32Array(n * 3);
  for (let i = 0; i < n * 3; i++) data[i] = raw[i] / 255;
  return { width, height, channels: 3, data };
}

function checkSize(width: number, height: number, source: string): void {
  if (!(width >= 1 && height >= 1)) throw new SdiError(`${source}: image has no pixels`);
  if (width * height > MAX_DECODE_MEGAPIXELS * 1e6) throw new SdiError(`${source}: ${width}×${height} is larger than ${MAX_DECODE_MEGAPIXELS} megapixels`);
}

function oneLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0].slice(0, 200);
}

/**
 * Encodes an image as PNG, samples clamped to [0, 1] and rounded to 8 bits (or 16 with `bitDepth: 16`).
 * Non-finite samples are written as 0.
 */
export function encodePng(image: Image, bitDepth: 8 | 16 = 8): Uint8Array {
  const max = bitDepth === 16 ? 65535 : 255;
  const n = image.data.length;
  const out = bitDepth === 16 ? new Uint16Array(n) : new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = image.data[i];
    out[i] = Number.isFinite(v) ? Math.round(Math.min(1, Math.max(0, v)) * max) : 0;
  }
  return encodePngBytes({ width: image.width, height: image.height, data: out, depth: bitDepth, channels: image.channels });
}

/** Encodes an image as baseline JPEG (quality 1–100); gray is written as RGB, alpha is dropped. */
export function encodeJpeg(image: Image, quality = 92): Uint8Array {
  const { width, height, channels, data } = image;
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) {
      const v = data[i * channels + (channels >= 3 ? c : 0)];
      rgba[4 * i + c] = Number.isFinite(v) ? Math.round(Math.min(1, Math.max(0, v)) * 255) : 0;
    }
    rgba[4 * i + 3] = 255;
  }
  const encoded = jpeg.encode({ width, height, data: rgba }, quality);
  return new Uint8Array(encoded.data.buffer, encoded.data.byteOffset, encoded.data.byteLength);
}
