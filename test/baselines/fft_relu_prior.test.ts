import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reluFourierTransform, reluFourierTransformFromSpectrum } from '../../src/baselines/fft_relu_prior.js';
import { RealFft2d } from '../../src/math/real_fft2d.js';
import { Rng } from '../../src/rng.js';
import { maxAbsDiff } from '../helpers.js';

test('RFT(x) = Re F⁻¹(ReLU(Re X) + i ReLU(Im X)) − x/2 equals ½F⁻¹(|Re X|), an even function', () => {
  const rng = new Rng(7);
  for (const [rows, cols] of [[16, 16], [8, 32], [6, 10]]) {
    const x = Float64Array.from({ length: rows * cols }, () => rng.uniform());
    const byDefinition = reluFourierTransform(x, rows, cols);
    const fft = new RealFft2d(rows, cols);
    const re = new Float64Array(x.length), im = new Float64Array(x.length);
    fft.forward(x, re, im);
    const closedForm = reluFourierTransformFromSpectrum(re, fft);
    assert.ok(maxAbsDiff(byDefinition, closedForm) < 1e-9, `${rows}×${cols}`);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) {
      const mirrored = closedForm[((rows - r) % rows) * cols + ((cols - c) % cols)];
      assert.ok(Math.abs(closedForm[r * cols + c] - mirrored) < 1e-9, 'RFT(x)(n) = RFT(x)(−n)');
    }
  }
});
