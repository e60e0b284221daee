import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf.js';
import { initBackend } from '../../src/engine/backend.js';
import { EXPLODING_LOSS_FACTOR, runSelfDiffusion, solverOptionsKey, type SolverCheckpoint } from '../../src/solver/self_diffusion.js';
import { validateSolverOptions } from '../../src/solver/options.js';
import { defaultSolverOptions, type SolverOptions } from '../../src/solver/options.js';

const tiny: SolverOptions = {
  ...defaultSolverOptions,
  kernelSize: [5, 5],
  steps: 4,
  iterations: 3,
  unet: { inputChannels: 1, levels: 3, width: 8, skipWidth: 4, nonLocalLevels: 1 },
  kernelHiddenUnits: 16,
  kernelHiddenLayers: 2,
};
const image = { width: 20, height: 20, channels: 1 as const, data: Float32Array.from({ length: 400 }, (_, i) => ((i % 20) + Math.floor(i / 20)) % 7 / 7) };

test('tensor count is flat across outer steps and back to the start afterwards', async () => {
  await initBackend('cpu');
  const start = tf.memory().numTensors;
  const counts: number[] = [];
  const r = await runSelfDiffusion(image, tiny, { previews: true, onProgress: (p) => { if (p.preview) counts.push(tf.memory().numTensors); } });
  assert.equal(r.status, 'completed');
  assert.equal(counts.length, tiny.steps);
  assert.ok(counts.every((c) => c === counts[0]), `counts ${counts}`);
  assert.equal(tf.memory().numTensors, start);
});

test('the same seed reproduces the run bit for bit; another seed does not', async () => {
  await initBackend('cpu');
  const a = await runSelfDiffusion(image, { ...tiny, seed: 7 });
  const b = await runSelfDiffusion(image, { ...tiny, seed: 7 });
  const c = await runSelfDiffusion(image, { ...tiny, seed: 8 });
  assert.deepEqual(Array.from(a.image.data), Array.from(b.image.data));
  assert.deepEqual(Array.from(a.kernel.data), Array.from(b.kernel.data));
  assert.deepEqual(a.lossHistory, b.lossHistory);
  assert.notDeepEqual(Array.from(a.kernel.data), Array.from(c.kernel.data));
});

test('the kernel estimate is a valid blur kernel and an abort stops early with the estimate so far', async () => {
  await initBackend('cpu');
  const controller = new AbortController();
  const r = await runSelfDiffusion(image, tiny, { signal: controller.signal, onProgress: (p) => { if (p.done === 5) controller.abort(); } });
  assert.equal(r.status, 'aborted');
  assert.equal(r.stepsDone, 5);
  const sum = r.kernel.data.reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(sum - 1) < 1e-5 && r.kernel.data.every((v) => v >= 0));
  assert.equal(r.image.width, 20);
  assert.ok(r.image.data.every((v) => v > 0 && v < 1));
});

test('every mode runs: k-diff, standard, selfdeblur', async () => {
  await initBackend('cpu');
  for (const mode of ['k-diff', 'standard', 'selfdeblur'] as const) {
    const r = await runSelfDiffusion(image, { ...tiny, steps: 2, iterations: 2, mode });
    assert.equal(r.outerLoss.length, 2);
    assert.ok(r.outerLoss.every(Number.isFinite));
  }
});

test('a run resumed from a checkpoint ends bit-identical to an uninterrupted run', async () => {
  await initBackend('cpu');
  const { runSelfDiffusion: run } = await import('../../src/solver/self_diffusion.js');
  const full = await run(image, { ...tiny, seed: 3 });
  const checkpoints: import('../../src/solver/self_diffusion.js').SolverCheckpoint[] = [];
  const controller = new AbortController();
  const partial = await run(image, { ...tiny, seed: 3 }, {
    signal: controller.signal,
    onCheckpoint: (c) => { checkpoints.push(c); if (c.outerDone === 2) controller.abort(); },
  });
  assert.equal(partial.status, 'aborted');
  const last = checkpoints[checkpoints.length - 1];
  assert.equal(last.outerDone, 2);
  const start = tf.memory().numTensors;
  const resumed = await run(image, { ...tiny, seed: 3 }, { resume: last });
  assert.equal(tf.memory().numTensors, start);
  assert.equal(resumed.status, 'completed');
  assert.deepEqual(Array.from(resumed.image.data), Array.from(full.image.data));
  assert.deepEqual(Array.from(resumed.kernel.data), Array.from(full.kernel.data));
  assert.deepEqual(resumed.outerLoss, full.outerLoss);
  await assert.rejects(run(image, { ...tiny, seed: 4 }, { resume: last }), /other options/);
  // The divergence guard's state travels with the checkpoint: halved rates and past events are kept.
  assert.deepEqual(last.guard?.learningRates, [tiny.lrImage, tiny.lrKernel]);
  const event = { outerDone: 1, kind: 'exploding-loss' as const, action: 'restarted-lr-halved' as const, detail: 'test' };
  const halved = await run(image, { ...tiny, seed: 3 }, { resume: { ...last, guard: { learningRates: [tiny.lrImage / 2, tiny.lrKernel / 2], minLoss: null, events: [event] } } });
  assert.deepEqual(halved.events[0], event);
  assert.notDeepEqual(halved.outerLoss, full.outerLoss);
  // An outer step's loss is judged against that step's own losses, not the earlier steps' minimum: a new
  // step's input can start its loss far above it (noiseless photos: 7.8 → 7507), and a restart cannot
  // change a first loss. A checkpoint from before that rule, holding a run minimum far below every loss
  // of this run, must resume without tripping it.
  const lowMinimum = await run(image, { ...tiny, seed: 3 }, { resume: { ...last, guard: { ...last.guard!, minLoss: 1e-12 } } });
  assert.equal(lowMinimum.status, 'completed');
  assert.deepEqual(lowMinimum.events, []);
  assert.deepEqual(lowMinimum.outerLoss, full.outerLoss);
  assert.ok(Math.min(...full.lossHistory.filter(Number.isFinite)) > EXPLODING_LOSS_FACTOR * 1e-12);
});

test('a loss that turns non-finite restarts the step with halved learning rates, then stops with the last good estimate', async () => {
  await initBackend('cpu');
  const start = tf.memory().numTensors;
  const r = await runSelfDiffusion(image, { ...tiny, steps: 2, iterations: 3, lrImage: Infinity, lrKernel: Infinity });
  assert.equal(r.status, 'diverged');
  const restarts = r.events.filter((e) => e.action === 'restarted-lr-halved');
  assert.equal(restarts.length, 3);
  assert.ok(r.events.some((e) => e.action === 'stopped' && e.kind === 'non-finite-loss'));
  assert.ok(r.image.data.every(Number.isFinite) && r.kernel.data.every(Number.isFinite));
  assert.ok(Math.abs(r.kernel.data.reduce((s, v) => s + v, 0) - 1) < 1e-5);
  assert.equal(tf.memory().numTensors, start);
});

test('lossReduction mean is the sum-of-squares data term over H·W (first step, no prior)', async () => {
  await initBackend('cpu');
  const base = { ...tiny, steps: 1, iterations: 1, prior: { kind: 'none' as const, weight: 0, p: 0.5 } };
  const sum = await runSelfDiffusion(image, { ...base, lossReduction: 'sum' });
  const mean = await runSelfDiffusion(image, { ...base, lossReduction: 'mean' });
  const ratio = sum.lossHistory[0] / mean.lossHistory[0];
  assert.ok(Math.abs(ratio / (image.width * image.height) - 1) < 1e-4, `ratio ${ratio}`);
});

test('recentreKernel keeps the kernel centred in its window, leaks nothing, and resumes bit-identically', async () => {
  await initBackend('cpu');
  const { kernelCentroidOffset } = await import('../../src/solver/kernel_centring.js');
  // Start the kernel network at an off-centre kernel (mass around (1, 1) of the 7×7 window) so that the first outer step has to re-centre it.
  const offCentre = Array.from({ length: 49 }, (_, i) => (Math.floor(i / 7) <= 2 && i % 7 <= 2 ? 1 : 0.01));
  const opts: SolverOptions = { ...tiny, kernelSize: [7, 7], recentreKernel: true, kernelInit: offCentre, seed: 5 };
  const start = tf.memory().numTensors;
  const checkpoints: import('../../src/solver/self_diffusion.js').SolverCheckpoint[] = [];
  const full = await runSelfDiffusion(image, opts, { onCheckpoint: (c) => { checkpoints.push(c); } });
  assert.equal(tf.memory().numTensors, start);
  for (const c of checkpoints) {
    const [dy, dx] = kernelCentroidOffset(c.kernel, 7, 7);
    assert.ok(Math.abs(dy) <= 0.5 && Math.abs(dx) <= 0.5, `outer step ${c.outerDone}: centroid offset ${dy}, ${dx}`);
  }
  assert.ok(checkpoints.some((c) => c.kernelShift && (c.kernelShift[0] !== 0 || c.kernelShift[1] !== 0)), `no shift in ${checkpoints.map((c) => c.kernelShift)}`);
  const resumed = await runSelfDiffusion(image, opts, { resume: checkpoints[1] });
  assert.deepEqual(Array.from(resumed.kernel.data), Array.from(full.kernel.data));
  assert.deepEqual(Array.from(resumed.image.data), Array.from(full.image.data));
});

test('an iteration schedule runs S_i inner steps in outer step i: progress counts them, and a constant schedule equals `iterations`', async () => {
  await initBackend('cpu');
  const perOuter = new Map<number, number>();
  let total = 0;
  const r = await runSelfDiffusion(image, { ...tiny, iterationSchedule: [1, 1, 3, 3] }, {
    onProgress: (p) => { perOuter.set(p.outerDone, p.iteration); total = p.total; },
  });
  assert.equal(r.status, 'completed');
  assert.equal(r.stepsDone, 8);
  assert.equal(r.lossHistory.length, 8);
  assert.equal(total, 8);
  assert.deepEqual([...perOuter.entries()], [[0, 1], [1, 1], [2, 3], [3, 3]]);
  const constant = await runSelfDiffusion(image, { ...tiny, iterationSchedule: [3, 3, 3, 3] });
  const plain = await runSelfDiffusion(image, tiny);
  assert.deepEqual(Array.from(constant.kernel.data), Array.from(plain.kernel.data));
});

test('coarseSteps: the first outer steps run on the half-resolution latent, then at full size; resumes bit-identically from either phase, leaks nothing', async () => {
  await initBackend('cpu');
  const opts = { ...tiny, seed: 5, coarseSteps: 2 };
  const start = tf.memory().numTensors;
  const checkpoints: SolverCheckpoint[] = [];
  const full = await runSelfDiffusion(image, opts, { onCheckpoint: (c) => { checkpoints.push(c); } });
  assert.equal(tf.memory().numTensors, start);
  assert.equal(full.status, 'completed');
  // 20² image, 5×5 kernel: latent 24² at full size, (10 + 3 − 1)² = 12² at half size
  assert.deepEqual(checkpoints.map((c) => c.x.length), [144, 576, 576, 576]);
  assert.equal(full.image.width, 20);
  assert.ok(Math.abs(full.kernel.data.reduce((s, v) => s + v, 0) - 1) < 1e-5);
  for (const from of [checkpoints[0], checkpoints[1]]) {
    const resumed = await runSelfDiffusion(image, opts, { resume: from });
    assert.deepEqual(Array.from(resumed.image.data), Array.from(full.image.data), `resumed after ${from.outerDone}`);
    assert.deepEqual(resumed.outerLoss, full.outerLoss);
  }
  assert.equal(tf.memory().numTensors, start);
  const plain = await runSelfDiffusion(image, { ...tiny, seed: 5 });
  assert.notDeepEqual(plain.outerLoss, full.outerLoss);
  // off (0) is the paper's schedule, with the same options key as before the option existed; the image prior
  // (added later) likewise: off, the key is as it was; on, it differs
  const { coarseSteps: _c, imageSharpness: _i, lossEvery: _l, ...before } = { ...tiny, coarseSteps: 0, imageSharpness: 0 };
  assert.equal(solverOptionsKey({ ...tiny, coarseSteps: 0, imageSharpness: 0 }), JSON.stringify(before));
  assert.notEqual(solverOptionsKey({ ...tiny, imageSharpness: 3e-3 }), solverOptionsKey({ ...tiny, imageSharpness: 0 }));
  assert.throws(() => validateSolverOptions({ ...tiny, coarseSteps: 5 }), /coarseSteps must be an integer in 0…steps/);
  await assert.rejects(runSelfDiffusion({ width: 12, height: 12, channels: 1, data: new Float32Array(144).fill(0.5) }, { ...tiny, coarseSteps: 1 }), /too small/);
});
