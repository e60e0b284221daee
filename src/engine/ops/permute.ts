/**
 * tf.transpose without a copy where none is needed: when the permutation keeps the relative order of
 * the axes longer than 1 (it only moves axes of size 1), the result holds the same values in the same
 * memory order, so a reshape gives it (free on every backend; on webgpu it saves a dispatch):
 *
 *     y = transpose(x, π),  y[i₀, …, i_k] = x[j] with j_{π(d)} = i_d;  a reshape when π restricted to
 *     {d : shape[d] > 1} is increasing.
 */
import { tf } from '../tf.js';

/** tf.transpose(x, perm), or the equal reshape when perm only moves axes of size 1. */
export function permute<T extends tf.Tensor>(x: T, perm: readonly number[]): T {
  const long = perm.filter((axis) => x.shape[axis] !== 1);
  if (long.every((axis, i) => i === 0 || long[i - 1] < axis)) return tf.reshape(x, perm.map((axis) => x.shape[axis])) as T;
  return tf.transpose(x, [...perm]) as T;
}
