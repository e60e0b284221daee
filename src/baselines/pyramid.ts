/**
 * The coarse-to-fine image pyramid of the MAP blind deblurring methods (Cho & Lee 2009; Pan et al.
 * 2014/2016): level s (s = 0 finest) is the blurred image downscaled by r^s, r = 1/√2, with a kernel
 * window of ⌈k·r^s⌉ taps (made odd below the finest level), down to a window of about 5 taps:
 *
 *     levels = ⌊log(5 / min(kh, kw)) / log r⌋ + 1  (at least 1).
 *
 * The kernel found at one level seeds the next finer one, upsampled by 1/r ({@link upsampleKernel});
 * the coarsest level starts from two central horizontal taps of ½ ({@link initialKernel}).
 */
import { createKernel, normalizeKernel, type Kernel } from '../physics/kernel.js';

/** One level of the coarse-to-fine pyramid. */
export interface PyramidLevel {
  /** Downscale factor r^s ∈ (0, 1] of this level. */
  readonly scale: number;
  /** Image size at this level. */
  readonly width: number;
  readonly height: number;
  /** Kernel window at this level. */
  readonly kernelWidth: number;
  readonly kernelHeight: number;
}

/** Ratio 1/√2 between levels, coarsest kernel ≈ 5 taps (Cho & Lee; Pan et al.). */
export const PYRAMID_DEFAULTS = { ratio: Math.SQRT1_2, minKernelSize: 5 };

function oddCeil(v: number): number {
  const c = Math.max(1, Math.ceil(v - 1e-9));
  return c % 2 === 0 ? c + 1 : c;
}

/**
 * The pyramid levels, coarsest first, for a width×height image and a kw×kh kernel (module comment).
 * The finest level is the image and kernel size as given; no level's kernel is larger than its image.
 */
export function pyramidLevels(width: number, height: number, kw: number, kh: number, ratio: number = PYRAMID_DEFAULTS.ratio, minKernelSize: number = PYRAMID_DEFAULTS.minKernelSize): PyramidLevel[] {
  if (!(ratio > 0 && ratio < 1)) throw new RangeError(`pyramid ratio must be in (0, 1), got ${ratio}`);
  const smallest = Math.min(kw, kh);
  const extra = smallest > minKernelSize ? Math.max(0, Math.floor(Math.log(minKernelSize / smallest) / Math.log(ratio))) : 0;
  const levels: PyramidLevel[] = [];
  for (let s = extra; s >= 0; s--) {
    const scale = Math.pow(ratio, s);
    const w = s === 0 ? width : Math.max(1, Math.round(width * scale));
    const h = s === 0 ? height : Math.max(1, Math.round(height * scale));
    const lkw = s === 0 ? kw : Math.min(oddCeil(kw * scale), w);
    const lkh = s === 0 ? kh : Math.min(oddCeil(kh * scale), h);
    levels.push({ scale, width: w, height: h, kernelWidth: lkw, kernelHeight: lkh });
  }
  return levels;
}

/** Cho & Lee's starting kernel: the taps (⌊kh/2⌋, ⌊kw/2⌋ − 1) and (⌊kh/2⌋, ⌊kw/2⌋) at ½ each (a delta for kw = 1). */
export function initialKernel(kw: number, kh: number): Kernel {
  const k = createKernel(kw, kh);
  const cy = Math.floor(kh / 2), cx = Math.floor(kw / 2);
  if (kw >= 2) {
    k.data[cy * kw + cx - 1] = 0.5;
    k.data[cy * kw + cx] = 0.5;
  } else {
    k.data[cy * kw + cx] = 1;
  }
  return k;
}

/**
 * A kernel magnified by `factor` (> 0) onto a kw×kh window, centres (⌊k/2⌋) aligned: tap j samples
 * the input bilinearly at u = c_in + (j − c_out)/factor per axis; negative values are cut and the
 * result renormalised to Σ = 1 (a delta if nothing is left).
 */
export function upsampleKernel(kernel: Kernel, factor: number, kw: number, kh: number): Kernel {
  const { width: iw, height: ih, data } = kernel;
  const cxIn = Math.floor(iw / 2), cyIn = Math.floor(ih / 2), cxOut = Math.floor(kw / 2), cyOut = Math.floor(kh / 2);
  const at = (r: number, c: number) => (r >= 0 && r < ih && c >= 0 && c < iw ? data[r * iw + c] : 0);
  const out = createKernel(kw, kh);
  let sum = 0;
  for (let j = 0; j < kh; j++) {
    const v = cyIn + (j - cyOut) / factor;
    const r0 = Math.floor(v), fr = v - r0;
    for (let i = 0; i < kw; i++) {
      const u = cxIn + (i - cxOut) / factor;
      const c0 = Math.floor(u), fc = u - c0;
      const value = (1 - fr) * ((1 - fc) * at(r0, c0) + fc * at(r0, c0 + 1)) + fr * ((1 - fc) * at(r0 + 1, c0) + fc * at(r0 + 1, c0 + 1));
      out.data[j * kw + i] = Math.max(0, value);
      sum += Math.max(0, value);
    }
  }
  if (!(sum > 0)) {
    out.data[cyOut * kw + cxOut] = 1;
    return out;
  }
  return normalizeKernel(out);
}

/**
 * A kernel shrunk by `scale` ∈ (0, 1] onto a kw×kh window, centres aligned, mass preserved: each
 * input tap at offset d from the centre is deposited bilinearly at c_out + d·scale (the adjoint of
 * bilinear sampling), so thin paths stay connected instead of being point-sampled away. Σ = 1 after.
 */
export function downsampleKernel(kernel: Kernel, scale: number, kw: number, kh: number): Kernel {
  const { width: iw, height: ih, data } = kernel;
  const cxIn = Math.floor(iw / 2), cyIn = Math.floor(ih / 2), cxOut = Math.floor(kw / 2), cyOut = Math.floor(kh / 2);
  const acc = new Float64Array(kw * kh);
  const deposit = (r: number, c: number, w: number) => {
    if (r >= 0 && r < kh && c >= 0 && c < kw) acc[r * kw + c] += w;
  };
  for (let r = 0; r < ih; r++) {
    for (let c = 0; c < iw; c++) {
      const v = data[r * iw + c];
      if (!(v > 0)) continue;
      const y = cyOut + (r - cyIn) * scale, x = cxOut + (c - cxIn) * scale;
      const y0 = Math.floor(y), x0 = Math.floor(x), fy = y - y0, fx = x - x0;
      deposit(y0, x0, v * (1 - fy) * (1 - fx));
      deposit(y0, x0 + 1, v * (1 - fy) * fx);
      deposit(y0 + 1, x0, v * fy * (1 - fx));
      deposit(y0 + 1, x0 + 1, v * fy * fx);
    }
  }
  const out = createKernel(kw, kh, acc);
  let sum = 0;
  for (const v of out.data) sum += v;
  if (!(sum > 0)) {
    out.data[cyOut * kw + cxOut] = 1;
    return out;
  }
  return normalizeKernel(out);
}
