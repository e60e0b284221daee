/**
 * Motion-blur simulator: random camera-shake trajectories (Boracchi & Foi, "Modeling the
 * performance of image restoration from motion blur", IEEE TIP 2012) rasterised with sub-pixel
 * accuracy into a k×k PSF.
 *
 * Trajectory (complex positions x_t, T samples, step length Δ = L/(T−1) so the path length is L):
 *
 *     v₀ = Δ·e^{iφ₀},  φ₀ ~ U(0, 2π)
 *     dv_t = J_t + α·( g·(n₁ + i n₂) − c·x_t )·Δ          n₁, n₂ ~ N(0, 1)
 *     v_{t+1} = Δ · (v_t + dv_t)/|v_t + dv_t|,   x_{t+1} = x_t + v_{t+1}
 *
 * with α the "anxiety" (shakiness), g ~ U(0, 10) the random-direction gain, c ~ U(0, 0.7) the pull
 * back towards the start, and impulsive jerks J_t = 2 v_t e^{i(π + U(−½, ½))} with probability
 * p·α per step, p ~ U(0, 0.2) (abrupt reversals).
 *
 * Rasterisation: every sample deposits weight 1/T (its dwell time) bilinearly onto the four pixels
 * around it (anti-aliased, sub-pixel accurate). The path is placed with its centroid on the kernel
 * centre (⌊k/2⌋, ⌊k/2⌋) and, if needed, shrunk about it to fit inside the k×k canvas.
 */
import { SdiError } from '../../errors.js';
import type { Rng } from '../../rng.js';
import type { Kernel } from '../kernel.js';

/** A sampled 2-D path (pixels; x to the right, y down). */
export interface Trajectory {
  readonly x: Float64Array;
  readonly y: Float64Array;
}

/** Parameters of a random camera-shake trajectory. */
export interface TrajectoryOptions {
  /** Path length L in pixels. */
  readonly length: number;
  /** Anxiety α ∈ [0, 1]: 0 is a straight line, 0.005 gentle shake, ≥ 0.05 very shaky. */
  readonly shakiness: number;
  /** Number of samples T (default 2000, at least 10 per pixel of length). */
  readonly samples?: number;
}

/** Draws a Boracchi–Foi camera-shake path of length L (see the file comment), starting at 0. */
export function shakeTrajectory(rng: Rng, opts: TrajectoryOptions): Trajectory {
  const { length, shakiness } = opts;
  if (!(length >= 0) || !Number.isFinite(length)) throw new SdiError(`motion length must be ≥ 0, got ${length}`);
  if (!(shakiness >= 0 && shakiness <= 1)) throw new SdiError(`motion shakiness must be in [0, 1], got ${shakiness}`);
  const T = Math.max(opts.samples ?? 2000, Math.ceil(10 * length) + 1);
  const step = length / (T - 1);
  const centripetal = 0.7 * rng.uniform();
  const gaussianGain = 10 * rng.uniform();
  const jerkProbability = 0.2 * rng.uniform();
  const phi0 = 2 * Math.PI * rng.uniform();
  let vr = step * Math.cos(phi0), vi = step * Math.sin(phi0);
  const x = new Float64Array(T), y = new Float64Array(T);
  for (let t = 0; t < T - 1; t++) {
    let jr = 0, ji = 0;
    if (rng.uniform() < jerkProbability * shakiness) {
      const a = Math.PI + (rng.uniform() - 0.5);
      jr = 2 * (vr * Math.cos(a) - vi * Math.sin(a));
      ji = 2 * (vr * Math.sin(a) + vi * Math.cos(a));
    }
    const dvr = jr + shakiness * (gaussianGain * rng.normal() - centripetal * x[t]) * step;
    const dvi = ji + shakiness * (gaussianGain * rng.normal() - centripetal * y[t]) * step;
    vr += dvr;
    vi += dvi;
    const norm = Math.hypot(vr, vi);
    if (norm > 0) {
      vr = (vr / norm) * step;
      vi = (vi / norm) * step;
    }
    x[t + 1] = x[t] + vr;
    y[t + 1] = y[t] + vi;
  }
  return { x, y };
}

/**
 * Rasterises a path into a size×size kernel summing to 1: centroid moved to the centre ⌊k/2⌋,
 * path shrunk about it (if needed) so every sample lies in [0, k−1]², then bilinear splatting of
 * weight 1/T per sample. Returns the kernel and the shrink factor applied (1 = none).
 */
export function rasterizeTrajectory(path: Trajectory, size: number): { kernel: Kernel; scale: number } {
  if (!Number.isInteger(size) || size < 1) throw new SdiError(`PSF size must be a positive integer, got ${size}`);
  const T = path.x.length;
  let mx = 0, my = 0;
  for (let t = 0; t < T; t++) {
    mx += path.x[t];
    my += path.y[t];
  }
  mx /= T;
  my /= T;
  const c = Math.floor(size / 2);
  let scale = 1;
  for (let t = 0; t < T; t++) {
    for (const d of [path.x[t] - mx, path.y[t] - my]) {
      const room = d < 0 ? c : size - 1 - c;
      if (Math.abs(d) * scale > room) scale = room / Math.abs(d);
    }
  }
  const acc = new Float64Array(size * size);
  for (let t = 0; t < T; t++) {
    const px = Math.min(size - 1, Math.max(0, c + scale * (path.x[t] - mx)));
    const py = Math.min(size - 1, Math.max(0, c + scale * (path.y[t] - my)));
    splat(acc, size, px, py, 1 / T);
  }
  return { kernel: { width: size, height: size, data: Float32Array.from(acc) }, scale };
}

/** Bilinear deposit of weight w at (px, py) (within [0, k−1]²). */
function splat(acc: Float64Array, size: number, px: number, py: number, w: number): void {
  if (size === 1) {
    acc[0] += w;
    return;
  }
  const x0 = Math.min(Math.floor(px), size - 2), y0 = Math.min(Math.floor(py), size - 2);
  const fx = px - x0, fy = py - y0;
  acc[y0 * size + x0] += w * (1 - fx) * (1 - fy);
  acc[y0 * size + x0 + 1] += w * fx * (1 - fy);
  acc[(y0 + 1) * size + x0] += w * (1 - fx) * fy;
  acc[(y0 + 1) * size + x0 + 1] += w * fx * fy;
}

/** Parameters of a motion PSF (the trajectory rasterised into a k × k kernel). */
export interface MotionPsfOptions {
  /** Path length in pixels (default drawn from U(0.6, 1.6)·(k−1)); the path is shrunk if it does not fit. */
  readonly length?: number;
  /** Anxiety α (default drawn log-uniformly in [0.0005, 0.012]). */
  readonly shakiness?: number;
}

/**
 * A random camera-shake PSF of size k (seeded): Boracchi–Foi path, rasterised (see the file
 * comment). Returns the kernel and the parameters actually used.
 */
export function randomMotionPsf(size: number, rng: Rng, opts: MotionPsfOptions = {}): {
  kernel: Kernel; length: number; shakiness: number; scale: number;
} {
  const length = opts.length ?? rng.range(0.6, 1.6) * Math.max(1, size - 1);
  const shakiness = opts.shakiness ?? Math.exp(rng.range(Math.log(0.0005), Math.log(0.012)));
  const path = shakeTrajectory(rng, { length, shakiness });
  const { kernel, scale } = rasterizeTrajectory(path, size);
  return { kernel, length, shakiness, scale };
}
