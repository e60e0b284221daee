/**
 * A single real-valued 2-D array (one image channel, or a kernel): the operand type of the blur
 * operators. A gray {@link Image} and a {@link Kernel} are both structurally `Plane`s.
 */
export interface Plane {
  /** Number of columns. */
  readonly width: number;
  /** Number of rows. */
  readonly height: number;
  /** Row-major samples, length width·height; sample (x, y) at index y·width + x. */
  readonly data: Float32Array;
}

/** A zero-filled plane of the given shape. */
export function createPlane(width: number, height: number): Plane {
  return { width, height, data: new Float32Array(width * height) };
}

/** Inner product ⟨a, b⟩ = Σ a[i]·b[i] in float64 (planes of equal size), used by the adjointness checks. */
export function planeDot(a: Plane, b: Plane): number {
  if (a.width !== b.width || a.height !== b.height) throw new RangeError(`planeDot: ${a.width}×${a.height} vs ${b.width}×${b.height}`);
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += a.data[i] * b.data[i];
  return s;
}
