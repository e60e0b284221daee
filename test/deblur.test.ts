import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelEstimationRegion, maxUNetLevels } from '../src/deblur.js';

const image = { width: 10, height: 6, channels: 1 as const, data: Float32Array.from({ length: 60 }, (_, i) => i) };

test('kernelEstimationRegion: the whole image when it fits, else the centre crop of the area', () => {
  const whole = kernelEstimationRegion(image, undefined, 16);
  assert.equal(whole.cropped, false);
  assert.equal(whole.image, image);
  const centre = kernelEstimationRegion(image, undefined, 4);
  assert.deepEqual([centre.x0, centre.y0, centre.width, centre.height, centre.cropped], [3, 1, 4, 4, true]);
  assert.equal(centre.image.data[0], 1 * 10 + 3);
  const inArea = kernelEstimationRegion(image, { x0: 6, y0: 2, width: 4, height: 4 }, 2);
  assert.deepEqual([inArea.x0, inArea.y0, inArea.width, inArea.height], [7, 3, 2, 2]);
  assert.deepEqual(Array.from(inArea.image.data), [37, 38, 47, 48]);
});

test('maxUNetLevels keeps at least 2 px per side at the deepest level', () => {
  assert.equal(maxUNetLevels(286, 286), 8); // 143, 72, 36, 18, 9, 5, 3, 2
  assert.equal(maxUNetLevels(4, 100), 1);
});
