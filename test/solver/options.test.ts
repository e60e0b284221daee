import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deblur } from '../../src/deblur.js';
import { SdiError } from '../../src/errors.js';
import { iterationsOption, parseIterationSchedule, innerIterations, type SolverOptions, type SolverOverrides } from '../../src/solver/options.js';
import { presets, resolveSolverOptions } from '../../src/solver/presets.js';

const image = { width: 40, height: 40, channels: 1 as const, data: new Float32Array(1600).fill(0.5) };

test('deblur refuses invalid solver overrides with a one-line SdiError before training', async () => {
  const bad: Array<[SolverOverrides, RegExp]> = [
    [{ iterations: -1 }, /iterations must be a positive integer/],
    [{ iterations: 1.5 }, /iterations must be a positive integer/],
    [{ steps: 0 }, /steps must be a positive integer/],
    [{ lossEvery: 0 }, /lossEvery/],
    [{ iterationSchedule: [1, 2] }, /iterationSchedule must list one inner-step count per outer step/],
    [{ steps: 2, iterationSchedule: [1, 0] }, /iterationSchedule entry must be a positive integer/],
    [{ unet: { width: 0 } }, /unet.width/],
    [{ lrImage: Number.NaN }, /lrImage must be positive/],
    [{ mode: 'magic' as SolverOptions['mode'] }, /mode must be/],
    [{ imageSharpness: -1 }, /imageSharpness must be a finite number ≥ 0/],
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

test('lean is balanced at 16 channels with 20 of its 30 outer steps coarse; an overridden schedule keeps its share coarse', () => {
  const lean = resolveSolverOptions('lean'), balanced = resolveSolverOptions('balanced');
  assert.deepEqual({ ...lean, unet: { ...lean.unet, width: 32 }, coarseSteps: 0 }, balanced);
  assert.equal(lean.unet.width, 16);
  assert.equal(lean.coarseSteps, 20);
  assert.equal(resolveSolverOptions('lean', { steps: 15 }).coarseSteps, 10);
  assert.equal(resolveSolverOptions('lean', { steps: 2 }).coarseSteps, 1);
  assert.equal(resolveSolverOptions('lean', { steps: 1 }).coarseSteps, 0);
  assert.equal(resolveSolverOptions('lean', { steps: 15, coarseSteps: 3 }).coarseSteps, 3);
  assert.equal(resolveSolverOptions('balanced', { steps: 15 }).coarseSteps, 0);
});

test('thorough is lean with the paper\'s 200 inner steps per outer step', () => {
  const lean = resolveSolverOptions('lean'), thorough = resolveSolverOptions('thorough');
  assert.deepEqual({ ...thorough, iterations: 50 }, lean);
  assert.equal(thorough.iterations, 200);
  assert.equal(thorough.steps * thorough.iterations, 6000);
});

test('an --iters value is a count or a schedule of SxN groups covering every outer step', () => {
  assert.deepEqual(parseIterationSchedule('2x3,5x1', 4), [2, 2, 2, 5]);
  assert.deepEqual(iterationsOption('50', 30), { iterations: 50 });
  assert.deepEqual(iterationsOption('25x15, 50X15', 30).iterationSchedule?.length, 30);
  assert.deepEqual(innerIterations({ steps: 3, iterations: 4, iterationSchedule: null }), [4, 4, 4]);
  for (const [text, steps, pattern] of [['25x15', 30, /covers 15 outer steps, but the run has 30/], ['25y15', 30, /must be a number/], ['0x30', 30, /not SxN/], ['1.5', 30, /must be a number/], ['0', 30, /integer in 1…100000/], ['x', 30, /not SxN/], ['NaN', 30, /must be a number/]] as const) {
    assert.throws(() => iterationsOption(text, steps), (e: unknown) => e instanceof SdiError && pattern.test(e.message), text);
  }
});
