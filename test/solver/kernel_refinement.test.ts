import { test } from 'node:test';
import assert from 'node:assert/strict';
import { refineKernelWithMap, selectRefinementCandidate } from '../../src/solver/kernel_refinement.js';
import { deblur } from '../../src/deblur.js';
import { kernelNcc } from '../../src/metrics/kernel_metrics.js';
import { deconvolveHqs } from '../../src/deconv/hqs.js';
import { presets } from '../../src/solver/presets.js';
import { blurImage } from '../../src/physics/convolve.js';
import { Rng } from '../../src/rng.js';
import type { Image } from '../../src/image/image.js';

/** Random rectangles (sharp edges, as the L0 prior likes), blurred by a 7×7 diagonal line. */
function scene(size: number): { blurred: Image; truth: { width: number; height: number; data: Float32Array } } {
  const rng = new Rng(11);
  const sharp = { width: size, height: size, channels: 1 as const, data: new Float32Array(size * size) };
  for (let r = 0; r < 25; r++) {
    const x0 = rng.int(size - 14), y0 = rng.int(size - 14), v = rng.uniform();
    for (let y = y0; y < y0 + 12; y++) for (let x = x0; x < x0 + 12; x++) sharp.data[y * size + x] = v;
  }
  const data = new Float32Array(49);
  for (let i = 1; i < 6; i++) data[i * 7 + i] = 1 / 5;
  const truth = { width: 7, height: 7, data };
  return { blurred: blurImage(sharp, truth, { mode: 'same', boundary: 'replicate' }), truth };
}

test('refinement keeps the candidate with the lowest L0 energy and returns a valid kernel near the truth', async () => {
  const { blurred, truth } = scene(96);
  const rough = { width: 7, height: 7, data: new Float32Array(49).fill(1 / 49) };
  const { kernel, report } = await refineKernelWithMap(blurred, rough);
  const e = report.energies;
  assert.ok([e.network, e.refined, e.map].every(Number.isFinite));
  const kept = (['network', 'refined', 'map'] as const).filter((c) => !report.excluded.includes(c as 'refined' | 'map'));
  assert.deepEqual(report.excluded, [], 'no candidate of this centred blur hugs its window\'s border');
  assert.equal(e[report.chosen], Math.min(...kept.map((c) => e[c])));
  assert.notEqual(report.chosen, 'network', 'a uniform kernel must not explain an edge image best');
  assert.ok(kernel.data.every((v) => v >= 0));
  assert.ok(Math.abs(kernel.data.reduce((a, b) => a + b, 0) - 1) < 1e-5);
  assert.ok(kernelNcc(kernel, truth) > 0.8, `NCC ${kernelNcc(kernel, truth)}`);
});

test('deblur with refine map-l0 records the refinement and refuses the network restore', async () => {
  const { blurred } = scene(48);
  const options = { preset: 'fast' as const, kernelSize: 7, seed: 1, backend: 'cpu' as const, refine: 'map-l0' as const,
    solver: { steps: 1, iterations: 2, unet: { inputChannels: 1, levels: 3, width: 8, skipWidth: 4, nonLocalLevels: 1 }, kernelHiddenUnits: 16 } };
  const r = await deblur(blurred, options);
  assert.equal(r.report.restore, 'nonblind');
  assert.equal(r.report.restoreLambdaPerSigma, presets.fast.restoreLambdaPerSigma);
  assert.deepEqual(Array.from(r.image.data), Array.from(deconvolveHqs(blurred, r.kernel, { lambdaPerSigma: presets.fast.restoreLambdaPerSigma }).data), 'the image is HQS with the kept kernel and the preset\'s weight');
  const thorough = await deblur(blurred, { ...options, preset: 'thorough' });
  assert.equal(thorough.report.restoreLambdaPerSigma, 0.1);
  assert.ok(r.report.refinement && ['network', 'refined', 'map'].includes(r.report.refinement.chosen));
  await assert.rejects(deblur(blurred, { ...options, restore: 'network' }), /refine=map-l0/);
});

test('a MAP candidate clipped at its window\'s border is not kept, the network\'s kernel always can be', () => {
  const blob = (row: number, col: number) => {
    const data = new Float32Array(81);
    data[row * 9 + col] = 0.5;
    data[row * 9 + Math.min(8, col + 1)] = 0.5;
    return { width: 9, height: 9, data };
  };
  const centred = blob(4, 3), corner = blob(0, 7), edge = blob(4, 8);
  const energies = { network: 3, refined: 1, map: 2 };
  // the lowest-energy candidate hugs the border: the next one is kept
  assert.deepEqual(selectRefinementCandidate(energies, { network: centred, refined: corner, map: centred }), { chosen: 'map', excluded: ['refined'] });
  // both MAP candidates clipped: the network's kernel, even at the border itself
  assert.deepEqual(selectRefinementCandidate(energies, { network: edge, refined: corner, map: edge }), { chosen: 'network', excluded: ['refined', 'map'] });
  // nothing clipped: plain argmin
  assert.deepEqual(selectRefinementCandidate(energies, { network: centred, refined: centred, map: centred }), { chosen: 'refined', excluded: [] });
});
