import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addGaussianNoise, addPoissonGaussianNoise, samplePoisson } from '../../src/physics/noise.js';
import { createImage } from '../../src/image/image.js';
import { Rng } from '../../src/rng.js';

function meanVar(a: ArrayLike<number>, offset = 0) {
  let m = 0;
  for (let i = 0; i < a.length; i++) m += a[i] - offset;
  m /= a.length;
  let v = 0;
  for (let i = 0; i < a.length; i++) v += (a[i] - offset - m) ** 2;
  return { mean: m, variance: v / (a.length - 1) };
}

test('Gaussian noise has the requested σ, zero mean, and is reproducible from the seed', () => {
  const img = createImage(200, 200, 1, 0.5);
  const y = addGaussianNoise(img, 0.05, new Rng(1));
  const { mean, variance } = meanVar(y.data, 0.5);
  assert.ok(Math.abs(mean) < 1e-3);
  assert.ok(Math.abs(Math.sqrt(variance) - 0.05) < 1e-3);
  assert.deepEqual(Array.from(addGaussianNoise(img, 0.05, new Rng(1)).data), Array.from(y.data));
  assert.deepEqual(Array.from(addGaussianNoise(img, 0, new Rng(1)).data), Array.from(img.data));
  assert.throws(() => addGaussianNoise(img, -1, new Rng(1)), /sigma/);
});

test('Poisson draws have mean = variance = λ for small (Knuth) and large (PTRS) λ', () => {
  const rng = new Rng(3);
  for (const lambda of [0.7, 4, 45, 400]) {
    const draws = Float64Array.from({ length: 40000 }, () => samplePoisson(lambda, rng));
    const { mean, variance } = meanVar(draws);
    assert.ok(draws.every((k) => Number.isInteger(k) && k >= 0));
    assert.ok(Math.abs(mean - lambda) < 0.03 * lambda + 0.02, `λ=${lambda}: mean ${mean}`);
    assert.ok(Math.abs(variance - lambda) < 0.06 * lambda + 0.05, `λ=${lambda}: variance ${variance}`);
  }
});

test('Poisson–Gaussian noise: mean x, variance g·x + σ²', () => {
  const x = 0.4, gain = 0.002, sigma = 0.01;
  const img = createImage(200, 200, 1, x);
  const y = addPoissonGaussianNoise(img, { gain, sigma }, new Rng(5));
  const { mean, variance } = meanVar(y.data);
  assert.ok(Math.abs(mean - x) < 1e-3, `mean ${mean}`);
  const expected = gain * x + sigma * sigma;
  assert.ok(Math.abs(variance / expected - 1) < 0.05, `variance ${variance} vs ${expected}`);
  assert.throws(() => addPoissonGaussianNoise(img, { gain: 0 }, new Rng(1)), /gain/);
});
