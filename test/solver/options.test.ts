import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deblur } from '../../src/deblur.js';
import { SdiError } from '../../src/errors.js';
import type { SolverOptions, SolverOverrides } from '../../src/solver/options.js';
import { presets, resolveSolverOptions } from '../../src/solver/presets.js';

const image = { width: 40, height: 40, channels: 1 as const, data: new Float32Array(1600).fill(0.5) };

test('deblur refuses invalid solver overrides with a one-line SdiError before training', async () => {
  const bad: Array<[SolverOverrides, RegExp]> = [
    [{ iterations: -1 }, /iterations must be a positive integer/],
    [{ iterations: 1.5 }, /iterations must be a positive integer/],
    [{ steps: 0 }, /steps must be a positive integer/],
    [{ lossEvery: 0 }, /lossEvery/],
    [{ unet: { width: 0 } }, /unet.width/],
    [{ lrImage: Number.NaN }, /lrImage must be positive/],
    [{ mode: 'magic' as SolverOptions['mode'] }, /mode must be/],
  ];
  for (const [solver, pattern] of bad) {
    await assert.rejects(deblur(image, { preset: 'fast', kernelSize: 5, backend: 'cpu', solver }), (e: unknown) => e instanceof SdiError && pattern.test(e.message) && !e.message.includes('\n'), JSON.stringify(solver));
  }
  await assert.rejects(deblur(image, { preset: 'fast', kernelSize: 5, backend: 'cpu', restore: 'x' as 'auto' }), /restore must be/);
});

test('a partial unet or prior override changes only the fields it names and keeps the rest of the preset', () => {
  const balanced = resolveSolverOptions('balanced');
  const narrow = resolveSolverOptions('balanced', { unet: { width: 16 }, prior: { weight: 0 }, steps: 7 });
  assert.deepEqual(narrow.unet, { ...balanced.unet, width: 16 });
  assert.deepEqual(narrow.prior, { ...balanced.prior, weight: 0 });
  assert.equal(narrow.steps, 7);
  assert.equal(narrow.iterations, balanced.iterations);
  // The preset table itself is not modified by an override.
  assert.equal(presets.balanced.solver.unet?.width, 32);
});
