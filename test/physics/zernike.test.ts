import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_ABERRATION_RANGES, fittingZernikeSize, nollToNm, randomZernikeCoefficients, randomZernikePsf,
  zernike, zernikeIntensity, zernikePsf,
} from '../../src/physics/psf/zernike.js';
import { rotateKernel180, type Kernel } from '../../src/physics/kernel.js';
import { Rng } from '../../src/rng.js';
import { maxAbsDiff } from '../helpers.js';

test("Noll index → (n, m) follows Noll's 1976 table for j = 1…15", () => {
  const table: Array<[number, number]> = [
    [0, 0], [1, 1], [1, -1], [2, 0], [2, -2], [2, 2], [3, -1], [3, 1], [3, -3], [3, 3], [4, 0], [4, 2], [4, -2], [4, 4], [4, -4],
  ];
  table.forEach(([n, m], i) => assert.deepEqual(nollToNm(i + 1), { n, m }, `j=${i + 1}`));
  assert.throws(() => nollToNm(0), /Noll index/);
  // closed forms of a few modes at an arbitrary point
  const rho = 0.63, th = 0.7;
  assert.ok(Math.abs(zernike(4, rho, th) - Math.sqrt(3) * (2 * rho * rho - 1)) < 1e-12);
  assert.ok(Math.abs(zernike(8, rho, th) - Math.sqrt(8) * (3 * rho ** 3 - 2 * rho) * Math.cos(th)) < 1e-12);
  assert.ok(Math.abs(zernike(11, rho, th) - Math.sqrt(5) * (6 * rho ** 4 - 6 * rho ** 2 + 1)) < 1e-12);
  assert.ok(Math.abs(zernike(15, rho, th) - Math.sqrt(10) * rho ** 4 * Math.sin(4 * th)) < 1e-12);
});

test('Zernike polynomials 1–21 are orthonormal on the unit disk: (1/π)∫∫ Z_i Z_j = δ_ij', () => {
  // Gauss–Legendre in ρ (exact for these polynomial degrees) × uniform θ (exact for |m| < M/2)
  const [nodes, weights] = gaussLegendre(16);
  const M = 32, J = 21;
  const gram = new Float64Array(J * J);
  const z = new Float64Array(J);
  for (let q = 0; q < nodes.length; q++) {
    const rho = 0.5 * (nodes[q] + 1), w = 0.5 * weights[q] * rho * (2 * Math.PI / M) / Math.PI;
    for (let t = 0; t < M; t++) {
      const th = (2 * Math.PI * t) / M;
      for (let j = 0; j < J; j++) z[j] = zernike(j + 1, rho, th);
      for (let a = 0; a < J; a++) for (let b = 0; b < J; b++) gram[a * J + b] += w * z[a] * z[b];
    }
  }
  for (let a = 0; a < J; a++) for (let b = 0; b < J; b++) {
    assert.ok(Math.abs(gram[a * J + b] - (a === b ? 1 : 0)) < 1e-10, `⟨Z${a + 1}, Z${b + 1}⟩ = ${gram[a * J + b]}`);
  }
});

function gaussLegendre(n: number): [number[], number[]] {
  const x: number[] = [], w: number[] = [];
  for (let i = 1; i <= n; i++) {
    let t = Math.cos((Math.PI * (i - 0.25)) / (n + 0.5)), dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1, p1 = t;
      for (let k = 2; k <= n; k++) [p0, p1] = [p1, ((2 * k - 1) * t * p1 - (k - 1) * p0) / k];
      dp = (n * (t * p1 - p0)) / (t * t - 1);
      const dt = p1 / dp;
      t -= dt;
      if (Math.abs(dt) < 1e-15) break;
    }
    x.push(t);
    w.push(2 / ((1 - t * t) * dp * dp));
  }
  return [x, w];
}

/** Bessel J₁(x) = (1/π)∫₀^π cos(τ − x sin τ) dτ (Simpson, 400 panels). */
function besselJ1(x: number): number {
  const n = 400, h = Math.PI / n;
  let s = 0;
  for (let i = 0; i <= n; i++) s += (i === 0 || i === n ? 1 : i % 2 ? 4 : 2) * Math.cos(i * h - x * Math.sin(i * h));
  return (s * h) / 3 / Math.PI;
}

/** Airy intensity relative to its peak at r pixels for sampling q: [2 J₁(v)/v]², v = π r / q. */
function airy(r: number, q: number): number {
  if (r === 0) return 1;
  const v = (Math.PI * r) / q;
  return (2 * besselJ1(v) / v) ** 2;
}

test('no aberration gives the Airy pattern [2J₁(v)/v]², v = πr/q, with its first dark ring at 1.22·q px', () => {
  for (const q of [3, 4, 8]) {
    const size = 41, c = 20;
    const { kernel } = zernikePsf([], size, { sampling: q, gridSize: 512 });
    const peak = kernel.data[c * size + c];
    let worst = 0;
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
      const r = Math.hypot(x - c, y - c);
      if (r > 3 * q) continue;
      worst = Math.max(worst, Math.abs(kernel.data[y * size + x] / peak - airy(r, q)));
    }
    assert.ok(worst < 2e-3, `q=${q}: differs from the Airy pattern by ${worst}`);
    for (const [dx, dy] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
      const at = (r: number) => kernel.data[(c + dy * r) * size + (c + dx * r)];
      let r = 1;
      while (!(at(r) <= at(r - 1) && at(r) <= at(r + 1))) r++;
      assert.equal(r, Math.round(1.22 * q), `q=${q}: first minimum at ${r} px, theory ${(1.22 * q).toFixed(2)}`);
      assert.ok(at(r) < 0.02 * peak, 'the ring is dark');
    }
  }
});

function transpose(k: Kernel): Float32Array {
  const out = new Float32Array(k.data.length);
  for (let r = 0; r < k.height; r++) for (let c = 0; c < k.width; c++) out[c * k.height + r] = k.data[r * k.width + c];
  return out;
}

function centroid(k: Kernel): { x: number; y: number } {
  let x = 0, y = 0;
  for (let r = 0; r < k.height; r++) for (let c = 0; c < k.width; c++) {
    x += c * k.data[r * k.width + c];
    y += r * k.data[r * k.width + c];
  }
  return { x: x - Math.floor(k.width / 2), y: y - Math.floor(k.height / 2) };
}

test('defocus gives a symmetric PSF (point- and mirror-symmetric), coma an asymmetric one', () => {
  const coeffs = new Float64Array(8);
  coeffs[3] = 0.3;
  const { kernel: defocus } = zernikePsf(coeffs, 31);
  const peak = Math.max(...defocus.data);
  assert.ok(maxAbsDiff(defocus.data, rotateKernel180(defocus).data) < 1e-6 * peak);
  assert.ok(maxAbsDiff(defocus.data, transpose(defocus)) < 1e-6 * peak);
  const c0 = centroid(defocus);
  assert.ok(Math.abs(c0.x) < 1e-4 && Math.abs(c0.y) < 1e-4);

  const coma = new Float64Array(8);
  coma[6] = 0.2; // Z7, vertical coma: sin θ ↔ rows
  const { kernel: k } = zernikePsf(coma, 31);
  const kpeak = Math.max(...k.data);
  assert.ok(maxAbsDiff(k.data, rotateKernel180(k).data) > 0.2 * kpeak, 'coma is not point-symmetric');
  const c = centroid(k);
  assert.ok(Math.abs(c.y) > 0.3 && Math.abs(c.x) < 1e-3, `coma centroid ${c.x}, ${c.y}`);
});

test('energy is conserved: Σ|F{P}|² = N²·(pupil area) for any aberration; kernels sum to 1 and report the energy kept', () => {
  const rng = new Rng(3);
  for (let t = 0; t < 3; t++) {
    const coeffs = randomZernikeCoefficients(rng);
    const { data, n, area } = zernikeIntensity(coeffs, 128, 2);
    let s = 0;
    for (const v of data) s += v;
    assert.ok(Math.abs(s / (n * n * area) - 1) < 1e-10);
    const { kernel, energy } = zernikePsf(coeffs, 31);
    let ks = 0;
    for (const v of kernel.data) ks += v;
    assert.ok(Math.abs(ks - 1) < 1e-5);
    assert.ok(energy > 0.9 && energy <= 1);
  }
});

test('random coefficients are seeded, stay within the stated ranges and use only the family modes', () => {
  const a = randomZernikeCoefficients(new Rng(5)), b = randomZernikeCoefficients(new Rng(5)), c = randomZernikeCoefficients(new Rng(6));
  assert.deepEqual(Array.from(a), Array.from(b));
  assert.notDeepEqual(Array.from(a), Array.from(c));
  const rng = new Rng(9);
  for (let t = 0; t < 200; t++) {
    const co = randomZernikeCoefficients(rng);
    co.forEach((v, i) => {
      const r = DEFAULT_ABERRATION_RANGES[i + 1] ?? 0;
      assert.ok(Math.abs(v) <= r, `a${i + 1} = ${v} outside ±${r}`);
    });
  }
  const r = randomZernikePsf(15, new Rng(1));
  assert.equal(r.kernel.width, 15);
  assert.ok(Math.abs(r.coefficients[3]) <= 0.25 * 15 / 31, 'ranges scale with the size');
});

test('fittingZernikeSize: the Airy pattern fits the smallest size; strong defocus needs more', () => {
  assert.equal(fittingZernikeSize([], 21, 31), 21);
  const strong = new Float64Array(4);
  strong[3] = 0.3; // blur radius ≈ 13.9·2·0.3 ≈ 8.3 px
  const k = fittingZernikeSize(strong, 11, 31);
  assert.ok(k !== null && k > 15 && k <= 31, `size ${k}`);
});
