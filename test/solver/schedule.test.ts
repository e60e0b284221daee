import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearNoiseSchedule } from '../../src/solver/schedule.js';

test('paper schedule: T=30, β 1e-4→2e-2 gives σ from ≈0.51 down to 0.01', () => {
  const { sigmas, betas } = linearNoiseSchedule(30);
  assert.ok(Math.abs(betas[0] - 1e-4) < 1e-12 && Math.abs(betas[29] - 2e-2) < 1e-12);
  assert.ok(Math.abs(sigmas[0] - 0.01) < 1e-9, `σ_1 = ${sigmas[0]}`);
  assert.ok(sigmas[29] > 0.5 && sigmas[29] < 0.52, `σ_T = ${sigmas[29]}`);
  for (let i = 1; i < 30; i++) assert.ok(sigmas[i] > sigmas[i - 1]);
});
