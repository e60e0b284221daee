/**
 * Sum of a list of same-shaped tensors, s = Σᵢ tᵢ, as tf.addN in groups small enough for every backend.
 *
 * tfjs-webgpu's AddN binds each input as its own storage buffer, and WebGPU's default device limit is
 * 8 storage buffers per shader stage (the output included), which tfjs does not raise: an AddN of 8 or
 * more inputs makes an invalid pipeline, and Dawn then drops the whole command buffer it was batched in
 * (seen on an H100 through Dawn: the chunked filter gradients of a 286² level sum 10 partial products).
 * So on webgpu the sum is taken in groups of at most {@link webgpuMaxSumInputs} inputs, then the group
 * sums likewise (a tree of depth ⌈log₇ n⌉). Other backends take all inputs in one AddN, keeping their
 * summation order (and so their results) unchanged.
 */
import { tf } from '../tf.js';

/** Inputs per AddN on webgpu: 8 storage buffers per stage (WebGPU's default limit) less the output. */
export const webgpuMaxSumInputs = 7;

/**
 * s = Σᵢ tᵢ over same-shaped tensors, at most `maxInputs` per AddN (default: {@link webgpuMaxSumInputs}
 * on the webgpu backend, unbounded elsewhere). One tensor is returned as it is.
 */
export function sumTensors<T extends tf.Tensor>(tensors: T[], maxInputs = tf.getBackend() === 'webgpu' ? webgpuMaxSumInputs : Infinity): T {
  if (tensors.length === 0) throw new Error('sumTensors: no tensors to sum');
  if (!(maxInputs >= 2)) throw new Error(`sumTensors: maxInputs must be at least 2, got ${maxInputs}`);
  let level: T[] = tensors;
  while (level.length > 1) {
    const next: T[] = [];
    for (let i = 0; i < level.length; i += maxInputs) {
      const group = level.slice(i, i + maxInputs);
      next.push(group.length === 1 ? group[0] : tf.addN(group));
    }
    level = next;
  }
  return level[0];
}
