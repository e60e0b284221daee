/**
 * The filter gradient of a 2-D convolution computed with forward convolutions or plain matMuls
 * (tfjs-wasm has no `Conv2DBackpropFilter` kernel at all).
 *
 * For y = conv(xp, w) with stride s (see {@link ConvGeometry}),
 *
 *     ∂L/∂w[a, b, c, o] = Σ_{n, i, j} xp[n, s·i + a, s·j + b, c] · dy[n, i, j, o].
 *
 * - "channelsAsBatch": the sum over (i, j) is a correlation of xp with dy. With the channels of x as
 *   the batch and the batch of x as the reduced channel axis it is ONE forward conv:
 *   conv(xpᵀ [Cin, Hp, Wp, N], dyᵀ as filter [Ho, Wo, N, Cout], dilation s) → [Cin, kh, kw, Cout].
 * - "stripsAsBatch": channelsAsBatch with the image cut into horizontal strips that join the batch,
 *   so the conv reduces over many contiguous values per tap (1.2–1.7× faster from 32 channels on).
 * - "blocked" (1→1 channel, large filter): correlate_valid(xp, dy) by blockedCorrelation.
 * - "tapMatMul": one plain matMul per tap (a, b): (xp shifted by (a, b), strided by s)ᵀ · dy, with
 *   xp transposed once to [Cin, ·] so that every matMul has the fast, untransposed orientation.
 * - "flatTapMatMul": as tapMatMul on the flattened, width-padded image, where each tap's window is a
 *   contiguous row range (no strided copies); slower than it looks because every matMul repacks
 *   its large right operand.
 * - "matMul1x1": for 1×1 filters without padding, xᵀ · dy with the transpose done explicitly, in pixel
 *   chunks; for one input or output channel Σ_p x·dy as a channel sum.
 * - "batchedMatMul1x1" (webgpu's choice for 1×1 filters): the chunks as the batch of ONE product that reads
 *   xᵀ in place (webgpu's matMul transposes in its shader; tfjs-wasm's runs transposed operands slowly).
 * - "channelMajorTapMatMul": one matMul per tap with dy as the SAME right operand every time, so
 *   tfjs-wasm packs it once (its XNNPACK matMul caches the packed right operand per tensor): xp is
 *   split into its stride phases and transposed ONCE to channel-major rows [s_h·s_w, Cin, N·Hq·Wq];
 *   on that flat grid (row width Wq) the window of tap (a, b) = (s_h·m + r, s_w·n + t) is the
 *   contiguous column range starting at m·Wq + n of phase (r, t), so
 *       ∂L/∂w[a, b] = xq_{r,t}[:, m·Wq + n … + L] · dyGrid[0 … L]        ([Cin, L] · [L, Cout]),
 *   with dy zero-padded to the Hq × Wq grid (the extra grid columns and rows contribute zero).
 *   The measured-fastest method for large multi-channel maps (≈2× stripsAsBatch at 286², 48→32).
 * - "batchedTapMatMul": channelMajorTapMatMul's products as a few BATCHED matMuls, for backends where
 *   every kernel is a dispatch with a fixed host cost (webgpu: ≈ 60 µs each, results/gpu/). Each tap's
 *   window is sliced once at length C·K (the grid zero-padded at its end so every window fits) and cut
 *   into C chunks of K pixels; a group of G taps is stacked along the rows and the chunks become the batch:
 *       A = [C, G·Cin, K],  B = dy on the grid cut the same way, [C, K, Cout],
 *       ∂L/∂w[taps of the group] = Σ_c A[c] · B[c]                              ([G·Cin, Cout])
 *   (the rows of dy beyond the span are zero, so the padding adds nothing). About kh·kw + 5 kernels per
 *   group of ≤ 7 taps instead of ≈ 2·kh·kw·C; the chunks keep the GPU's tiles many and short. Slow on
 *   wasm (tfjs-wasm runs batched matMuls without XNNPACK); `auto` uses it only when set to
 *   ({@link setTapFilterGradientMethod}).
 * - "simd" (wasm's choice wherever it applies: Cin % 4 = 0, Cout % 8 = 0, filters up to 7×7, any stride): the
 *   sum above read straight from NHWC x and dy by a SIMD kernel of the project's own
 *   (kernels/wasm_filter_gradient_kernel.ts): ≈ 2× the matMul formulations at 286² (no channel-major copy,
 *   no window slices), ≈ 3× for stride 2.
 */
import { tf } from '../tf.js';
import type { ConvGeometry } from './conv_geometry.js';
import { blockedCorrelation } from '../ops/blocked_correlation.js';
import { channelSum } from '../ops/bias_add.js';
import { sumTensors } from '../ops/sum_tensors.js';
import { permute } from '../ops/permute.js';
import { blockedApplies, largeFilterTaps } from './conv2d_input_gradient.js';
import { simdFilterGradient, wasmFilterGradientApplies } from '../kernels/wasm_filter_gradient_kernel.js';

type T4 = tf.Tensor4D;

/** How the filter gradient is computed; `auto` picks by measurement (see bench/speed_ops.ts). */
export type FilterGradientMethod = 'auto' | 'blocked' | 'channelsAsBatch' | 'stripsAsBatch' | 'tapMatMul' | 'flatTapMatMul' | 'matMul1x1' | 'batchedMatMul1x1' | 'channelMajorTapMatMul' | 'batchedTapMatMul' | 'simd';

/** ∂L/∂w for y = conv2d(x, w) with geometry `g`, given x and dy = ∂L/∂y (NHWC). */
export function conv2dFilterGradient(x: T4, dy: T4, g: ConvGeometry, method: FilterGradientMethod = 'auto'): T4 {
  const chosen = method === 'auto' ? chooseFilterGradientMethod(g) : method;
  return tf.tidy(() => {
    switch (chosen) {
      case 'matMul1x1': return matMulFilterGradient1x1(x, dy, g);
      case 'batchedMatMul1x1': return batchedMatMulFilterGradient1x1(x, dy, g);
      case 'blocked': return blockedFilterGradient(x, dy, g);
      case 'stripsAsBatch': return stripsAsBatchFilterGradient(x, dy, g);
      case 'tapMatMul': return tapMatMulFilterGradient(x, dy, g);
      case 'flatTapMatMul': return flatTapMatMulFilterGradient(x, dy, g);
      case 'channelMajorTapMatMul': return channelMajorTapMatMulFilterGradient(x, dy, g, tapChunk ?? tapMatMulChunk);
      case 'batchedTapMatMul': return batchedTapMatMulFilterGradient(x, dy, g);
      case 'simd': return simdTapFilterGradient(x, dy, g);
      default: return channelsAsBatchFilterGradient(x, dy, g);
    }
  });
}

/**
 * The method `auto` uses for large stride-1 multi-channel maps: null → `channelMajorTapMatMul` (measured
 * fastest on wasm; on webgpu it is ≈ 2·9·C small dispatches per conv). `batchedTapMatMul` waits to be
 * measured on a GPU (bench/gpu/webgpu_probe.ts times both); it is slow on wasm. Set with
 * {@link setTapFilterGradientMethod}.
 */
let tapFilterGradientMethod: TapFilterGradientMethod | null = null;

/** The two per-tap matMul formulations that `auto` may pick for large stride-1 maps. */
export type TapFilterGradientMethod = 'channelMajorTapMatMul' | 'batchedTapMatMul';

/**
 * Pixels per product of `channelMajorTapMatMul` when set (null: {@link tapMatMulChunk}). For measurement on
 * webgpu (bench/gpu/webgpu_probe.ts): Infinity makes one product per tap, which tfjs-webgpu runs as its
 * split-K matMul (K ≥ 2000 with few output tiles), 2 dispatches per tap instead of 2 per tap and chunk.
 */
let tapChunk: number | null = null;

/** Sets {@link tapChunk}; returns the previous setting. */
export function setTapFilterGradientChunk(chunk: number | null): number | null {
  if (chunk !== null && !(chunk >= 1)) throw new RangeError(`setTapFilterGradientChunk: chunk must be at least 1, got ${chunk}`);
  const previous = tapChunk;
  tapChunk = chunk;
  return previous;
}

/** Sets the method `auto` uses for large stride-1 maps on every backend (null: the default); returns the previous setting. */
export function setTapFilterGradientMethod(method: TapFilterGradientMethod | null): TapFilterGradientMethod | null {
  const previous = tapFilterGradientMethod;
  tapFilterGradientMethod = method;
  return previous;
}

/** The measured-fastest method for this geometry. */
export function chooseFilterGradientMethod(g: ConvGeometry): Exclude<FilterGradientMethod, 'auto'> {
  if (simdApplies(g)) return 'simd';
  if (isPointwise(g)) return tf.getBackend() === 'webgpu' && g.inChannels > 1 && g.outChannels > 1 ? 'batchedMatMul1x1' : 'matMul1x1';
  if (blockedApplies(g) && g.filterHeight * g.filterWidth >= largeFilterTaps) return 'blocked';
  const strideOne = g.strideHeight === 1 && g.strideWidth === 1;
  if (strideOne && g.inChannels >= 8 && g.filterHeight * g.filterWidth <= 9 && g.outHeight * g.outWidth >= 256) {
    return tapFilterGradientMethod ?? 'channelMajorTapMatMul';
  }
  if (g.inChannels >= 8 && g.outHeight >= 2 * filterGradientStripRows) return 'stripsAsBatch';
  return 'channelsAsBatch';
}

/** Largest filter side the SIMD kernel is chosen for (larger single-channel filters go to `blocked`). */
const simdMaxFilterSide = 7;

function simdApplies(g: ConvGeometry): boolean {
  return wasmFilterGradientApplies(g.inChannels, g.outChannels)
    && g.filterHeight <= simdMaxFilterSide && g.filterWidth <= simdMaxFilterSide
    && g.outHeight >= 1 && g.outWidth >= 1 && g.batch >= 1;
}

/** The "simd" method: x zero-padded by the geometry's padding (where it has any), then the SIMD kernel. */
function simdTapFilterGradient(x: T4, dy: T4, g: ConvGeometry): T4 {
  const padded = g.padTop || g.padBottom || g.padLeft || g.padRight;
  const xp = padded ? tf.pad(x, [[0, 0], [g.padTop, g.padBottom], [g.padLeft, g.padRight], [0, 0]]) : x;
  return simdFilterGradient(xp, dy, g.filterHeight, g.filterWidth, g.strideHeight, g.strideWidth);
}

function isPointwise(g: ConvGeometry): boolean {
  return g.filterHeight === 1 && g.filterWidth === 1 && g.strideHeight === 1 && g.strideWidth === 1
    && g.padTop === 0 && g.padLeft === 0 && g.outHeight === g.inHeight && g.outWidth === g.inWidth;
}

/** ∂L/∂w = correlate_valid(xp, dy) for 1→1 channels: the blocked single-channel correlation with dy as the filter. */
function blockedFilterGradient(x: T4, dy: T4, g: ConvGeometry): T4 {
  const xp = tf.pad(x, [[0, 0], [g.padTop, g.padBottom], [g.padLeft, g.padRight], [0, 0]]);
  const taps = blockedCorrelation(xp, tf.reshape(dy, [g.outHeight, g.outWidth]) as tf.Tensor2D);
  return tf.reshape(taps, [g.filterHeight, g.filterWidth, 1, 1]);
}

function channelsAsBatchFilterGradient(x: T4, dy: T4, g: ConvGeometry): T4 {
  const xT = permute(x, [3, 1, 2, 0]);
  const dyT = permute(dy, [1, 2, 0, 3]);
  const pad: tf.backend_util.ExplicitPadding = [[0, 0], [g.padTop, g.padBottom], [g.padLeft, g.padRight], [0, 0]];
  const dilations: [number, number] = [g.strideHeight, g.strideWidth];
  const full = tf.conv2d(xT, dyT, 1, pad, 'NHWC', dilations);
  const taps = full.shape[1] === g.filterHeight && full.shape[2] === g.filterWidth
    ? full
    : tf.slice(full, [0, 0, 0, 0], [g.inChannels, g.filterHeight, g.filterWidth, g.outChannels]);
  return permute(taps, [1, 2, 0, 3]);
}

function tapMatMulFilterGradient(x: T4, dy: T4, g: ConvGeometry): T4 {
  const xp = tf.pad(x, [[0, 0], [g.padTop, g.padBottom], [g.padLeft, g.padRight], [0, 0]]);
  const xT = tf.transpose(xp, [3, 0, 1, 2]);
  const dyFlat = tf.reshape(dy, [-1, g.outChannels]);
  const rows: tf.Tensor2D[] = [];
  for (let a = 0; a < g.filterHeight; a++) {
    for (let b = 0; b < g.filterWidth; b++) {
      const end = [g.inChannels, g.batch, a + g.strideHeight * (g.outHeight - 1) + 1, b + g.strideWidth * (g.outWidth - 1) + 1];
      const shifted = tf.stridedSlice(xT, [0, 0, a, b], end, [1, 1, g.strideHeight, g.strideWidth]);
      rows.push(tf.matMul(tf.reshape(shifted, [g.inChannels, -1]), dyFlat));
    }
  }
  return tf.reshape(tf.stack(rows), [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels]);
}

/**
 * 1×1 filter gradient ∂L/∂w[0, 0, c, o] = Σ_p x[p, c]·dy[p, o]: xᵀ (transposed explicitly) times dy,
 * with the pixel sum cut into chunks of {@link tapMatMulChunk} (one long reduction streams both operands
 * from memory; chunked ≈ 1.3× faster at 286², 32→32). For one input or output channel a broadcast
 * product and a channel sum (≈ 2× faster than XNNPACK's matMul with a single row, or than transposing x).
 */
function matMulFilterGradient1x1(x: T4, dy: T4, g: ConvGeometry, chunk = tapMatMulChunk): T4 {
  const pixels = g.batch * g.outHeight * g.outWidth;
  if (g.inChannels === 1 || g.outChannels === 1) return tf.reshape(channelSum(tf.mul(dy, x) as T4), [1, 1, g.inChannels, g.outChannels]);
  const xT = tf.transpose(tf.reshape(x, [pixels, g.inChannels]));
  const dyFlat = tf.reshape(dy, [pixels, g.outChannels]);
  if (pixels <= chunk) return tf.reshape(tf.matMul(xT, dyFlat), [1, 1, g.inChannels, g.outChannels]);
  const partials: tf.Tensor2D[] = [];
  for (let start = 0; start < pixels; start += chunk) {
    const length = Math.min(chunk, pixels - start);
    partials.push(tf.matMul(tf.slice(xT, [0, start], [g.inChannels, length]), tf.slice(dyFlat, [start, 0], [length, g.outChannels])));
  }
  return tf.reshape(sumTensors(partials), [1, 1, g.inChannels, g.outChannels]);
}

/**
 * The 1×1 filter gradient in at most four webgpu dispatches instead of a transpose plus two slices and a
 * matMul per chunk: the pixels cut into C equal chunks of K ≤ `chunk` (C dividing the pixel count where
 * one is near, else zero rows appended), the chunks as the batch of ONE product with the transposed
 * operand read in place (webgpu's matMul transposes in its shader, unlike tfjs-wasm's):
 *
 *     ∂L/∂w = Σ_c X[c]ᵀ · DY[c],   X = x as [C, K, Cin],  DY = dy as [C, K, Cout]
 *
 * (many short reductions keep the GPU's tiles many, as in {@link batchedTapMatMulFilterGradient}).
 */
export function batchedMatMulFilterGradient1x1(x: T4, dy: T4, g: ConvGeometry, chunk = tapMatMulChunk): T4 {
  const pixels = g.batch * g.outHeight * g.outWidth;
  const cin = g.inChannels, cout = g.outChannels;
  const x2 = tf.reshape(x, [pixels, cin]), dy2 = tf.reshape(dy, [pixels, cout]);
  if (pixels <= chunk) return tf.reshape(tf.matMul(x2, dy2, true, false), [1, 1, cin, cout]);
  const fewest = Math.ceil(pixels / chunk);
  let chunks = fewest;
  while (chunks < 2 * fewest && pixels % chunks !== 0) chunks++;
  const even = pixels % chunks === 0;
  if (!even) chunks = fewest;
  const length = even ? pixels / chunks : chunk;
  const padRows = (t: tf.Tensor) => (even ? t : tf.pad(t, [[0, chunks * length - pixels], [0, 0]]));
  const xs = tf.reshape(padRows(x2), [chunks, length, cin]) as tf.Tensor3D;
  const dys = tf.reshape(padRows(dy2), [chunks, length, cout]) as tf.Tensor3D;
  return tf.reshape(tf.sum(tf.matMul(xs, dys, true, false), 0), [1, 1, cin, cout]);
}

/**
 * xp split into its s_h·s_w stride phases, each flattened: out[r, t][(n·Hq + u)·Wq + v, c] =
 * xp[n, s_h·u + r, s_w·v + t, c], Hq = ⌈Hp/s_h⌉ + 1 (one spare phase row so that every tap's window
 * stays inside), Wq = ⌈Wp/s_w⌉.
 */
function flatPhases(x: T4, g: ConvGeometry): { phases: tf.Tensor2D[]; hq: number; wq: number } {
  const sh = g.strideHeight, sw = g.strideWidth;
  const hp = g.inHeight + g.padTop + g.padBottom, wp = g.inWidth + g.padLeft + g.padRight;
  const hq = Math.ceil(hp / sh) + 1, wq = Math.ceil(wp / sw);
  const xp = tf.pad(x, [[0, 0], [g.padTop, hq * sh - hp + g.padBottom], [g.padLeft, wq * sw - wp + g.padRight], [0, 0]]);
  if (sh === 1 && sw === 1) return { phases: [tf.reshape(xp, [-1, g.inChannels])], hq, wq };
  const split = tf.reshape(xp, [g.batch, hq, sh, wq, sw, g.inChannels]);
  const byPhase = tf.transpose(split, [2, 4, 0, 1, 3, 5]);
  const flat = tf.reshape(byPhase, [sh * sw, g.batch * hq * wq, g.inChannels]);
  return { phases: tf.unstack(flat) as tf.Tensor2D[], hq, wq };
}

function flatTapMatMulFilterGradient(x: T4, dy: T4, g: ConvGeometry): T4 {
  const sh = g.strideHeight, sw = g.strideWidth;
  const { phases, hq, wq } = flatPhases(x, g);
  const dyGrid = tf.pad(dy, [[0, 0], [0, hq - g.outHeight], [0, wq - g.outWidth], [0, 0]]);
  const rowsPerTap = g.batch * hq * wq - (Math.ceil(g.filterHeight / sh)) * wq;
  const dyT = tf.transpose(tf.slice(tf.reshape(dyGrid, [-1, g.outChannels]), [0, 0], [rowsPerTap, g.outChannels]));
  const taps: tf.Tensor2D[] = [];
  for (let a = 0; a < g.filterHeight; a++) {
    for (let b = 0; b < g.filterWidth; b++) {
      const phase = phases[(a % sh) * sw + (b % sw)];
      const offset = Math.floor(a / sh) * wq + Math.floor(b / sw);
      taps.push(tf.matMul(dyT, tf.slice(phase, [offset, 0], [rowsPerTap, g.inChannels])));
    }
  }
  const stacked = tf.reshape(tf.stack(taps), [g.filterHeight, g.filterWidth, g.outChannels, g.inChannels]);
  return tf.transpose(stacked, [0, 1, 3, 2]) as T4;
}

/** Output rows per strip in `stripsAsBatch` (measured best of 4…64 on 128² and 256² inputs, 32–64 channels). */
export const filterGradientStripRows = 16;

/**
 * Like channelsAsBatch, but the image is first cut into S horizontal strips of `rows` output rows
 * (each with the kh − s extra input rows its taps reach), and the strips join the batch: the conv
 * then reduces over S·N contiguous values per tap instead of N (= 1), which XNNPACK runs ~2× faster.
 */
export function stripsAsBatchFilterGradient(x: T4, dy: T4, g: ConvGeometry, stripRows = filterGradientStripRows): T4 {
  const s = g.strideHeight;
  // every window must fit in its own strip plus the next one: kh − s ≤ rows·s
  const rows = Math.max(Math.min(stripRows, g.outHeight), Math.ceil((g.filterHeight - s) / s));
  const strips = Math.ceil(g.outHeight / rows);
  const { windows, windowRows } = overlappingRowWindows(x, g, rows, strips);
  const wp = windows.shape[3];
  // [N, S, Ls, Wp, Cin] → [Cin, Ls, Wp, S, N] → [Cin, Ls, Wp, S·N]
  const xT = tf.reshape(tf.transpose(windows, [4, 2, 3, 1, 0]), [g.inChannels, windowRows, wp, strips * g.batch]);
  const dyRows = strips * rows === g.outHeight ? dy : tf.pad(dy, [[0, 0], [0, strips * rows - g.outHeight], [0, 0], [0, 0]]);
  // [N, S, rows, Wo, Cout] → [rows, Wo, S, N, Cout] → [rows, Wo, S·N, Cout]
  const dyT = tf.reshape(tf.transpose(tf.reshape(dyRows, [g.batch, strips, rows, g.outWidth, g.outChannels]), [2, 3, 1, 0, 4]),
    [rows, g.outWidth, strips * g.batch, g.outChannels]);
  const dilations: [number, number] = [g.strideHeight, g.strideWidth];
  const full = tf.conv2d(xT as T4, dyT as T4, 1, 'valid', 'NHWC', dilations);
  const taps = full.shape[1] === g.filterHeight && full.shape[2] === g.filterWidth
    ? full
    : tf.slice(full, [0, 0, 0, 0], [g.inChannels, g.filterHeight, g.filterWidth, g.outChannels]);
  return permute(taps, [1, 2, 0, 3]);
}

/**
 * The zero-padded input cut into S overlapping row windows: window k holds xp rows
 * [k·rows·s, k·rows·s + Ls), Ls = (rows − 1)·s + kh, as [N, S, Ls, Wp, Cin]. Built from two
 * contiguous blocks (the strips, and the same shifted by one strip for the overlap) and one concat,
 * because tfjs-wasm's Slice and Gather are slow on large tensors.
 */
function overlappingRowWindows(x: T4, g: ConvGeometry, rows: number, strips: number): { windows: tf.Tensor5D; windowRows: number } {
  const s = g.strideHeight;
  const step = rows * s;
  const windowRows = (rows - 1) * s + g.filterHeight;
  const halo = windowRows - step;
  const totalRows = (strips + 1) * step;
  const bottom = totalRows - g.inHeight - g.padTop;
  const xp = bottom >= 0
    ? tf.pad(x, [[0, 0], [g.padTop, bottom], [g.padLeft, g.padRight], [0, 0]])
    : tf.slice(tf.pad(x, [[0, 0], [g.padTop, g.padBottom], [g.padLeft, g.padRight], [0, 0]]), 0, [g.batch, totalRows]);
  const wp = xp.shape[2];
  const rowSize = wp * g.inChannels;
  const blocks = tf.reshape(xp, [g.batch, strips + 1, step * rowSize]);
  if (halo <= 0) {
    const main = tf.slice(blocks, [0, 0, 0], [g.batch, strips, windowRows * rowSize]);
    return { windows: tf.reshape(main, [g.batch, strips, windowRows, wp, g.inChannels]) as tf.Tensor5D, windowRows };
  }
  const main = tf.reshape(tf.slice(blocks, [0, 0, 0], [g.batch, strips, step * rowSize]), [g.batch * strips, step * rowSize]);
  const next = tf.reshape(tf.slice(blocks, [0, 1, 0], [g.batch, strips, halo * rowSize]), [g.batch * strips, halo * rowSize]);
  const joined = tf.concat([main, next], 1);
  return { windows: tf.reshape(joined, [g.batch, strips, windowRows, wp, g.inChannels]) as tf.Tensor5D, windowRows };
}

/**
 * The phase grid of {@link channelMajorTapMatMulFilterGradient}: taps per phase M = ⌈k/s⌉ along each
 * axis, grid Hq ≥ max(⌈Hp/s_h⌉, Ho + M_h) rows (one spare row so every tap's window stays inside)
 * and Wq ≥ max(⌈Wp/s_w⌉, Wo + M_w − 1) columns (no window wraps onto the next row for a valid output).
 */
function phaseGrid(g: ConvGeometry) {
  const sh = g.strideHeight, sw = g.strideWidth;
  const mh = Math.ceil(g.filterHeight / sh), mw = Math.ceil(g.filterWidth / sw);
  const hp = g.inHeight + g.padTop + g.padBottom, wp = g.inWidth + g.padLeft + g.padRight;
  const hq = Math.max(Math.ceil(hp / sh), g.outHeight + mh);
  const wq = Math.max(Math.ceil(wp / sw), g.outWidth + mw - 1);
  return { sh, sw, mh, mw, hp, wp, hq, wq };
}

/** xp split into its stride phases, channel-major: [N, Hq, s_h, Wq, s_w, Cin] → [s_h·s_w, Cin, N·Hq·Wq] (the grid of {@link phaseGrid}). */
function channelMajorPhases(x: T4, g: ConvGeometry): tf.Tensor3D {
  const { sh, sw, hp, wp, hq, wq } = phaseGrid(g);
  const n = g.batch, cin = g.inChannels, grid = n * hq * wq;
  const xp = tf.pad(x, [[0, 0], [g.padTop, hq * sh - hp + g.padBottom], [g.padLeft, wq * sw - wp + g.padRight], [0, 0]]);
  return (sh === 1 && sw === 1
    ? tf.reshape(permute(tf.reshape(xp, [grid, cin]), [1, 0]), [1, cin, grid])
    : tf.reshape(tf.transpose(tf.reshape(xp, [n, hq, sh, wq, sw, cin]), [2, 4, 5, 0, 1, 3]), [sh * sw, cin, grid])) as tf.Tensor3D;
}

/** Where tap (a, b)'s window starts in {@link channelMajorPhases}: its phase row and its column offset on the grid. */
function tapWindow(a: number, b: number, sh: number, sw: number, wq: number): { phase: number; offset: number } {
  return { phase: (a % sh) * sw + (b % sw), offset: Math.floor(a / sh) * wq + Math.floor(b / sw) };
}

/**
 * Pixels per matMul in {@link channelMajorTapMatMulFilterGradient}: the pixel sum is cut into chunks
 * so that each product's operands stay in cache (XNNPACK's GEMM streams the whole reduction axis).
 */
export const tapMatMulChunk = 8192;

/**
 * ∂L/∂w by the "channelMajorTapMatMul" formulation (module comment): for each tap (a, b) = (s_h·m + r, s_w·n + t),
 *
 *     ∂L/∂w[a, b] = Σ_chunks xq_{r,t}[:, m·Wq + n + start … + len] · dyGrid[start … + len]      ([Cin, len] · [len, Cout]),
 *
 * with the pixel sum cut into chunks of `chunk` pixels. Exported for the speed benchmark and the tests.
 */
export function channelMajorTapMatMulFilterGradient(x: T4, dy: T4, g: ConvGeometry, chunk = tapMatMulChunk): T4 {
  const { sh, sw, mh, mw, hq, wq } = phaseGrid(g);
  const n = g.batch, cin = g.inChannels, cout = g.outChannels;
  const phases = channelMajorPhases(x, g);
  const span = n * hq * wq - ((mh - 1) * wq + (mw - 1));
  const dyGrid = tf.pad(dy, [[0, 0], [0, hq - g.outHeight], [0, wq - g.outWidth], [0, 0]]);
  const dyFlat = tf.slice(tf.reshape(dyGrid, [n * hq * wq, cout]), [0, 0], [span, cout]) as tf.Tensor2D;
  const partials: tf.Tensor2D[][] = Array.from({ length: g.filterHeight * g.filterWidth }, () => []);
  for (let start = 0; start < span; start += chunk) {
    const length = Math.min(chunk, span - start);
    const dyChunk = length === span ? dyFlat : tf.slice(dyFlat, [start, 0], [length, cout]);
    for (let a = 0; a < g.filterHeight; a++) {
      for (let b = 0; b < g.filterWidth; b++) {
        const { phase, offset } = tapWindow(a, b, sh, sw, wq);
        const window = tf.reshape(tf.slice(phases, [phase, 0, offset + start], [1, cin, length]), [cin, length]) as tf.Tensor2D;
        partials[a * g.filterWidth + b].push(tf.matMul(window, dyChunk));
      }
    }
  }
  const taps = partials.map((p) => sumTensors(p));
  return tf.reshape(tf.stack(taps), [g.filterHeight, g.filterWidth, cin, cout]);
}

/** Taps per batched product in {@link batchedTapMatMulFilterGradient}: a concat of ≤ 7 inputs fits WebGPU's 8 storage buffers. */
export const batchedTapGroup = 7;

/** Largest stacked operand A (bytes) of one batched product: fewer taps per group beyond it (browser GPUs cap buffers, often at 128 MiB). */
export const batchedTapMaxBytes = 64 << 20;

/**
 * ∂L/∂w by the "batchedTapMatMul" formulation (module comment): taps in groups of G, each group one
 * batched product over C pixel chunks of length K = `chunk`,
 *
 *     ∂L/∂w[taps of the group] = Σ_c A[c] · B[c],   A = [C, G·Cin, K],  B = [C, K, Cout].
 *
 * Exported for the speed benchmark, the GPU probe and the tests.
 */
export function batchedTapMatMulFilterGradient(x: T4, dy: T4, g: ConvGeometry, chunk = tapMatMulChunk): T4 {
  const { sh, sw, mh, mw, hq, wq } = phaseGrid(g);
  const n = g.batch, cin = g.inChannels, cout = g.outChannels;
  const grid = n * hq * wq;
  const maxOffset = (mh - 1) * wq + (mw - 1);
  const span = grid - maxOffset;
  const chunks = Math.ceil(span / chunk);
  const length = chunks * chunk;
  // the channel-major phases, then zeros at the end so every window of `length` fits
  const grouped = channelMajorPhases(x, g);
  const tail = maxOffset + length - grid;
  const phases = tail > 0 ? tf.pad(grouped, [[0, 0], [0, 0], [0, tail]]) : grouped;
  // dy on the grid, zero beyond the span, cut into the chunks: [C, K, Cout]
  const dyFlat = tf.reshape(tf.pad(dy, [[0, 0], [0, hq - g.outHeight], [0, wq - g.outWidth], [0, 0]]), [grid, cout]);
  const dyLong = length > grid ? tf.pad(dyFlat, [[0, length - grid], [0, 0]]) : length < grid ? tf.slice(dyFlat, [0, 0], [length, cout]) : dyFlat;
  const dyChunks = tf.reshape(dyLong, [chunks, chunk, cout]) as tf.Tensor3D;
  const taps = g.filterHeight * g.filterWidth;
  const perGroup = Math.max(1, Math.min(batchedTapGroup, Math.floor(batchedTapMaxBytes / (4 * cin * length))));
  const groups: tf.Tensor2D[] = [];
  for (let first = 0; first < taps; first += perGroup) {
    const windows: tf.Tensor2D[] = [];
    for (let t = first; t < Math.min(taps, first + perGroup); t++) {
      const a = Math.floor(t / g.filterWidth), b = t % g.filterWidth;
      const { phase, offset } = tapWindow(a, b, sh, sw, wq);
      windows.push(tf.reshape(tf.slice(phases, [phase, 0, offset], [1, cin, length]), [cin, length]) as tf.Tensor2D);
    }
    const rows = windows.length * cin;
    const stacked = windows.length === 1 ? windows[0] : tf.concat(windows, 0);
    // [G·Cin, C, K] → [C, G·Cin, K]; Σ_c A[c]·B[c] → [G·Cin, Cout]
    const a3 = permute(tf.reshape(stacked, [rows, chunks, chunk]), [1, 0, 2]) as tf.Tensor3D;
    groups.push(tf.sum(tf.matMul(a3, dyChunks), 0) as tf.Tensor2D);
  }
  const all = groups.length === 1 ? groups[0] : tf.concat(groups, 0);
  return tf.reshape(all, [g.filterHeight, g.filterWidth, cin, cout]);
}
