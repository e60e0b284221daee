import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelCentroid, kernelEdgeDistance } from '../../src/physics/kernel_centroid.js';

test('kernel centre of mass and its distance from the window border (hand-computed)', () => {
  // 5×4 window (height 5, width 4), mass 3 at (1, 0) and 1 at (3, 2): c = ((3·1 + 1·3)/4, (3·0 + 1·2)/4) = (1.5, 0.5)
  const data = new Float32Array(20);
  data[1 * 4 + 0] = 3;
  data[3 * 4 + 2] = 1;
  const k = { width: 4, height: 5, data };
  assert.deepEqual(kernelCentroid(k), [1.5, 0.5]);
  assert.equal(kernelEdgeDistance(k), 0.5); // min(1.5, 4 − 1.5, 0.5, 3 − 0.5)
  const centred = { width: 5, height: 5, data: new Float32Array(25).fill(1 / 25) };
  assert.equal(kernelEdgeDistance(centred), 2);
  // no mass, no centre
  assert.deepEqual(kernelCentroid({ width: 3, height: 1, data: new Float32Array(3) }), [NaN, NaN]);
});
