/**
 * The colour scale used to show kernels: a perceptually ordered dark-blue → teal → yellow ramp
 * (viridis's anchor colours, linearly interpolated), so the kernel's weak tails stay visible.
 */

/** viridis at t = 0, 0.25, 0.5, 0.75, 1. */
const anchors: ReadonlyArray<readonly [number, number, number]> = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** RGB (0–255) of the colour scale at t ∈ [0, 1] (clamped): piecewise-linear between anchors. */
export function colourAt(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (anchors.length - 1);
  const i = Math.min(anchors.length - 2, Math.floor(x));
  const f = x - i;
  const a = anchors[i], b = anchors[i + 1];
  return [Math.round(a[0] + f * (b[0] - a[0])), Math.round(a[1] + f * (b[1] - a[1])), Math.round(a[2] + f * (b[2] - a[2]))];
}

/** The colour scale as a CSS linear-gradient (bottom = 0, top = max). */
export function colourScaleGradient(): string {
  const stops = anchors.map((c, i) => `rgb(${c[0]} ${c[1]} ${c[2]}) ${(100 * i) / (anchors.length - 1)}%`);
  return `linear-gradient(to top, ${stops.join(', ')})`;
}
