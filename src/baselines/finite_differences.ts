/**
 * First-order finite differences ∇ = (∂h, ∂v) of a plane, on a periodic canvas (the FFT solves of
 * the image update) and on a bounded plane (the kernel update). Forward differences, as Pan et al.
 * (filters [1, −1] along rows and columns):
 *
 *     (∂h x)[r, c] = x[r, c+1] − x[r, c],   (∂v x)[r, c] = x[r+1, c] − x[r, c].
 */

/** Circular forward differences on a rows×cols canvas (indices wrap), written into gh and gv. */
export function circularGradients(x: ArrayLike<number>, rows: number, cols: number, gh: Float64Array, gv: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols, down = ((r + 1) % rows) * cols;
    for (let c = 0; c < cols - 1; c++) gh[o + c] = x[o + c + 1] - x[o + c];
    gh[o + cols - 1] = x[o] - x[o + cols - 1];
    for (let c = 0; c < cols; c++) gv[o + c] = x[down + c] - x[o + c];
  }
}

/** Adjoint of {@link circularGradients}, summed: out = ∂hᵀ gh + ∂vᵀ gv, (∂hᵀ g)[r, c] = g[r, c−1] − g[r, c]. */
export function circularGradientAdjoint(gh: ArrayLike<number>, gv: ArrayLike<number>, rows: number, cols: number, out: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols, up = ((r - 1 + rows) % rows) * cols;
    out[o] = gh[o + cols - 1] - gh[o] + gv[up] - gv[o];
    for (let c = 1; c < cols; c++) out[o + c] = gh[o + c - 1] - gh[o + c] + gv[up + c] - gv[o + c];
  }
}

/**
 * |F ∂h|² + |F ∂v|² on a rows×cols grid: (2 − 2 cos 2πv/cols) + (2 − 2 cos 2πu/rows), the Fourier
 * symbol of ∇ᵀ∇ for circular differences.
 */
export function gradientPowerSpectrum(rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let u = 0; u < rows; u++) {
    const gv = 2 - 2 * Math.cos((2 * Math.PI * u) / rows);
    for (let v = 0; v < cols; v++) out[u * cols + v] = gv + 2 - 2 * Math.cos((2 * Math.PI * v) / cols);
  }
  return out;
}

/**
 * Forward differences of a bounded width×height plane, without wrap-around: the last column of ∂h
 * and the last row of ∂v are 0 (no neighbour, no information). Returns [∂h x, ∂v x].
 */
export function boundedGradients(x: ArrayLike<number>, width: number, height: number): [Float64Array, Float64Array] {
  const gh = new Float64Array(width * height), gv = new Float64Array(width * height);
  for (let r = 0; r < height; r++) {
    const o = r * width;
    for (let c = 0; c < width - 1; c++) gh[o + c] = x[o + c + 1] - x[o + c];
    if (r < height - 1) for (let c = 0; c < width; c++) gv[o + c] = x[o + width + c] - x[o + c];
  }
  return [gh, gv];
}
