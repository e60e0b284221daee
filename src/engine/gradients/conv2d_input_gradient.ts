/**
 * The input gradient of a 2-D convolution computed with forward convolutions only (tfjs-wasm's own
 * `Conv2DBackpropInput` runs an order of magnitude slower than its forward `Conv2D`).
 *
 * For y = conv(xp, w) with stride s (see {@link ConvGeometry}), the gradient of the padded input is
 *
 *     ∂L/∂xp[n, p, q, c] = Σ_{i, a : s·i + a = p} Σ_{j, b : s·j + b = q} Σ_o dy[n, i, j, o] · w[a, b, c, o],
 *
 * and ∂L/∂x is its interior (rows top..top+H−1, columns left..left+W−1).
 *
 * - stride 1 ("direct"): ∂L/∂x = conv(dy zero-padded by (kh−1−top, H+top−Ho) rows and
 *   (kw−1−left, W+left−Wo) columns, w rotated by 180° with in/out channels swapped): one stride-1 conv
 *   with the forward's arithmetic.
 * - stride s ("polyphase"): write p = s·u + r. Only taps a = s·m + r reach phase r, so
 *   ∂L/∂xp[s·u + r] = Σ_{m < M} dy[u − m] · w[s·m + r] with M = ⌈kh/s⌉. All s² phases are the output
 *   channels of ONE stride-1 conv of dy (padded by M−1 before) with an M×M filter of s²·Cin outputs
 *   (w zero-padded to M·s taps, split into phases, reversed); a depth-to-space interleaves the phases
 *   and the interior is cropped (on wasm both as one strided copy, kernels/wasm_copy_kernels.ts). Arithmetic: (M·s)²/(kh·kw) of the forward's (16/9 for 3×3, s = 2),
 *   instead of s² for the zero-inserted ("dilated") dy that tfjs's transposed conv amounts to. The
 *   interleave is a reshape/transpose (tfjs-wasm's DepthToSpace is ~20× slower).
 * - 1→1 channel, large filter ("blocked"): the direct form computed by blockedCorrelation
 *   (ops/blocked_correlation.ts), since XNNPACK runs single-channel convs at ~1 GFLOP/s.
 * - "native": tfjs's own `Conv2DBackpropInput` kernel (tf.conv2dTranspose). Slow on wasm, but on webgpu
 *   it is one dispatch (a direct gather; 38 calls took 1.2 ms of H200 time per step, results/gpu/
 *   2026-11-27-h200/census.log) where "direct" costs three (Reverse, Transpose, Conv2D) and "polyphase"
 *   about eight, each with the ≈ 60 µs host cost of a webgpu dispatch. `auto` uses it on webgpu.
 */
import { tf } from '../tf.js';
import type { ConvGeometry } from './conv_geometry.js';
import { blockedCorrelation } from '../ops/blocked_correlation.js';
import { KernelSwitch } from '../kernel_switch.js';
import { interleavePhasesOnWasm, wasmInterleaveApplies } from '../kernels/wasm_copy_kernels.js';

type T4 = tf.Tensor4D;

/** How the input gradient is computed; `auto` picks by measurement (see bench/speed_ops.ts). */
export type InputGradientMethod = 'auto' | 'direct' | 'polyphase' | 'blocked' | 'native';

/**
 * ∂L/∂x for y = conv2d(x, w) with geometry `g`, given dy = ∂L/∂y (NHWC). Uses forward convs only.
 */
export function conv2dInputGradient(dy: T4, w: T4, g: ConvGeometry, method: InputGradientMethod = 'auto'): T4 {
  const chosen = method === 'auto' ? chooseInputGradientMethod(g) : method;
  if (chosen === 'native') return tf.tidy(() => nativeInputGradient(dy, w, g));
  if (chosen === 'blocked') {
    if (!blockedApplies(g)) throw new Error('blocked input gradient needs 1→1 channels, batch 1, stride 1');
    return tf.tidy(() => blockedInputGradient(dy, w, g));
  }
  if (chosen === 'direct') {
    if (g.strideHeight !== 1 || g.strideWidth !== 1) throw new Error('direct input gradient needs stride 1');
    return tf.tidy(() => directInputGradient(dy, w, g));
  }
  return tf.tidy(() => polyphaseInputGradient(dy, w, g));
}

const nativeOnWebgpu = new KernelSwitch();

/** Whether `auto` uses tfjs's own kernel on webgpu (default true; for measurement: bench/gpu/webgpu_probe.ts); returns the previous setting. */
export function setNativeInputGradientOnWebgpu(on: boolean): boolean {
  return nativeOnWebgpu.set(on);
}

/** `native` on webgpu; else `blocked` for large 1→1 filters, `direct` for stride 1 when the needed padding of dy is non-negative, otherwise `polyphase`. */
export function chooseInputGradientMethod(g: ConvGeometry): Exclude<InputGradientMethod, 'auto'> {
  if (nativeOnWebgpu.enabled && tf.getBackend() === 'webgpu') return 'native';
  if (blockedApplies(g) && g.filterHeight * g.filterWidth >= largeFilterTaps) return 'blocked';
  if (g.strideHeight === 1 && g.strideWidth === 1 && Math.min(...directPadding(g)) >= 0) return 'direct';
  return 'polyphase';
}

/** tfjs's transposed convolution of dy with w, onto x's shape, with the forward's strides and explicit padding. */
function nativeInputGradient(dy: T4, w: T4, g: ConvGeometry): T4 {
  const pad: tf.backend_util.ExplicitPadding = [[0, 0], [g.padTop, g.padBottom], [g.padLeft, g.padRight], [0, 0]];
  return tf.conv2dTranspose(dy, w, [g.batch, g.inHeight, g.inWidth, g.inChannels], [g.strideHeight, g.strideWidth], pad);
}

/** The filter for the transposed pass: w̃[a, b, o, c] = w[kh−1−a, kw−1−b, c, o]. */
export function rotateAndSwapFilter(w: T4): T4 {
  return tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]);
}

/** Zero padding of dy (top, bottom, left, right) that makes the stride-1 transposed conv land on x. */
function directPadding(g: ConvGeometry): [number, number, number, number] {
  return [
    g.filterHeight - 1 - g.padTop,
    g.inHeight + g.padTop - g.outHeight,
    g.filterWidth - 1 - g.padLeft,
    g.inWidth + g.padLeft - g.outWidth,
  ];
}

/** Filters with at least this many taps on 1→1 channels use the blocked correlation (10× faster at 31×31). */
export const largeFilterTaps = 49;

/** Whether the blocked single-channel form applies: 1→1 channels, batch 1, stride 1, non-negative dy padding. */
export function blockedApplies(g: ConvGeometry): boolean {
  return g.inChannels === 1 && g.outChannels === 1 && g.batch === 1 && g.strideHeight === 1 && g.strideWidth === 1
    && Math.min(...directPadding(g)) >= 0;
}

/** The direct form with the 1-channel conv done by {@link blockedCorrelation}. */
function blockedInputGradient(dy: T4, w: T4, g: ConvGeometry): T4 {
  const [top, bottom, left, right] = directPadding(g);
  const padded = tf.pad(dy, [[0, 0], [top, bottom], [left, right], [0, 0]]);
  const rotated = tf.reshape(tf.reverse(w, [0, 1]), [g.filterHeight, g.filterWidth]) as tf.Tensor2D;
  return blockedCorrelation(padded, rotated);
}

function directInputGradient(dy: T4, w: T4, g: ConvGeometry): T4 {
  const [top, bottom, left, right] = directPadding(g);
  const pad: tf.backend_util.ExplicitPadding = [[0, 0], [top, bottom], [left, right], [0, 0]];
  return tf.conv2d(dy, rotateAndSwapFilter(w), 1, pad);
}

/**
 * The phase filter F[m′, n′, o, (r·s_w + t)·Cin + c] = w[s_h·(M_h−1−m′) + r, s_w·(M_w−1−n′) + t, c, o]
 * (zero where the tap index passes the filter's edge).
 */
export function polyphaseFilter(w: T4, strideHeight: number, strideWidth: number): T4 {
  const [kh, kw, cin, cout] = w.shape;
  const mh = Math.ceil(kh / strideHeight), mw = Math.ceil(kw / strideWidth);
  const padded = tf.pad(w, [[0, mh * strideHeight - kh], [0, mw * strideWidth - kw], [0, 0], [0, 0]]);
  const split = tf.reshape(padded, [mh, strideHeight, mw, strideWidth, cin, cout]);
  const ordered = tf.transpose(split, [0, 2, 5, 1, 3, 4]);
  // reverse the phase-tap axes m′, n′ on a 3-D view (the webgpu backend reverses at most 4-D tensors)
  const flat = tf.reshape(ordered, [mh, mw, cout * strideHeight * strideWidth * cin]);
  return tf.reshape(tf.reverse(flat, [0, 1]), [mh, mw, cout, strideHeight * strideWidth * cin]);
}

function polyphaseInputGradient(dy: T4, w: T4, g: ConvGeometry): T4 {
  const sh = g.strideHeight, sw = g.strideWidth;
  const rows = phaseWindow(g.padTop, g.inHeight, sh, Math.ceil(g.filterHeight / sh), g.outHeight);
  const cols = phaseWindow(g.padLeft, g.inWidth, sw, Math.ceil(g.filterWidth / sw), g.outWidth);
  let source = dy;
  if (rows.dyBegin > 0 || cols.dyBegin > 0 || rows.dyEnd < g.outHeight || cols.dyEnd < g.outWidth) {
    source = tf.slice(dy, [0, rows.dyBegin, cols.dyBegin, 0],
      [g.batch, rows.dyEnd - rows.dyBegin, cols.dyEnd - cols.dyBegin, g.outChannels]);
  }
  const pad: tf.backend_util.ExplicitPadding = [[0, 0], [rows.padBefore, rows.padAfter], [cols.padBefore, cols.padAfter], [0, 0]];
  const phases = tf.conv2d(source, polyphaseFilter(w, sh, sw), 1, pad);
  if (wasmInterleaveApplies()) {
    // the interleave and the crop as one strided copy (kernels/wasm_copy_kernels.ts)
    return interleavePhasesOnWasm(phases, { strideHeight: sh, strideWidth: sw, channels: g.inChannels,
      top: rows.cropBegin, left: cols.cropBegin, height: g.inHeight, width: g.inWidth });
  }
  const interleaved = interleavePhases(phases, sh, sw, g.inChannels);
  const [, ih, iw] = interleaved.shape;
  if (rows.cropBegin === 0 && cols.cropBegin === 0 && ih === g.inHeight && iw === g.inWidth) return interleaved;
  return tf.slice(interleaved, [0, rows.cropBegin, cols.cropBegin, 0], [g.batch, g.inHeight, g.inWidth, g.inChannels]);
}

/**
 * Along one axis: the phase rows u ∈ [u0, u1) that cover the interior [pad, pad + size) of xp, the
 * slice of dy and the zero padding that produce exactly them (row u reads dy[u − M + 1 .. u]), and
 * where the interior starts within the interleaved rows.
 */
function phaseWindow(pad: number, size: number, stride: number, taps: number, outSize: number) {
  const u0 = Math.floor(pad / stride), u1 = Math.ceil((pad + size) / stride);
  const first = u0 - taps + 1, last = u1 - 1;
  const dyBegin = Math.max(0, first), dyEnd = Math.min(outSize, last + 1);
  return {
    dyBegin, dyEnd,
    padBefore: dyBegin - first,
    padAfter: last + 1 - dyEnd,
    cropBegin: pad - u0 * stride,
  };
}

/** [N, U, V, (r·s_w + t)·C + c] → [N, U·s_h, V·s_w, C] with out[n, s_h·u + r, s_w·v + t, c]. */
function interleavePhases(phases: T4, sh: number, sw: number, channels: number): T4 {
  if (sh === 1 && sw === 1) return phases;
  const [n, u, v] = phases.shape;
  const split = tf.reshape(phases, [n, u, v, sh, sw, channels]);
  return tf.reshape(tf.transpose(split, [0, 1, 3, 2, 4, 5]), [n, u * sh, v * sw, channels]);
}
