import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { constants as zc, deflateRawSync, deflateSync } from 'node:zlib';
import { SdiError } from '../../src/errors.js';
import { decodeImage, encodeJpeg, encodePng, MAX_DECODE_MEGAPIXELS } from '../../src/image/codec.js';
import { toLuminance, type Image } from '../../src/image/image.js';
import { sharedData } from '../helpers.js';
import { crc32, fixturesDir, patternImage } from './fuzz_cases.js';
import { describeFailure } from '../../web/src/failure.js';

const fixture = (name: string) => decodeImage(new Uint8Array(readFileSync(path.join(fixturesDir, name))), name);
/** The fixtures' common content (test/reliability/fixtures/README.md): 20×16 RGB, 8 bit. */
const reference = fixture('rgb8.png');

function meanAbsDiff(a: Image, b: Image): number {
  assert.equal(a.data.length, b.data.length);
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += Math.abs(a.data[i] - b.data[i]);
  return s / a.data.length;
}

/** The SdiError decodeImage throws (fails the test if it returns or throws anything else). */
function decodeError(bytes: Uint8Array): SdiError {
  try {
    decodeImage(bytes, 'case');
  } catch (e) {
    assert.ok(e instanceof SdiError, `expected SdiError, got ${(e as Error)?.stack}`);
    assert.ok(!e.message.includes('\n') && e.message.length > 0);
    return e;
  }
  assert.fail('decoded without error');
}

/** Runs f and returns how much the process's ArrayBuffer memory grew at most (sampled after f). */
function arrayBufferGrowth(f: () => void): number {
  const before = process.memoryUsage().arrayBuffers;
  f();
  return process.memoryUsage().arrayBuffers - before;
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function png(width: number, height: number, depth: number, colorType: number, chunks: Uint8Array[]): Uint8Array {
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr.set([depth, colorType, 0, 0, 0], 8);
  const parts = [Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), ...chunks, pngChunk('IEND', new Uint8Array(0))];
  return Uint8Array.from(parts.flatMap((p) => Array.from(p)));
}

/** A zlib stream of `mib` MiB of zeros built from one byte-aligned compressed MiB repeated (no final block). */
function zlibZeros(mib: number): Uint8Array {
  const block = deflateRawSync(new Uint8Array(2 ** 20), { level: 9, finishFlush: zc.Z_SYNC_FLUSH });
  const out = new Uint8Array(2 + block.length * mib);
  out.set([0x78, 0xda], 0);
  for (let i = 0; i < mib; i++) out.set(block, 2 + i * block.length);
  return out;
}

test('every fixture variant decodes to the right size, channels and values', () => {
  assert.deepEqual([reference.width, reference.height, reference.channels], [20, 16, 3]);
  const gray = toLuminance(reference);
  for (const name of ['baseline.jpg', 'progressive.jpg', 'cmyk.jpg']) {
    const img = fixture(name);
    assert.deepEqual([img.width, img.height, img.channels], [20, 16, 3], name);
    assert.ok(meanAbsDiff(img, reference) < 0.03, `${name}: mean |Δ| ${meanAbsDiff(img, reference)}`);
  }
  const gj = fixture('gray.jpg');
  assert.equal(gj.channels, 1);
  assert.ok(meanAbsDiff(gj, gray) < 0.02);
  // Palettes (8-bit, packed 4-bit, 4-bit with tRNS alpha): exactly Pillow's own expansion.
  for (const name of ['palette8', 'palette4', 'palette_trns']) {
    const img = fixture(`${name}.png`), expected = fixture(`${name}_expected.png`);
    assert.equal(img.channels, name === 'palette_trns' ? 4 : 3, name);
    assert.deepEqual(img, { ...expected }, name);
  }
  const trns = fixture('palette_trns.png');
  assert.ok(trns.data.some((v, i) => i % 4 === 3 && v === 0) && trns.data.some((v, i) => i % 4 === 3 && v === 1), 'palette alpha from tRNS');
  // Exact formats: gray+alpha (R as gray, G as alpha), 16-bit gray (R·257), RGBA (alpha 128).
  const ga = fixture('gray_alpha.png');
  assert.equal(ga.channels, 2);
  for (let i = 0; i < 320; i++) {
    assert.equal(ga.data[2 * i], reference.data[3 * i]);
    assert.equal(ga.data[2 * i + 1], reference.data[3 * i + 1]);
  }
  const g16 = fixture('gray16.png');
  assert.equal(g16.channels, 1);
  for (let i = 0; i < 320; i++) assert.ok(Math.abs(g16.data[i] - reference.data[3 * i]) < 1e-6);
  const rgba = fixture('rgba8.png');
  assert.equal(rgba.channels, 4);
  for (let i = 0; i < 320; i++) assert.equal(rgba.data[4 * i + 3], Math.fround(128 / 255));
  // Adam7-interlaced RGB: exactly the reference.
  assert.deepEqual(fixture('interlaced.png'), { ...reference });
  // 1-bit gray (packed 8 pixels a byte): a (x + y) mod 2 checkerboard.
  const g1 = fixture('gray1.png');
  assert.equal(g1.channels, 1);
  for (let y = 0; y < 16; y++) for (let x = 0; x < 20; x++) assert.equal(g1.data[y * 20 + x], (x + y) % 2, `gray1 at ${x},${y}`);
});

test('empty, tiny, non-image and every truncation of a PNG and a JPEG give a one-line SdiError', () => {
  assert.match(decodeError(new Uint8Array(0)).message, /empty/);
  assert.match(decodeError(Uint8Array.from([0x89])).message, /not a PNG or JPEG/);
  assert.match(decodeError(new TextEncoder().encode('GIF89a not supported')).message, /not a PNG or JPEG/);
  // The web worker decodes with the same function and shows its message as a bad-input failure.
  const jpegError = decodeError(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]));
  assert.match(jpegError.message, /^case: corrupt or unsupported JPEG \(.+\)$/);
  assert.deepEqual(describeFailure(jpegError), { kind: 'input', message: jpegError.message });
  const pngBytes = encodePng(patternImage(9, 7, 3));
  const jpgBytes = encodeJpeg(patternImage(9, 7, 3));
  for (const bytes of [pngBytes, jpgBytes]) {
    for (let n = 1; n < bytes.length - 2; n++) decodeError(bytes.subarray(0, n)); // the last 2 bytes of a JPEG are EOI, optional for jpeg-js
  }
});

test(`a PNG declaring 100000×100000 pixels is refused from its header, before any allocation`, () => {
  const bytes = png(100000, 100000, 8, 6, [pngChunk('IDAT', deflateSync(new Uint8Array(64)))]);
  let err: SdiError | undefined;
  const grew = arrayBufferGrowth(() => { err = decodeError(bytes); });
  assert.match(err!.message, new RegExp(`100000×100000 is larger than ${MAX_DECODE_MEGAPIXELS} megapixels`));
  assert.ok(grew < 16 * 2 ** 20, `grew ${grew} bytes`);
});

test('a PNG declaring 9000×9000 16-bit RGBA (81 MP) with a few bytes of data is refused as truncated without allocating 650 MB', () => {
  const bytes = png(9000, 9000, 16, 6, [pngChunk('IDAT', deflateSync(new Uint8Array(1000)))]);
  let err: SdiError | undefined;
  const t = performance.now();
  const grew = arrayBufferGrowth(() => { err = decodeError(bytes); });
  assert.match(err!.message, /truncated PNG/);
  assert.ok(grew < 16 * 2 ** 20, `grew ${grew} bytes`);
  assert.ok(performance.now() - t < 1000);
});

test('zlib bombs (1 GiB of zeros in a 64×64 PNG, 256 MiB in its colour profile) are refused after inflating only what the header allows', () => {
  const idatBomb = png(64, 64, 8, 0, [pngChunk('IDAT', zlibZeros(1024))]);
  assert.ok(idatBomb.length < 1.2e6, `bomb file is ${idatBomb.length} bytes`);
  let err: SdiError | undefined;
  const t = performance.now();
  const grew = arrayBufferGrowth(() => { err = decodeError(idatBomb); });
  assert.match(err!.message, /decompression bomb/);
  assert.ok(grew < 64 * 2 ** 20, `grew ${grew} bytes`);
  assert.ok(performance.now() - t < 2000, `took ${performance.now() - t} ms`);

  const profile = Uint8Array.from([...new TextEncoder().encode('icc'), 0, 0, ...zlibZeros(256)]);
  const iccBomb = png(4, 4, 8, 0, [pngChunk('iCCP', profile), pngChunk('IDAT', deflateSync(new Uint8Array(4 * 5)))]);
  assert.match(decodeError(iccBomb).message, /ICC profile/);
});

test('a JPEG bomb (793 bytes declaring 10000×10000) is refused before jpeg-js allocates; legit highly compressed JPEGs still decode', () => {
  const small = encodeJpeg(patternImage(16, 16, 3), 80);
  const bomb = small.slice();
  const sof = bomb.findIndex((b, i) => b === 0xff && bomb[i + 1] === 0xc0);
  bomb.set([10000 >> 8, 10000 & 255, 10000 >> 8, 10000 & 255], sof + 5);
  let err: SdiError | undefined;
  const t = performance.now();
  const grew = arrayBufferGrowth(() => { err = decodeError(bomb); });
  assert.match(err!.message, /cannot hold the 10000×10000 image/);
  assert.ok(grew < 16 * 2 ** 20 && performance.now() - t < 500);
  // 65535×65535 is refused by the megapixel limit (or the same guard), never decoded.
  bomb.set([255, 255, 255, 255], sof + 5);
  decodeError(bomb);
  // A flat 1024×1024 image compresses to ~1/80 of a byte per pixel and must still pass the guard.
  const flat = encodeJpeg({ width: 1024, height: 1024, channels: 1, data: new Float32Array(1024 * 1024).fill(0.5) }, 10);
  const img = decodeImage(flat, 'flat.jpg');
  assert.deepEqual([img.width, img.height], [1024, 1024]);
  for (const f of readdirSync(sharedData('real')).filter((n) => n.endsWith('.jpg'))) {
    const photo = decodeImage(new Uint8Array(readFileSync(sharedData('real', f))), f);
    assert.ok(photo.width > 100 && photo.channels === 3, f);
  }
});
