/**
 * Seeded fuzz cases for the image decoders (shared by test/reliability/decode_fuzz.test.ts and
 * scripts/fuzz_long.ts): random bytes, random bytes behind a PNG or JPEG signature, and valid PNG
 * and JPEG files (8/16-bit gray, RGB, RGBA, gray+alpha, 1-bit, palette, progressive, CMYK) mutated
 * by truncation, bit flips, byte overwrites, insertions and deletions, splices, and — so that the
 * PNG CRC check does not shield the decoder — structure-aware edits of a PNG chunk's fields with the
 * CRC recomputed, and of JPEG marker segments (lengths, frame size, tables).
 *
 * The oracle ({@link checkDecodeOutcome}): decodeImage either returns a well-formed Image (positive
 * size, 1–4 channels, data length = w·h·c, every sample finite in [0, 1]) or throws an SdiError
 * whose message is one non-empty line. Anything else (another exception, a malformed image) is a bug.
 */
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SdiError } from '../../src/errors.js';
import { decodeImage, encodeJpeg, encodePng } from '../../src/image/codec.js';
import type { Image } from '../../src/image/image.js';
import { Rng } from '../../src/rng.js';

export const fixturesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** A small synthetic image with gradients and a checkerboard (w×h, c channels). */
export function patternImage(width: number, height: number, channels: Image['channels']): Image {
  const data = new Float32Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        const v = c === 0 ? x / Math.max(1, width - 1) : c === 1 ? y / Math.max(1, height - 1) : ((x >> 2) + (y >> 2)) % 2 ? 0.9 : 0.1;
        data[(y * width + x) * channels + c] = v;
      }
    }
  }
  return { width, height, channels, data };
}

/** The valid files mutations start from: encoded here, plus the committed fixtures. */
export function seedFiles(): Array<{ name: string; bytes: Uint8Array }> {
  const seeds: Array<{ name: string; bytes: Uint8Array }> = [
    { name: 'gray8.png', bytes: encodePng(patternImage(12, 9, 1)) },
    { name: 'gray16.png', bytes: encodePng(patternImage(9, 7, 1), 16) },
    { name: 'rgb8.png', bytes: encodePng(patternImage(10, 8, 3)) },
    { name: 'rgb16.png', bytes: encodePng(patternImage(6, 5, 3), 16) },
    { name: 'rgba8.png', bytes: encodePng(patternImage(7, 6, 4)) },
    { name: 'ga8.png', bytes: encodePng(patternImage(8, 8, 2)) },
    { name: 'rgb.jpg', bytes: encodeJpeg(patternImage(16, 16, 3), 80) },
    { name: 'gray.jpg', bytes: encodeJpeg(patternImage(9, 11, 1), 60) },
  ];
  for (const f of readdirSync(fixturesDir).sort()) {
    if (/\.(png|jpe?g)$/i.test(f)) seeds.push({ name: f, bytes: new Uint8Array(readFileSync(path.join(fixturesDir, f))) });
  }
  return seeds;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (PNG's, ISO 3309) of bytes. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

interface PngChunk { offset: number; length: number; type: string }

/** The chunks of a PNG that lie inside the file (stops at the first one that does not). */
export function pngChunks(bytes: Uint8Array): PngChunk[] {
  const out: PngChunk[] = [];
  let o = 8;
  while (o + 12 <= bytes.length) {
    const length = ((bytes[o] << 24) | (bytes[o + 1] << 16) | (bytes[o + 2] << 8) | bytes[o + 3]) >>> 0;
    if (o + 12 + length > bytes.length) break;
    out.push({ offset: o, length, type: String.fromCharCode(...bytes.subarray(o + 4, o + 8)) });
    o += 12 + length;
  }
  return out;
}

/** Rewrites a chunk's CRC after its data were edited in place. */
export function fixPngCrc(bytes: Uint8Array, chunk: PngChunk): void {
  const crc = crc32(bytes.subarray(chunk.offset + 4, chunk.offset + 8 + chunk.length));
  const p = chunk.offset + 8 + chunk.length;
  bytes[p] = crc >>> 24; bytes[p + 1] = (crc >>> 16) & 0xff; bytes[p + 2] = (crc >>> 8) & 0xff; bytes[p + 3] = crc & 0xff;
}

function writeUint32(bytes: Uint8Array, o: number, v: number): void {
  bytes[o] = v >>> 24; bytes[o + 1] = (v >>> 16) & 0xff; bytes[o + 2] = (v >>> 8) & 0xff; bytes[o + 3] = v & 0xff;
}

/** Interesting values for header fields (sizes, depths). */
const EDGE_UINT32 = [0, 1, 2, 3, 7, 8, 255, 256, 65535, 65536, 100000, 0x7fffffff, 0x80000000, 0xffffffff];

function randomBytes(rng: Rng, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = rng.int(256);
  return b;
}

/** PNG-aware edit with the CRC recomputed: IHDR fields, chunk data bytes, or a chunk length. */
function mutatePngStructure(rng: Rng, src: Uint8Array): Uint8Array {
  const b = src.slice();
  const chunks = pngChunks(b);
  if (chunks.length === 0) return b;
  const ihdr = chunks.find((c) => c.type === 'IHDR');
  const pick = rng.int(4);
  if (pick === 0 && ihdr) {
    const field = rng.int(6);
    if (field === 0) writeUint32(b, ihdr.offset + 8, EDGE_UINT32[rng.int(EDGE_UINT32.length)]);
    else if (field === 1) writeUint32(b, ihdr.offset + 12, EDGE_UINT32[rng.int(EDGE_UINT32.length)]);
    else b[ihdr.offset + 8 + 6 + rng.int(7)] = [0, 1, 2, 3, 4, 6, 7, 8, 16, 255][rng.int(10)];
    fixPngCrc(b, ihdr);
  } else if (pick === 1) {
    const c = chunks[rng.int(chunks.length)];
    for (let k = 0, n = 1 + rng.int(4); k < n && c.length > 0; k++) b[c.offset + 8 + rng.int(c.length)] = rng.int(256);
    fixPngCrc(b, c);
  } else if (pick === 2) {
    const c = chunks[rng.int(chunks.length)];
    writeUint32(b, c.offset, rng.uniform() < 0.5 ? EDGE_UINT32[rng.int(EDGE_UINT32.length)] : Math.max(0, c.length + rng.int(9) - 4));
  } else {
    // duplicate or drop a chunk
    const c = chunks[rng.int(chunks.length)];
    const piece = b.subarray(c.offset, c.offset + 12 + c.length);
    if (rng.uniform() < 0.5) return concat(b.subarray(0, c.offset), piece, b.subarray(c.offset));
    return concat(b.subarray(0, c.offset), b.subarray(c.offset + 12 + c.length));
  }
  return b;
}

/** JPEG-aware edit: a marker segment's length or a byte inside it, the frame size, or a marker byte. */
function mutateJpegStructure(rng: Rng, src: Uint8Array): Uint8Array {
  const b = src.slice();
  const markers: number[] = [];
  for (let i = 2; i + 3 < b.length; i++) if (b[i] === 0xff && b[i + 1] >= 0xc0 && b[i + 1] !== 0xff && b[i + 1] !== 0xd8) markers.push(i);
  if (markers.length === 0) return b;
  const m = markers[rng.int(markers.length)];
  const pick = rng.int(4);
  if (pick === 0) {
    const len = rng.uniform() < 0.5 ? rng.int(65536) : ((b[m + 2] << 8) | b[m + 3]) + rng.int(9) - 4;
    b[m + 2] = (len >> 8) & 0xff; b[m + 3] = len & 0xff;
  } else if (pick === 1) {
    const sof = markers.find((i) => b[i + 1] === 0xc0 || b[i + 1] === 0xc2);
    const at = sof ?? m;
    const v = [0, 1, 2, 255, 4096, 16384, 65535][rng.int(7)];
    const o = at + 5 + 2 * rng.int(2); // height, then width
    if (o + 1 < b.length) { b[o] = v >> 8; b[o + 1] = v & 0xff; }
  } else if (pick === 2) {
    const segLen = (b[m + 2] << 8) | b[m + 3];
    for (let k = 0, n = 1 + rng.int(4); k < n; k++) {
      const o = m + 4 + rng.int(Math.max(1, Math.min(segLen, b.length - m - 4)));
      if (o < b.length) b[o] = rng.int(256);
    }
  } else {
    b[m + 1] = [0xc0, 0xc1, 0xc2, 0xc4, 0xcc, 0xd9, 0xda, 0xdb, 0xdd, 0xe0, 0xee, 0xfe][rng.int(12)];
  }
  return b;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** Generic byte-level mutation of a valid file. */
function mutateBytes(rng: Rng, src: Uint8Array, other: Uint8Array): Uint8Array {
  const pick = rng.int(6);
  if (pick === 0) return src.slice(0, rng.int(src.length)); // truncation
  const b = src.slice();
  if (pick === 1) { for (let k = 0, n = 1 + rng.int(8); k < n; k++) b[rng.int(b.length)] ^= 1 << rng.int(8); return b; } // bit flips
  if (pick === 2) { for (let k = 0, n = 1 + rng.int(16); k < n; k++) b[rng.int(b.length)] = rng.int(256); return b; } // overwrites
  if (pick === 3) { const at = rng.int(b.length); return concat(b.subarray(0, at), randomBytes(rng, 1 + rng.int(32)), b.subarray(at)); } // insertion
  if (pick === 4) { const at = rng.int(b.length); return concat(b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + rng.int(32)))); } // deletion
  const cut = 8 + rng.int(Math.max(1, b.length - 8)); // splice the head of one file with the tail of another
  return concat(b.subarray(0, cut), other.subarray(rng.int(other.length)));
}

export interface FuzzCase { index: number; strategy: string; seed: string; bytes: Uint8Array }

/** The index-th case of a run seeded with `seed` (cases are independent: any one can be replayed alone). */
export function fuzzCase(seed: number, index: number, seeds: Array<{ name: string; bytes: Uint8Array }>): FuzzCase {
  const rng = new Rng(seed * 1_000_003 + index);
  const pick = rng.uniform();
  const s = seeds[rng.int(seeds.length)];
  const other = seeds[rng.int(seeds.length)].bytes;
  const isPng = s.bytes[0] === 0x89;
  if (pick < 0.08) return { index, strategy: 'random', seed: '-', bytes: randomBytes(rng, rng.int(600)) };
  if (pick < 0.16) {
    const head = rng.uniform() < 0.5 ? [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] : [0xff, 0xd8, 0xff];
    return { index, strategy: 'random-with-magic', seed: '-', bytes: concat(Uint8Array.from(head), randomBytes(rng, rng.int(600))) };
  }
  if (pick < 0.55) return { index, strategy: isPng ? 'png-structure' : 'jpeg-structure', seed: s.name, bytes: isPng ? mutatePngStructure(rng, s.bytes) : mutateJpegStructure(rng, s.bytes) };
  return { index, strategy: 'bytes', seed: s.name, bytes: mutateBytes(rng, s.bytes, other) };
}

export type DecodeOutcome = { kind: 'decoded' } | { kind: 'clean-error'; message: string } | { kind: 'bug'; detail: string };

/** Runs decodeImage on the bytes and classifies the outcome (see the module comment). */
export function checkDecodeOutcome(bytes: Uint8Array): DecodeOutcome {
  let image: Image;
  try {
    image = decodeImage(bytes, 'fuzz');
  } catch (e) {
    if (e instanceof SdiError) {
      const ok = e.message.length > 0 && !e.message.includes('\n');
      return ok ? { kind: 'clean-error', message: e.message } : { kind: 'bug', detail: `multi-line or empty SdiError: ${JSON.stringify(e.message)}` };
    }
    return { kind: 'bug', detail: `${(e as Error)?.name}: ${(e as Error)?.message}` };
  }
  const { width, height, channels, data } = image;
  if (!(Number.isInteger(width) && width >= 1 && Number.isInteger(height) && height >= 1)) return { kind: 'bug', detail: `bad size ${width}×${height}` };
  if (![1, 2, 3, 4].includes(channels)) return { kind: 'bug', detail: `bad channel count ${channels}` };
  if (!(data instanceof Float32Array) || data.length !== width * height * channels) return { kind: 'bug', detail: `data length ${data?.length} ≠ ${width}·${height}·${channels}` };
  for (let i = 0; i < data.length; i++) if (!(data[i] >= 0 && data[i] <= 1)) return { kind: 'bug', detail: `sample ${i} = ${data[i]} outside [0, 1]` };
  return { kind: 'decoded' };
}

export interface FuzzSummary { cases: number; decoded: number; cleanErrors: number; bugs: Array<{ index: number; strategy: string; seed: string; detail: string }>; slowestMs: number; totalMs: number; byStrategy: Record<string, number> }

/** Runs cases [from, to) of a seeded run and summarises the outcomes. */
export function runFuzz(seed: number, from: number, to: number): FuzzSummary {
  const seeds = seedFiles();
  const summary: FuzzSummary = { cases: 0, decoded: 0, cleanErrors: 0, bugs: [], slowestMs: 0, totalMs: 0, byStrategy: {} };
  const t0 = performance.now();
  for (let i = from; i < to; i++) {
    const c = fuzzCase(seed, i, seeds);
    const t = performance.now();
    const outcome = checkDecodeOutcome(c.bytes);
    summary.slowestMs = Math.max(summary.slowestMs, performance.now() - t);
    summary.cases++;
    summary.byStrategy[c.strategy] = (summary.byStrategy[c.strategy] ?? 0) + 1;
    if (outcome.kind === 'decoded') summary.decoded++;
    else if (outcome.kind === 'clean-error') summary.cleanErrors++;
    else summary.bugs.push({ index: i, strategy: c.strategy, seed: c.seed, detail: outcome.detail });
  }
  summary.totalMs = performance.now() - t0;
  return summary;
}
