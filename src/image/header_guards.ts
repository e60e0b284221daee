/**
 * Checks made on the raw bytes before a decoder allocates anything, so that a file declaring a huge
 * image, or a small file that would decode into gigabytes (a "decompression bomb"), is refused with a
 * one-line error instead of exhausting memory.
 *
 * PNG: the IHDR header (size, bit depth, colour type) is read from the bytes, and the compressed
 * pixel stream is inflated once with a byte counter (output discarded). A valid non-interlaced PNG
 * inflates to exactly  H · (1 + ⌈W · c · d / 8⌉)  bytes (one filter byte per row, c samples of d
 * bits per pixel); an Adam7-interlaced one to the sum of that over its seven sub-images. More is a
 * bomb or corrupt, less is truncated; both are refused before fast-png allocates H·W·c samples.
 *
 * JPEG: the frame header (SOFn) gives W×H. Every 8×8 block of the full-resolution component costs at
 * least one bit of Huffman-coded data (a DC code is ≥ 1 bit, also in progressive scans), so a file
 * shorter than ⌈W/8⌉·⌈H/8⌉ / 8 bytes cannot hold the image it declares: a few hundred bytes
 * declaring 10000×10000 pixels would otherwise make jpeg-js allocate ≈ 3 GB before failing.
 */
import { Unzlib } from 'fflate';
import { SdiError } from '../errors.js';

/** The fields of a PNG's IHDR chunk needed to refuse an image before decoding it. */
export interface PngHeader {
  width: number;
  height: number;
  /** Bits per sample: 1, 2, 4, 8 or 16. */
  bitDepth: number;
  /** 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA. */
  colorType: number;
  /** 0 none, 1 Adam7. */
  interlace: number;
}

/** Samples per pixel of each PNG colour type. */
const SAMPLES_PER_PIXEL: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Bit depths the PNG specification allows for each colour type. */
const ALLOWED_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

function readUint32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0;
}

function chunkType(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(bytes[offset], bytes[offset + 1], bytes[offset + 2], bytes[offset + 3]);
}

/**
 * Reads the IHDR chunk (which must directly follow the 8-byte signature) and validates it.
 * Throws {@link SdiError} for a missing/short header, zero size, or a depth/colour-type pair the
 * PNG specification does not allow.
 */
export function readPngHeader(bytes: Uint8Array, source = 'input'): PngHeader {
  if (bytes.length < 8 + 8 + 13 || chunkType(bytes, 12) !== 'IHDR' || readUint32(bytes, 8) !== 13) {
    throw new SdiError(`${source}: truncated PNG (no valid IHDR header)`);
  }
  const width = readUint32(bytes, 16), height = readUint32(bytes, 20);
  const bitDepth = bytes[24], colorType = bytes[25], interlace = bytes[28];
  if (width === 0 || height === 0) throw new SdiError(`${source}: PNG header declares ${width}×${height} pixels`);
  if (!(colorType in SAMPLES_PER_PIXEL)) throw new SdiError(`${source}: PNG colour type ${colorType} is not valid`);
  if (!ALLOWED_DEPTHS[colorType].includes(bitDepth)) throw new SdiError(`${source}: PNG bit depth ${bitDepth} is not valid for colour type ${colorType}`);
  if (interlace > 1) throw new SdiError(`${source}: PNG interlace method ${interlace} is not valid`);
  return { width, height, bitDepth, colorType, interlace };
}

/** Bytes of the filtered scanlines of a w×h (sub-)image: h · (1 + ⌈w·c·d/8⌉), 0 for an empty one. */
function scanlineBytes(w: number, h: number, header: PngHeader): number {
  if (w <= 0 || h <= 0) return 0;
  return h * (1 + Math.ceil((w * SAMPLES_PER_PIXEL[header.colorType] * header.bitDepth) / 8));
}

/** Exact size of the inflated pixel stream of a valid PNG with this header (Adam7: the seven passes). */
export function pngInflatedSize(header: PngHeader): number {
  const { width: W, height: H } = header;
  if (header.interlace === 0) return scanlineBytes(W, H, header);
  // Adam7 passes: (x0, y0, dx, dy).
  const passes = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];
  let total = 0;
  for (const [x0, y0, dx, dy] of passes) total += scanlineBytes(Math.ceil((W - x0) / dx), Math.ceil((H - y0) / dy), header);
  return total;
}

/**
 * Walks the chunks and inflates the concatenated IDAT data while counting, discarding the output.
 * Throws {@link SdiError} as soon as the stream exceeds `expectedBytes` (a decompression bomb or a
 * corrupt file), when it ends short of them (truncated), or when a chunk runs past the end of the file.
 */
export function checkPngInflation(bytes: Uint8Array, expectedBytes: number, source = 'input'): void {
  const counter = { produced: 0 };
  const inflater = countingInflater(expectedBytes, `${source}: PNG pixel data inflate to more than the ${expectedBytes} bytes its header allows (corrupt file or decompression bomb)`, counter);
  let offset = 8;
  while (offset + 8 <= bytes.length) {
    const length = readUint32(bytes, offset);
    const type = chunkType(bytes, offset + 4);
    const end = offset + 8 + length + 4;
    if (end > bytes.length) throw new SdiError(`${source}: truncated PNG (chunk ${JSON.stringify(type.replace(/[^ -~]/g, '?'))} runs past the end of the file)`);
    if (type === 'IEND') break;
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === 'IDAT') pushChecked(inflater, data, false, `${source}: corrupt PNG pixel data`);
    else if (type === 'iCCP') checkIccProfile(data, source); // fast-png inflates the profile too
    offset = end;
  }
  pushChecked(inflater, new Uint8Array(0), true, `${source}: truncated or corrupt PNG pixel data`);
  // Too little data is as corrupt as too much, and fast-png would allocate the full image first.
  if (counter.produced < expectedBytes) throw new SdiError(`${source}: truncated PNG (${counter.produced} of ${expectedBytes} bytes of pixel data)`);
}

/** Largest embedded ICC profile accepted once inflated (real profiles are well under 1 MB). */
const MAX_ICC_PROFILE_BYTES = 16 * 2 ** 20;

/** iCCP = keyword, NUL, compression method, zlib stream: inflates the stream with a cap. */
function checkIccProfile(data: Uint8Array, source: string): void {
  const nul = data.indexOf(0);
  if (nul < 0 || nul + 2 > data.length) return; // malformed: fast-png reports it
  const inflater = countingInflater(MAX_ICC_PROFILE_BYTES, `${source}: embedded ICC profile inflates to more than ${MAX_ICC_PROFILE_BYTES} bytes (decompression bomb?)`);
  pushChecked(inflater, data.subarray(nul + 2), true, `${source}: corrupt PNG colour profile`);
}

/** A zlib inflater that only counts its output and throws `message` past `maxBytes`. */
function countingInflater(maxBytes: number, message: string, counter = { produced: 0 }): Unzlib {
  return new Unzlib((chunk) => {
    counter.produced += chunk.length;
    if (counter.produced > maxBytes) throw new SdiError(message);
  });
}

/**
 * Compressed bytes handed to the inflater at a time: fflate inflates a whole push into memory before
 * calling back, and deflate expands at most ≈ 1032×, so 4 KiB slices bound each step to ≈ 4 MiB.
 */
const INFLATE_SLICE_BYTES = 4096;

function pushChecked(inflater: Unzlib, data: Uint8Array, final: boolean, what: string): void {
  try {
    for (let o = 0; o < data.length; o += INFLATE_SLICE_BYTES) inflater.push(data.subarray(o, o + INFLATE_SLICE_BYTES), false);
    if (final) inflater.push(new Uint8Array(0), true);
  } catch (e) {
    if (e instanceof SdiError) throw e;
    throw new SdiError(`${what} (${(e as Error).message.split('\n')[0]})`);
  }
}

/** JPEG start-of-frame markers (baseline, extended, progressive, lossless; Huffman and arithmetic). */
const SOF_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/**
 * Width and height from a JPEG's first SOFn segment (walking the marker segments from SOI up to the
 * first scan), or null when there is none before the scan data or the end of the file.
 */
export function readJpegSize(bytes: Uint8Array): { width: number; height: number } | null {
  let o = 2;
  while (o + 4 <= bytes.length) {
    if (bytes[o] !== 0xff) return null;
    const marker = bytes[o + 1];
    if (marker === 0xff) { o++; continue; } // fill byte
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) { o += 2; continue; } // no length
    if (marker === 0xda || marker === 0xd9) return null; // scan or end before any frame header
    const length = (bytes[o + 2] << 8) | bytes[o + 3];
    if (SOF_MARKERS.has(marker)) {
      if (o + 9 > bytes.length) return null;
      return { height: (bytes[o + 5] << 8) | bytes[o + 6], width: (bytes[o + 7] << 8) | bytes[o + 8] };
    }
    o += 2 + length;
  }
  return null;
}

/**
 * Refuses a JPEG whose file is too short for the size it declares (see the module comment): fewer
 * than ⌈W/8⌉·⌈H/8⌉ / 8 bytes. Files without a readable frame header are left to the decoder.
 */
export function checkJpegPlausibleSize(bytes: Uint8Array, source = 'input'): void {
  const size = readJpegSize(bytes);
  if (!size) return;
  const blocks = Math.ceil(size.width / 8) * Math.ceil(size.height / 8);
  if (bytes.length < blocks / 8) {
    throw new SdiError(`${source}: a ${bytes.length}-byte JPEG cannot hold the ${size.width}×${size.height} image it declares (truncated file or decompression bomb)`);
  }
}
