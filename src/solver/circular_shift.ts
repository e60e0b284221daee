/**
 * Circular shifts of 2-D tensors, for keeping the kernel estimate centred in its window.
 *
 * roll(a, (s_y, s_x))[i, j] = a[(i − s_y) mod h, (j − s_x) mod w]: the content moves by (s_y, s_x)
 * and what leaves one edge comes back at the opposite one. Built from slice and concat, so it has
 * a gradient on every backend (the gradient of a roll is the opposite roll).
 */
import { tf } from '../engine/tf.js';

function rollAxis(a: tf.Tensor2D, shift: number, axis: 0 | 1): tf.Tensor2D {
  const n = a.shape[axis];
  const s = ((shift % n) + n) % n;
  if (s === 0) return a;
  const [h, w] = a.shape;
  const head = axis === 0 ? tf.slice(a, [n - s, 0], [s, w]) : tf.slice(a, [0, n - s], [h, s]);
  const tail = axis === 0 ? tf.slice(a, [0, 0], [n - s, w]) : tf.slice(a, [0, 0], [h, n - s]);
  return tf.concat([head, tail], axis);
}

/** roll(a, (s_y, s_x)) for an h × w tensor (see the module comment). Returns `a` itself for a zero shift. */
export function roll2d(a: tf.Tensor2D, [sy, sx]: readonly [number, number]): tf.Tensor2D {
  return rollAxis(rollAxis(a, sy, 0), sx, 1);
}
