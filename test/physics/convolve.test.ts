import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  blurImage, blurImageAdjoint, blurPlane, blurPlaneAdjoint, chooseMethod, convolveValid, convolveValidAdjoint,
  CONV_MODES, SAME_BOUNDARIES, type ConvOptions,
} from '../../src/physics/convolve.js';
import { padPlane, padPlaneAdjoint, sourceIndex, type PadBoundary } from '../../src/physics/padding.js';
import { planeDot, type Plane } from '../../src/physics/plane.js';
import { createBlurOperator } from '../../src/physics/blur_operator.js';
import { inverseRealFft2d, psf2otf, realFft2d } from '../../src/math/fft.js';
import { getChannel } from '../../src/image/image.js';
import { Rng } from '../../src/rng.js';
import { maxAbsDiff } from '../helpers.js';

const rng = new Rng(7);
const randomPlane = (w: number, h: number): Plane => ({ width: w, height: h, data: Float32Array.from(rng.normalArray(w * h)) });

/** Reference 'valid' true convolution straight from the definition y[i,j] = Σ k[a,b] x[i+kh−1−a, j+kw−1−b]. */
function referenceValid(x: Plane, k: Plane): Plane {
  const oh = x.height - k.height + 1, ow = x.width - k.width + 1;
  const out = new Float32Array(oh * ow);
  for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) {
    let s = 0;
    for (let a = 0; a < k.height; a++) for (let b = 0; b < k.width; b++) {
      s += k.data[a * k.width + b] * x.data[(i + k.height - 1 - a) * x.width + (j + k.width - 1 - b)];
    }
    out[i * ow + j] = s;
  }
  return { width: ow, height: oh, data: out };
}

const kernelShapes: Array<[number, number]> = [[1, 1], [3, 3], [4, 4], [5, 2], [2, 6], [7, 4]];

test("'valid' equals the definition y[i,j] = Σ k[a,b]·x[i+kh−1−a, j+kw−1−b], direct and FFT, odd and even kernels", () => {
  const x = randomPlane(23, 17);
  for (const [kw, kh] of kernelShapes) {
    const k = randomPlane(kw, kh);
    const ref = referenceValid(x, k);
    for (const method of ['direct', 'fft'] as const) {
      const y = convolveValid(x, k, method);
      assert.equal(y.width, 23 - kw + 1);
      assert.equal(y.height, 17 - kh + 1);
      assert.ok(maxAbsDiff(y.data, ref.data) < 1e-4, `${kw}×${kh} ${method}: ${maxAbsDiff(y.data, ref.data)}`);
    }
  }
});

test('FFT path matches the direct one on tiny images (grid lengths 1, 2, 3, 4, 6, 12, 24)', () => {
  for (const [w, h] of [[1, 1], [2, 3], [3, 2], [5, 6], [7, 4], [12, 11], [24, 13]]) {
    const x = randomPlane(w, h);
    for (const [kw, kh] of [[1, 1], [1, 2], [2, 1]]) {
      if (kw > w || kh > h) continue;
      const k = randomPlane(kw, kh);
      assert.ok(maxAbsDiff(convolveValid(x, k, 'fft').data, convolveValid(x, k, 'direct').data) < 1e-5, `${w}×${h} ⊛ ${kw}×${kh}`);
      const y = randomPlane(w - kw + 1, h - kh + 1);
      assert.ok(maxAbsDiff(convolveValidAdjoint(y, k, 'fft').data, convolveValidAdjoint(y, k, 'direct').data) < 1e-5);
    }
  }
});

test("'same' with zero boundary blurs a single bright pixel into the kernel centred on it (centre ⌊k/2⌋)", () => {
  for (const [kw, kh] of kernelShapes) {
    const k = randomPlane(kw, kh);
    const x: Plane = { width: 15, height: 13, data: new Float32Array(15 * 13) };
    const px = 7, py = 6;
    x.data[py * 15 + px] = 1;
    const y = blurPlane(x, k, { mode: 'same', boundary: 'zero' });
    const cy = Math.floor(kh / 2), cx = Math.floor(kw / 2);
    for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) {
      assert.ok(Math.abs(y.data[(py + a - cy) * 15 + (px + b - cx)] - k.data[a * kw + b]) < 1e-6, `${kw}×${kh} tap ${a},${b}`);
    }
    let total = 0, kernelTotal = 0;
    for (const v of y.data) total += Math.abs(v);
    for (const v of k.data) kernelTotal += Math.abs(v);
    assert.ok(Math.abs(total - kernelTotal) < 1e-4, 'nothing else is touched');
  }
});

test('circular convolution equals F⁻¹(F x · psf2otf(k)) (the MATLAB psf2otf convention)', () => {
  const x = randomPlane(12, 10);
  for (const [kw, kh] of kernelShapes) {
    const k = randomPlane(kw, kh);
    const X = realFft2d(x.data, 10, 12), K = psf2otf(k, 10, 12);
    const re = new Float64Array(120), im = new Float64Array(120);
    for (let i = 0; i < 120; i++) {
      re[i] = X.re[i] * K.re[i] - X.im[i] * K.im[i];
      im[i] = X.re[i] * K.im[i] + X.im[i] * K.re[i];
    }
    const ref = inverseRealFft2d({ rows: 10, cols: 12, re, im });
    for (const method of ['direct', 'fft'] as const) {
      const y = blurPlane(x, k, { mode: 'circular', method });
      assert.ok(maxAbsDiff(y.data, ref) < 1e-4, `${kw}×${kh} ${method}`);
    }
  }
});

test("'same' with replicate/reflect boundaries equals 'valid' on the explicitly extended image", () => {
  const x = randomPlane(11, 9);
  const k = randomPlane(4, 5);
  const cy = 2, cx = 2; // ⌊5/2⌋, ⌊4/2⌋
  for (const boundary of ['replicate', 'reflect'] as const) {
    const y = blurPlane(x, k, { mode: 'same', boundary });
    for (let i = 0; i < 9; i++) for (let j = 0; j < 11; j++) {
      let s = 0;
      for (let a = 0; a < 5; a++) for (let b = 0; b < 4; b++) {
        const r = sourceIndex(i - a + cy, 9, boundary), c = sourceIndex(j - b + cx, 11, boundary);
        s += k.data[a * 4 + b] * x.data[r * 11 + c];
      }
      assert.ok(Math.abs(y.data[i * 11 + j] - s) < 1e-4, `${boundary} at ${i},${j}`);
    }
  }
  assert.deepEqual([-2, -1, 0, 3, 4, 5].map((m) => sourceIndex(m, 4, 'reflect')), [2, 1, 0, 3, 2, 1]);
  assert.deepEqual([-2, -1, 4, 5].map((m) => sourceIndex(m, 4, 'replicate')), [0, 0, 3, 3]);
  assert.deepEqual([-2, -1, 4, 5].map((m) => sourceIndex(m, 4, 'circular')), [2, 3, 0, 1]);
});

test('direct and FFT paths agree for every mode and boundary', () => {
  const x = randomPlane(40, 33);
  const k = randomPlane(9, 6);
  for (const mode of CONV_MODES) for (const boundary of SAME_BOUNDARIES) {
    const opts: ConvOptions = { mode, boundary };
    const a = blurPlane(x, k, { ...opts, method: 'direct' }), b = blurPlane(x, k, { ...opts, method: 'fft' });
    assert.ok(maxAbsDiff(a.data, b.data) < 1e-4, `${mode}/${boundary}`);
    const y = randomPlane(a.width, a.height);
    const c = blurPlaneAdjoint(y, k, { ...opts, method: 'direct' }), d = blurPlaneAdjoint(y, k, { ...opts, method: 'fft' });
    assert.ok(maxAbsDiff(c.data, d.data) < 1e-4, `adjoint ${mode}/${boundary}`);
  }
});

test('adjointness ⟨A x, y⟩ = ⟨x, Aᵀ y⟩ for every operator, boundary, path and kernel shape', () => {
  const shapes: Array<[number, number]> = [...kernelShapes, [13, 11]];
  for (const [kw, kh] of shapes) {
    const k = randomPlane(kw, kh);
    for (const mode of CONV_MODES) for (const boundary of SAME_BOUNDARIES) for (const method of ['direct', 'fft'] as const) {
      if (mode !== 'same' && boundary !== 'zero') continue;
      const x = randomPlane(19, 14);
      const Ax = blurPlane(x, k, { mode, boundary, method });
      const y = randomPlane(Ax.width, Ax.height);
      const ATy = blurPlaneAdjoint(y, k, { mode, boundary, method });
      assert.equal(ATy.width, 19);
      assert.equal(ATy.height, 14);
      const lhs = planeDot(Ax, y), rhs = planeDot(x, ATy);
      assert.ok(Math.abs(lhs - rhs) <= 1e-5 * (Math.abs(lhs) + Math.abs(rhs) + 1), `${kw}×${kh} ${mode}/${boundary}/${method}: ${lhs} vs ${rhs}`);
    }
  }
});

test('padding adjoint, including pads wider than the image (periodic reflection)', () => {
  for (const boundary of ['zero', 'replicate', 'reflect', 'circular'] as PadBoundary[]) {
    const x = randomPlane(3, 4);
    const pads = { top: 6, bottom: 1, left: 0, right: 7 };
    const Px = padPlane(x, pads, boundary);
    const y = randomPlane(Px.width, Px.height);
    const lhs = planeDot(Px, y), rhs = planeDot(x, padPlaneAdjoint(y, pads, boundary, 3, 4));
    assert.ok(Math.abs(lhs - rhs) < 1e-4, boundary);
  }
});

test('multi-channel images are blurred channel by channel; BlurOperator wraps the same operator', () => {
  const data = Float32Array.from(rng.normalArray(20 * 16 * 3));
  const image = { width: 20, height: 16, channels: 3 as const, data };
  const k = randomPlane(5, 5);
  for (const mode of CONV_MODES) {
    const y = blurImage(image, k, { mode });
    for (let c = 0; c < 3; c++) {
      const ref = blurPlane(getChannel(image, c), k, { mode });
      assert.ok(maxAbsDiff(getChannel(y, c).data, ref.data) < 1e-5);
    }
    const op = createBlurOperator(k, { mode });
    assert.deepEqual(op.outputSize(20, 16), { width: y.width, height: y.height });
    assert.deepEqual(op.inputSize(y.width, y.height), { width: 20, height: 16 });
    assert.ok(maxAbsDiff(op.apply(image).data, y.data) < 1e-6);
    const z = { ...y, data: Float32Array.from(rng.normalArray(y.data.length)) };
    assert.ok(maxAbsDiff(op.adjoint(z).data, blurImageAdjoint(z, k, { mode }).data) < 1e-6);
    let lhs = 0, rhs = 0;
    for (let i = 0; i < y.data.length; i++) lhs += y.data[i] * z.data[i];
    const ATz = op.adjoint(z);
    for (let i = 0; i < data.length; i++) rhs += data[i] * ATz.data[i];
    assert.ok(Math.abs(lhs - rhs) < 1e-5 * (Math.abs(lhs) + 1), `RGB adjoint ${mode}`);
  }
});

test("'valid' adjoint is the full correlation and rejects images smaller than the kernel", () => {
  const k = randomPlane(3, 2);
  const y = randomPlane(4, 5);
  const a = convolveValidAdjoint(y, k);
  assert.equal(a.width, 6);
  assert.equal(a.height, 6);
  assert.throws(() => convolveValid(randomPlane(4, 4), randomPlane(5, 3)), /smaller than the 5×3 kernel/);
});

test('automatic choice: direct for small or sparse kernels, FFT for large dense ones; 255² ⊛ 31² is fast', () => {
  assert.equal(chooseMethod(255, 255, randomPlane(3, 3)), 'direct');
  assert.equal(chooseMethod(255, 255, randomPlane(31, 31)), 'fft');
  const sparse = { width: 31, height: 31, data: new Float32Array(31 * 31) };
  for (let i = 0; i < 31; i++) sparse.data[15 * 31 + i] = 1 / 31; // a 31-px line: 31 taps
  assert.equal(chooseMethod(255, 255, sparse), 'direct');
  const x = randomPlane(255, 255), k = randomPlane(31, 31);
  convolveValid(x, k);
  const t0 = performance.now();
  const runs = 5;
  for (let i = 0; i < runs; i++) convolveValid(x, k);
  const ms = (performance.now() - t0) / runs;
  // target is ≈ 10–25 ms; the bound is loose because CI machines are shared
  assert.ok(ms < 250, `255×255 ⊛ 31×31 took ${ms.toFixed(1)} ms`);
});
