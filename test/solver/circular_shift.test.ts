import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf.js';
import { initBackend } from '../../src/engine/backend.js';
import { roll2d } from '../../src/solver/circular_shift.js';

test('roll2d moves content by (s_y, s_x) with wrap-around, and its gradient is the opposite roll', async () => {
  await initBackend('cpu');
  const h = 3, w = 4;
  const a = tf.tensor2d(Array.from({ length: h * w }, (_, i) => i), [h, w]);
  const rolled = roll2d(a, [1, -1]).arraySync();
  const src = a.arraySync();
  for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) assert.equal(rolled[i][j], src[(i - 1 + h) % h][(j + 1) % w]);
  assert.deepEqual(roll2d(roll2d(a, [2, 3]), [-2, -3]).arraySync(), src);
  assert.equal(roll2d(a, [0, 0]), a);
  assert.deepEqual(roll2d(a, [h, -w]).arraySync(), src);
  const weights = tf.tensor2d(Array.from({ length: h * w }, (_, i) => (i * 7) % 5), [h, w]);
  const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(roll2d(t as tf.Tensor2D, [1, 2]), weights)))(a);
  assert.deepEqual(g.arraySync(), roll2d(weights, [-1, -2]).arraySync());
  tf.dispose([a, weights, g]);
});
