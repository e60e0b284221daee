/**
 * Fast single-channel 'valid' correlation with a large filter (the data term's image ⊛ kernel):
 *
 *     y[n, i, j] = Σ_{a < kh, e < kw} x[n, i + a, j + e] · f[a, e].
 *
 * XNNPACK runs this 1→1-channel conv at ~1 GFLOP/s. Cutting the image into b×b blocks turns it into a
 * b²→b²-channel conv with a ⌈(kh+b−1)/b⌉-tap filter, which XNNPACK runs an order of magnitude faster:
 *
 *     X[n, I, J, (r, c)] = x[n, b·I + r, b·J + c]                         (space-to-depth)
 *     F[A, B, (r′, c′), (r, c)] = f[b·A + r′ − r, b·B + c′ − c]           (0 outside the filter)
 *     Y = conv_valid(X, F),   y[n, b·I + r, b·J + c] = Y[n, I, J, (r, c)]  (depth-to-space)
 *
 * since b·(I + A) + r′ = b·I + r + a exactly when a = b·A + r′ − r. Every step is a tfjs op with a
 * gradient, so the result is differentiable in x and f (the filter gradient flows into f through F).
 */
import { tf } from '../tf.js';

type T4 = tf.Tensor4D;

/** Block size used when none is given (measured on 286² ⊛ 31², see bench/speed_ops.ts). */
export const defaultCorrelationBlock = 4;

/** x: [N, H, W, 1], f: [kh, kw] → [N, H − kh + 1, W − kw + 1, 1], the 'valid' correlation of x with f. */
export function blockedCorrelation(x: T4, f: tf.Tensor2D, block = defaultCorrelationBlock): T4 {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    if (c !== 1) throw new Error(`blockedCorrelation: x must have 1 channel, got ${c}`);
    const [kh, kw] = f.shape;
    const outH = h - kh + 1, outW = w - kw + 1;
    if (outH < 1 || outW < 1) throw new Error(`blockedCorrelation: filter ${kh}×${kw} larger than input ${h}×${w}`);
    const b = block;
    const blocksOutH = Math.ceil(outH / b), blocksOutW = Math.ceil(outW / b);
    const tapsH = Math.floor((b - 1 + kh - 1) / b) + 1, tapsW = Math.floor((b - 1 + kw - 1) / b) + 1;
    const blocksInH = blocksOutH + tapsH - 1, blocksInW = blocksOutW + tapsW - 1;
    const fitted = fitSize(x, blocksInH * b, blocksInW * b);
    const X = spaceToDepth(fitted, b);
    const F = blockFilter(f, b, tapsH, tapsW);
    const Y = tf.conv2d(X, F, 1, 'valid');
    const y = depthToSpace(Y, b);
    return outH === y.shape[1] && outW === y.shape[2] ? y : tf.slice(y, [0, 0, 0, 0], [n, outH, outW, 1]);
  });
}

/** Zero-pads (bottom/right) or crops x to exactly rows × cols. */
function fitSize(x: T4, rows: number, cols: number): T4 {
  const [n, h, w] = x.shape;
  let out = x;
  if (h > rows || w > cols) out = tf.slice(out, [0, 0, 0, 0], [n, Math.min(h, rows), Math.min(w, cols), 1]);
  const [, h2, w2] = out.shape;
  if (h2 < rows || w2 < cols) out = tf.pad(out, [[0, 0], [0, rows - h2], [0, cols - w2], [0, 0]]);
  return out;
}

/** [N, b·H, b·W, 1] → [N, H, W, b²] with channel r·b + c holding pixel (b·I + r, b·J + c). */
function spaceToDepth(x: T4, b: number): T4 {
  const [n, h, w] = x.shape;
  const split = tf.reshape(x, [n, h / b, b, w / b, b]);
  return tf.reshape(tf.transpose(split, [0, 1, 3, 2, 4]), [n, h / b, w / b, b * b]);
}

/** Inverse of {@link spaceToDepth}: [N, H, W, b²] → [N, b·H, b·W, 1]. */
function depthToSpace(y: T4, b: number): T4 {
  const [n, h, w] = y.shape;
  const split = tf.reshape(y, [n, h, w, b, b]);
  return tf.reshape(tf.transpose(split, [0, 1, 3, 2, 4]), [n, h * b, w * b, 1]);
}

/**
 * F[A, B, (r′, c′), (r, c)] = f[b·A + r′ − r, b·B + c′ − c], as [tapsH, tapsW, b², b²]: the b² shifted
 * copies of f are one small conv of the padded f with b² one-hot b×b filters, then space-to-depth.
 */
function blockFilter(f: tf.Tensor2D, b: number, tapsH: number, tapsW: number): T4 {
  const [kh, kw] = f.shape;
  const padded = tf.pad(f, [[b - 1, tapsH * b - kh], [b - 1, tapsW * b - kw]]);
  const shifts = tf.conv2d(tf.reshape(padded, [1, tapsH * b + b - 1, tapsW * b + b - 1, 1]) as T4, shiftFilters(b), 1, 'valid');
  // shifts[0, u, v, (r, c)] = padded[u + b − 1 − r, v + b − 1 − c] = f[u − r, v − c]
  const split = tf.reshape(shifts, [tapsH, b, tapsW, b, b * b]);
  return tf.reshape(tf.transpose(split, [0, 2, 1, 3, 4]), [tapsH, tapsW, b * b, b * b]);
}

/** D[α, β, 0, r·b + c] = 1 where α = b − 1 − r and β = b − 1 − c. */
function shiftFilters(b: number): T4 {
  const d = new Float32Array(b * b * b * b);
  for (let r = 0; r < b; r++) for (let c = 0; c < b; c++) {
    const alpha = b - 1 - r, beta = b - 1 - c;
    d[(alpha * b + beta) * b * b + r * b + c] = 1;
  }
  return tf.tensor4d(d, [b, b, 1, b * b]);
}
