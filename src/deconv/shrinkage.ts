/**
 * The proximal step of a hyper-Laplacian prior (Krishnan & Fergus, "Fast image deconvolution using
 * hyper-Laplacian priors", NIPS 2009): for each gradient sample v,
 *
 *     w*(v) = argmin_w  λ|w|^α + (β/2)(w − v)²,   0 < α ≤ 1.
 *
 * α = 1 is soft thresholding, w* = sign(v)·max(|v| − λ/β, 0). For α < 1 the minimiser is 0 when
 * |v| ≤ τ and otherwise the largest root of β(w − |v|) + αλ w^{α−1} = 0 (with sign(v)), where the
 * threshold follows from E(w_τ) = E(0), E'(w_τ) = 0:
 *
 *     w_τ = (2λ(1−α)/β)^{1/(2−α)},   τ = w_τ + αλ w_τ^{α−1} / β.
 *
 * That root is found by Newton's method from w = |v|: g(w) = β(w − |v|) + αλ w^{α−1} is convex and
 * increasing on [root, |v|], so the iterates decrease monotonically to it (quadratically).
 */

/** A shrinkage operator for fixed λ, α, β, applied in place to an array of gradient samples. */
export interface Shrinkage {
  /** Replaces every v by w*(v). */
  apply(values: Float64Array): void;
  /** Values with |v| ≤ threshold map to 0. */
  readonly threshold: number;
}

/** The hyper-Laplacian shrinkage w*(v) for weight λ > 0, exponent α ∈ (0, 1], penalty β > 0 (module comment). */
export function hyperLaplacianShrinkage(lambda: number, alpha: number, beta: number): Shrinkage {
  if (alpha === 1) {
    const t = lambda / beta;
    return {
      threshold: t,
      apply(values) {
        for (let i = 0; i < values.length; i++) {
          const v = values[i];
          values[i] = v > t ? v - t : v < -t ? v + t : 0;
        }
      },
    };
  }
  const wTau = Math.pow((2 * lambda * (1 - alpha)) / beta, 1 / (2 - alpha));
  const tau = wTau + (alpha * lambda * Math.pow(wTau, alpha - 1)) / beta;
  const c = (alpha * lambda) / beta;
  return {
    threshold: tau,
    apply(values) {
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        const a = Math.abs(v);
        if (a <= tau) {
          values[i] = 0;
          continue;
        }
        values[i] = v > 0 ? newtonRoot(a, alpha, c) : -newtonRoot(a, alpha, c);
      }
    },
  };
}

/** Largest root of h(w) = w − a + c·w^{α−1} (= g/β), Newton from w = a; h'(w) = 1 − c(1−α)w^{α−2}. */
function newtonRoot(a: number, alpha: number, c: number): number {
  let w = a;
  for (let it = 0; it < 20; it++) {
    const p = c * Math.pow(w, alpha - 1);
    const h = w - a + p;
    const dh = 1 - ((1 - alpha) * p) / w;
    const step = h / dh;
    w -= step;
    if (Math.abs(step) <= 1e-10 * a) break;
  }
  return w;
}

/**
 * Isotropic TV shrinkage of a gradient field (the α = 1 case used by HQS): for each pixel,
 *
 *     (wh, wv) = (gh, gv) · max(1 − t / ‖(gh, gv)‖₂, 0),   t = λ/β,
 *
 * the minimiser of λ‖w‖₂ + (β/2)‖w − g‖². In place on both arrays.
 */
export function isotropicShrinkage(gh: Float64Array, gv: Float64Array, t: number): void {
  for (let i = 0; i < gh.length; i++) {
    const m = Math.sqrt(gh[i] * gh[i] + gv[i] * gv[i]);
    const f = m > t ? 1 - t / m : 0;
    gh[i] *= f;
    gv[i] *= f;
  }
}
