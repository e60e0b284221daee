import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deblur } from '../../src/deblur.js';
import { SdiError } from '../../src/errors.js';
import type { SolverOptions } from '../../src/solver/options.js';

const image = { width: 40, height: 40, channels: 1 as const, data: new Float32Array(1600).fill(0.5) };

test('deblur refuses invalid solver overrides with a one-line SdiError before training', async () => {
  const bad: Array<[Partial<SolverOptions>, RegExp]> = [
    [{ iterations: -1 }, /iterations must be a positive integer/],
    [{ iterations: 1.5 }, /iterations must be a positive integer/],
    [{ steps: 0 }, /steps must be a positive integer/],
    [{ lossEvery: 0 }, /lossEvery/],
    [{ unet: { inputChannels: 1, levels: 3, width: 0, skipWidth: 4, nonLocalLevels: 1 } }, /unet.width/],
    [{ lrImage: Number.NaN }, /lrImage must be positive/],
    [{ mode: 'magic' as SolverOptions['mode'] }, /mode must be/],
  ];
  for (const [solver, pattern] of bad) {
    await assert.rejects(deblur(image, { preset: 'fast', kernelSize: 5, backend: 'cpu', solver }), (e: unknown) => e instanceof SdiError && pattern.test(e.message) && !e.message.includes('\n'), JSON.stringify(solver));
  }
  await assert.rejects(deblur(image, { preset: 'fast', kernelSize: 5, backend: 'cpu', restore: 'x' as 'auto' }), /restore must be/);
});
