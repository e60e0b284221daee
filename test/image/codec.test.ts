import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { decodeImage, encodePng, encodeJpeg } from '../../src/image/codec.js';
import { SdiError } from '../../src/errors.js';
import { sharedData } from '../helpers.js';

test('decodes the Levin sharp image as 255×255 gray in [0,1]', async () => {
  const img = decodeImage(new Uint8Array(await readFile(sharedData('levin/sharp/im1.png'))));
  assert.equal(img.width, 255);
  assert.equal(img.height, 255);
  assert.equal(img.channels, 1);
  assert.ok(Math.max(...img.data) <= 1 && Math.min(...img.data) >= 0);
});

test('PNG encode/decode round-trips 8 and 16 bit exactly on the grid', () => {
  const data = Float32Array.from({ length: 4 * 3 * 3 }, (_, i) => (i * 7) % 256 / 255);
  const img = { width: 4, height: 3, channels: 3 as const, data };
  const back = decodeImage(encodePng(img));
  assert.deepEqual(Array.from(back.data), Array.from(data));
  const back16 = decodeImage(encodePng(img, 16));
  for (let i = 0; i < data.length; i++) assert.ok(Math.abs(back16.data[i] - data[i]) < 1e-6);
});

test('JPEG decodes colour photos and gray JPEGs come back as one channel', async () => {
  const fishes = decodeImage(new Uint8Array(await readFile(sharedData('real/fishes.jpg'))));
  assert.equal(fishes.channels, 3);
  const gray = { width: 8, height: 8, channels: 1 as const, data: new Float32Array(64).fill(0.5) };
  const back = decodeImage(encodeJpeg(gray));
  assert.equal(back.channels, 1);
});

test('bad bytes give a one-line SdiError', () => {
  for (const bytes of [new Uint8Array(0), new Uint8Array([1, 2, 3]), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 0, 0])]) {
    assert.throws(() => decodeImage(bytes, 'x.png'), (e: unknown) => e instanceof SdiError && !e.message.includes('\n'));
  }
});
