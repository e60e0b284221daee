import { test } from 'node:test';
import assert from 'node:assert/strict';
import { combineRestarts, selectRestart, RESTART_AGREEMENT } from '../../src/solver/restart_selection.js';
import { alignedKernelMean } from '../../src/solver/kernel_average.js';
import { kernelNcc } from '../../src/metrics/kernel_metrics.js';
import { mapEnergy } from '../../src/baselines/map_blind.js';
import { SELECTION_MU } from '../../src/solver/kernel_refinement.js';
import { deblur } from '../../src/deblur.js';
import { blurImage } from '../../src/physics/convolve.js';
import { Rng } from '../../src/rng.js';
import type { Image } from '../../src/image/image.js';
import type { Kernel } from '../../src/physics/kernel.js';
import { runCli, isOneLineError } from '../cli/run_cli.js';
import { encodePng } from '../../src/image/codec.js';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Random rectangles (sharp edges), blurred by a 7×7 diagonal line; that line and two wrong kernels. */
function scene(size: number): { blurred: Image; truth: Kernel; delta: Kernel; corner: Kernel } {
  const rng = new Rng(21);
  const sharp = { width: size, height: size, channels: 1 as const, data: new Float32Array(size * size) };
  for (let r = 0; r < 25; r++) {
    const x0 = rng.int(size - 14), y0 = rng.int(size - 14), v = rng.uniform();
    for (let y = y0; y < y0 + 12; y++) for (let x = x0; x < x0 + 12; x++) sharp.data[y * size + x] = v;
  }
  const line = new Float32Array(49);
  for (let i = 1; i < 6; i++) line[i * 7 + i] = 1 / 5;
  const truth = { width: 7, height: 7, data: line };
  const delta = { width: 7, height: 7, data: new Float32Array(49) };
  delta.data[24] = 1;
  const corner = { width: 7, height: 7, data: new Float32Array(49) };
  corner.data[0] = 0.5; corner.data[1] = 0.5; // a blob clipped in the window's corner, as failed runs end
  return { blurred: blurImage(sharp, truth, { mode: 'same', boundary: 'replicate' }), truth, delta, corner };
}

test('selectRestart keeps the kernel of lowest L0 energy: the true blur over the δ and a corner blob, in any order', async () => {
  const { blurred, truth, delta, corner } = scene(96);
  for (const order of [[delta, truth, corner], [corner, delta, truth], [truth, corner, delta]]) {
    const s = await selectRestart(blurred, order);
    assert.equal(order[s.chosen], truth);
    assert.deepEqual(s.energies, order.map((k) => mapEnergy(blurred, k, SELECTION_MU)));
  }
  // ties keep the first restart
  assert.equal((await selectRestart(blurred, [truth, truth])).chosen, 0);
  await assert.rejects(selectRestart(blurred, []), RangeError);
});

test('combineRestarts averages agreeing kernels (aligned on the lowest-energy one) and otherwise keeps the lowest-energy kernel', async () => {
  const { blurred, truth, delta, corner } = scene(96);
  const shifted = { width: 7, height: 7, data: new Float32Array(49) };
  for (let i = 2; i < 7; i++) shifted.data[i * 7 + i] = 1 / 5; // the true line one tap down and right
  const agreeing = await combineRestarts(blurred, [shifted, truth]);
  assert.ok(agreeing.agreement >= RESTART_AGREEMENT && agreeing.averaged);
  assert.deepEqual(agreeing.energies, [shifted, truth].map((k) => mapEnergy(blurred, k, SELECTION_MU)));
  const reference = [shifted, truth][agreeing.chosen];
  assert.deepEqual(Array.from(agreeing.kernel.data), Array.from(alignedKernelMean([reference, reference]).data), 'the mean of two copies is the copy, where the chosen one sits');
  const mixed = await combineRestarts(blurred, [delta, truth, corner]);
  assert.ok(!mixed.averaged && mixed.agreement < RESTART_AGREEMENT);
  assert.equal(mixed.kernel, truth);
  assert.equal(mixed.agreement, Math.min(kernelNcc(delta, truth), kernelNcc(delta, corner), kernelNcc(truth, corner)));
  const selectOnly = await combineRestarts(blurred, [shifted, truth], { allowAverage: false });
  assert.ok(!selectOnly.averaged);
  assert.equal(selectOnly.kernel, [shifted, truth][selectOnly.chosen]);
  const single = await combineRestarts(blurred, [truth]);
  assert.ok(!single.averaged && single.agreement === 1 && single.kernel === truth);
});

test('deblur with restarts runs successive seeds, keeps the lowest-energy one (or the mean where they agree), and its result is that seed\'s run', async () => {
  const { blurred } = scene(40);
  const options = { preset: 'fast' as const, kernelSize: 7, seed: 4, backend: 'cpu' as const,
    solver: { steps: 1, iterations: 2, unet: { inputChannels: 1, levels: 3, width: 8, skipWidth: 4, nonLocalLevels: 1 }, kernelHiddenUnits: 16 } };
  const r = await deblur(blurred, { ...options, restarts: 3 });
  const restarts = r.report.restarts;
  assert.ok(restarts);
  assert.deepEqual(restarts.runs.map((x) => x.seed), [4, 5, 6]);
  assert.ok(restarts.runs.every((x) => x.status === 'completed' && Number.isFinite(x.energy)));
  const energies = restarts.runs.map((x) => x.energy);
  assert.equal(restarts.chosen, energies.indexOf(Math.min(...energies)));
  assert.equal(restarts.chosenSeed, 4 + restarts.chosen);
  assert.equal(r.report.seed, 4);
  // the kernel is exactly a single run's from the kept seed, or the aligned mean of the runs' kernels when they agree
  const singles = await Promise.all([4, 5, 6].map((s) => deblur(blurred, { ...options, seed: s })));
  const agreement = Math.min(kernelNcc(singles[0].kernel, singles[1].kernel), kernelNcc(singles[0].kernel, singles[2].kernel), kernelNcc(singles[1].kernel, singles[2].kernel));
  assert.equal(restarts.agreement, agreement);
  assert.equal(restarts.averaged, agreement >= RESTART_AGREEMENT);
  const single = singles[restarts.chosen];
  if (restarts.averaged) {
    const others = singles.filter((_, i) => i !== restarts.chosen).map((x) => x.kernel);
    assert.deepEqual(r.kernel.data, alignedKernelMean([single.kernel, ...others]).data);
  } else {
    assert.deepEqual(r.kernel.data, single.kernel.data);
    assert.deepEqual(r.image.data, single.image.data);
  }
  assert.equal(single.report.restarts, null);
  await assert.rejects(deblur(blurred, { ...options, restarts: 0 }), /restarts must be an integer from 1 to 16/);
  await assert.rejects(deblur(blurred, { ...options, restarts: 2 }, { onCheckpoint: () => undefined }), /checkpoints and resume work with one run/);
});

test('sdi deblur --restarts 2 names the seeds and the one kept; with --checkpoint it is a one-line error', async () => {
  const { blurred } = scene(40);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdi-restarts-'));
  try {
    const input = path.join(dir, 'in.png');
    fs.writeFileSync(input, encodePng(blurred));
    const common = [input, '--kernel-size', '7', '--preset', 'fast', '--steps', '1', '--iters', '2', '--width', '8', '--backend', 'cpu', '--restarts', '2'];
    const ok = await runCli(['deblur', ...common, '-o', path.join(dir, 'out.png'), '--report', path.join(dir, 'run.json')]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout + ok.stderr, /seeds 0–1, (kept [01] \(lowest L0 energy\)|kernels averaged \(they agree: NCC ≥ [01]\.\d\d; lowest L0 energy [01]\))/);
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8'));
    assert.equal(report.restarts.runs.length, 2);
    const bad = await runCli(['deblur', ...common, '-o', path.join(dir, 'out2.png'), '--checkpoint', path.join(dir, 'ck')]);
    assert.notEqual(bad.status, 0);
    assert.ok(isOneLineError(bad.stderr), bad.stderr);
    assert.match(bad.stderr, /--checkpoint works with one run/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
