import { test } from 'node:test';
import assert from 'node:assert/strict';
import { l0ImageUpdate, type LatentPrior } from '../../src/baselines/l0_image_update.js';
import { cropPlane, padPlane } from '../../src/deconv/boundary.js';
import { psf2otf } from '../../src/math/fft.js';
import { scoreLevin } from '../../src/metrics/align.js';
import { motionCase } from './fixture.js';

const data = await motionCase();
const pad = padPlane(data.blurred.data, 128, 128, 15);
const otf = psf2otf(data.kernel, pad.rows, pad.cols);

function latent(prior: LatentPrior, priorWeight = 4e-3) {
  const x = cropPlane(l0ImageUpdate(pad.data, pad.rows, pad.cols, otf, { gradientWeight: 1e-3, prior, priorWeight }), pad.cols, 128, 128);
  return { width: 128, height: 128, channels: 1 as const, data: Float32Array.from(x) };
}

test('with the true kernel the L0 latent is sharper than the blurred image and piecewise flat', () => {
  const x = latent('none');
  const input = scoreLevin(data.blurred, data.sharp).psnr;
  const out = scoreLevin(x, data.sharp).psnr;
  assert.ok(out > input, `latent ${out.toFixed(2)} dB vs blurred ${input.toFixed(2)} dB`);
  let flat = 0;
  for (let r = 0; r < 127; r++) for (let c = 0; c < 127; c++) {
    const gh = x.data[r * 128 + c + 1] - x.data[r * 128 + c], gv = x.data[(r + 1) * 128 + c] - x.data[r * 128 + c];
    if (gh * gh + gv * gv < 1e-6) flat++;
  }
  assert.ok(flat > 0.3 * 127 * 127, `only ${flat} flat pixels: the L0 prior should zero many gradients`);
});

test('every prior gives a finite latent close to the plain L0 one', () => {
  const base = latent('none');
  for (const prior of ['intensity', 'dark-channel', 'fft-relu'] as const) {
    const x = latent(prior);
    assert.ok(x.data.every(Number.isFinite), prior);
    assert.ok(scoreLevin(x, data.sharp).psnr > scoreLevin(base, data.sharp).psnr - 3, prior);
  }
});
