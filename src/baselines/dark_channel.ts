/**
 * The dark channel of Pan, Sun, Pfister & Yang, "Blind image deblurring using dark channel prior"
 * (CVPR 2016), for a gray plane:
 *
 *     D(x)(p) = min_{q ∈ N(p)} x(q),
 *
 * N(p) the patch × patch window centred on p (clipped at the borders). Blur averages dark pixels
 * with brighter neighbours, so the dark channel of a sharp image is sparser than that of its blurred
 * version; the prior is λ‖D(x)‖₀. Pan et al. make the non-linear D linear at the current estimate,
 * D(x) = M x with M the selection of each window's darkest pixel J(p), and solve the ‖·‖₀ term by
 * half-quadratic splitting with u ≈ D(x):
 *
 *     u = D(x) where D(x)² ≥ λ/α, else 0                    (the L0 proximal step)
 *     Mᵀu: x with each selected pixel J(p) replaced by u(p)  (Pan et al.'s "assign back")
 *
 * and the image update then contains the term α‖x − Mᵀu‖² (see l0_image_update.ts).
 */

/** The dark channel D(x) and, for every pixel, the index J(p) of its window's darkest pixel. */
export interface DarkChannel {
  readonly values: Float64Array;
  readonly argmin: Int32Array;
}

/**
 * Sliding-window minimum with the minimiser's position along one line: out[i] = min over
 * [i − r, i + r] ∩ [0, n) of value(j), using a monotone deque (O(n) per line).
 */
function lineMin(n: number, r: number, value: (j: number) => number, store: (i: number, v: number, j: number) => void, deque: Int32Array): void {
  let head = 0, tail = 0;
  let next = 0; // next index to push
  for (let i = 0; i < n; i++) {
    const hi = Math.min(n - 1, i + r);
    for (; next <= hi; next++) {
      const v = value(next);
      while (tail > head && value(deque[tail - 1]) >= v) tail--;
      deque[tail++] = next;
    }
    while (deque[head] < i - r) head++;
    const j = deque[head];
    store(i, value(j), j);
  }
}

/**
 * The dark channel of a rows×cols plane with a patch×patch window (patch odd; an even size uses
 * radius ⌊patch/2⌋), by separable sliding minima: first along rows, then along columns of the
 * row minima (the minimum of a rectangle is the minimum of its rows' minima), keeping the argmin.
 */
export function darkChannel(x: ArrayLike<number>, rows: number, cols: number, patch: number): DarkChannel {
  const r = Math.max(0, Math.floor(patch / 2));
  const rowMin = new Float64Array(rows * cols);
  const rowArg = new Int32Array(rows * cols);
  const deque = new Int32Array(Math.max(rows, cols));
  for (let y = 0; y < rows; y++) {
    const o = y * cols;
    lineMin(cols, r, (j) => x[o + j], (i, v, j) => { rowMin[o + i] = v; rowArg[o + i] = o + j; }, deque);
  }
  const values = new Float64Array(rows * cols);
  const argmin = new Int32Array(rows * cols);
  for (let c = 0; c < cols; c++) {
    lineMin(rows, r, (j) => rowMin[j * cols + c], (i, v, j) => { values[i * cols + c] = v; argmin[i * cols + c] = rowArg[j * cols + c]; }, deque);
  }
  return { values, argmin };
}

/**
 * Pan et al.'s half-quadratic step for λ‖D(x)‖₀ with penalty α: u = D(x) thresholded at
 * D(x)² < λ/α, assigned back (Mᵀu): a copy of x in which every pixel J(p) whose window's dark value
 * was thresholded is set to 0. The image update pulls x towards this target with weight α.
 */
export function darkChannelTarget(x: ArrayLike<number>, rows: number, cols: number, patch: number, lambda: number, alpha: number): Float64Array {
  const { values, argmin } = darkChannel(x, rows, cols, patch);
  const target = Float64Array.from(x);
  const t = lambda / alpha;
  for (let p = 0; p < values.length; p++) {
    if (values[p] * values[p] < t) target[argmin[p]] = 0;
  }
  return target;
}
