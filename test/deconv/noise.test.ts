import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateNoiseSigma } from '../../src/deconv/noise.js';
import { Rng } from '../../src/rng.js';
import { levinKernel, syntheticCase } from './synthetic.js';

test('estimates the σ of white Gaussian noise', () => {
  const rng = new Rng(11);
  const n = 128;
  const plane = Float64Array.from({ length: n * n }, () => 0.5 + 0.02 * rng.normal());
  const s = estimateNoiseSigma(plane, n, n);
  assert.ok(Math.abs(s - 0.02) < 0.002, `σ̂ = ${s}`);
});

test('estimates the noise of a blurred image, not its content', async () => {
  for (const sigma of [0.005, 0.01, 0.02]) {
    const { blurred } = await syntheticCase(1, await levinKernel(5), 96, sigma, 3);
    const s = estimateNoiseSigma(blurred.data, blurred.width, blurred.height);
    assert.ok(Math.abs(s - sigma) < 0.2 * sigma, `σ = ${sigma}: σ̂ = ${s}`);
  }
});
