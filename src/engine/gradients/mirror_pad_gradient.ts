/**
 * A correct gradient for `MirrorPad` (tfjs 4.22's default only slices the centre out of dy and
 * drops the gradient that flows through the mirrored border copies).
 *
 * Along one axis with n entries padded by b before and a after, the padded entry i holds x[m(i)]:
 *
 *     m(i) = i − b                 for b ≤ i < b + n
 *     m(i) = b − i − 1 + o         for i < b            (o = 1 for 'reflect', 0 for 'symmetric')
 *     m(i) = 2n + b − i − 1 − o    for i ≥ b + n
 *
 * so ∂L/∂x[j] = Σ_{i : m(i) = j} dy[i]: the centre of dy, plus its first b entries reversed added at
 * j = o … o+b−1, plus its last a entries reversed added at j = n−o−a … n−o−1. Applied axis by axis.
 *
 * Applied axis by axis: the untouched x ranges and the two border sums as slices, joined by one
 * concat (≈ 1 full-size copy, ≈ 10 kernels per axis; a reverse of a 1-wide border, the U-Net's 1-px
 * pads, is skipped: it is the identity). On wasm the U-Net's maps take one kernel that copies the centre
 * once and adds the borders in place (kernels/wasm_mirror_pad_gradient_kernel.ts). On webgpu, where every kernel is a dispatch with a fixed host
 * cost, the same sums are one WGSL kernel that gathers them (engine/webgpu_mirror_pad_gradient.ts).
 */
import { tf } from '../tf.js';
import { webgpuMirrorPadBackward, webgpuMirrorPadGradientApplies } from '../webgpu_mirror_pad_gradient.js';
import { wasmMirrorPadBackward, wasmMirrorPadGradientApplies } from '../kernels/wasm_mirror_pad_gradient_kernel.js';

/** Gradient config for `MirrorPad`; register with `tf.registerGradient`. */
export const mirrorPadGradConfig: tf.GradConfig = {
  kernelName: tf.MirrorPad,
  // nothing saved: x's shape is dy's minus the padding (saving x would make tfjs keep a copy of it)
  inputsToSave: [],
  gradFunc: (dy, _saved, attrs) => {
    const { paddings, mode } = attrs as unknown as { paddings: Array<[number, number]>; mode: 'reflect' | 'symmetric' };
    const xShape = (dy as tf.Tensor).shape.map((d, axis) => d - paddings[axis][0] - paddings[axis][1]);
    return { x: () => mirrorPadBackward(dy as tf.Tensor, xShape, paddings, mode) };
  },
};

/**
 * ∂L/∂x of y = mirrorPad(x, paddings, mode), given dy = ∂L/∂y: one WGSL kernel on webgpu for rank 4, one
 * copy plus the border sums on wasm for NHWC maps padded on H and W (kernels/wasm_mirror_pad_gradient_kernel.ts,
 * the same values as the fold bit for bit), the fold below otherwise.
 */
export function mirrorPadBackward(dy: tf.Tensor, xShape: readonly number[], paddings: ReadonlyArray<readonly [number, number]>, mode: 'reflect' | 'symmetric'): tf.Tensor {
  if (webgpuMirrorPadGradientApplies(dy)) return webgpuMirrorPadBackward(dy, xShape, paddings, mode);
  if (wasmMirrorPadGradientApplies(dy, paddings, mode)) return wasmMirrorPadBackward(dy, paddings, mode);
  return tf.tidy(() => {
    const offset = mode === 'reflect' ? 1 : 0;
    let g = dy;
    paddings.forEach(([before, after], axis) => {
      if (before > 0 || after > 0) g = foldAxis(g, axis, xShape[axis], before, after, offset);
    });
    return g;
  });
}

/** Slice of t along `axis`: entries start … start+length−1. */
function sliceAxis(t: tf.Tensor, axis: number, start: number, length: number): tf.Tensor {
  const begin = t.shape.map((_, d) => (d === axis ? start : 0));
  const size = t.shape.map((s, d) => (d === axis ? length : s));
  return tf.slice(t, begin, size);
}

/** Entries of t along `axis` in reverse order (a 1-wide slice is returned as it is). */
function reverseAxis(t: tf.Tensor, axis: number): tf.Tensor {
  return t.shape[axis] === 1 ? t : tf.reverse(t, axis);
}

/** Folds the mirrored border entries of one axis back onto the entries they copy. */
function foldAxis(g: tf.Tensor, axis: number, n: number, before: number, after: number, o: number): tf.Tensor {
  const top = before > 0 ? reverseAxis(sliceAxis(g, axis, 0, before), axis) : null;
  const bottom = after > 0 ? reverseAxis(sliceAxis(g, axis, before + n, after), axis) : null;
  const disjoint = o + before <= n - o - after;
  if (!disjoint) {
    // the borders overlap (padding close to n): each border added into place with zero padding
    const pad = (t: tf.Tensor, lead: number) => tf.pad(t, g.shape.map((_, d) => (d === axis ? [lead, n - lead - t.shape[axis]] : [0, 0])) as Array<[number, number]>);
    const terms = [sliceAxis(g, axis, before, n)];
    if (top) terms.push(pad(top, o));
    if (bottom) terms.push(pad(bottom, n - o - after));
    return terms.length === 1 ? terms[0] : tf.addN(terms);
  }
  // x index ranges: [0, o) | [o, o+b) += top | [o+b, n−o−a) | [n−o−a, n−o) += bottom | [n−o, n)
  const pieces: tf.Tensor[] = [];
  const take = (xStart: number, length: number) => { if (length > 0) pieces.push(sliceAxis(g, axis, before + xStart, length)); };
  take(0, o);
  if (top) pieces.push(tf.add(sliceAxis(g, axis, before + o, before), top));
  take(o + before, n - o - after - (o + before));
  if (bottom) pieces.push(tf.add(sliceAxis(g, axis, before + n - o - after, after), bottom));
  take(n - o, o);
  return pieces.length === 1 ? pieces[0] : tf.concat(pieces, axis);
}
