/**
 * Memory stability over a long schedule: the paper preset's T = 30 outer steps on a 16×16 image with
 * a tiny U-Net (1 level, 4 channels) and kernel network (8 units), sampling tf.memory() and the
 * process's resident memory after every outer step. A tensor leaked per inner step would add
 * S·T tensors, one per outer step T; RSS must stay flat once the first outer step has allocated
 * the Adam moments and warmed the allocator.
 *
 * Garbage is collected (gc()) before each sample, so that lazily collected JS garbage, which V8
 * lets grow by ≈ 40 kB a step here, is not mistaken for a leak.
 *
 * The suite runs S = 40 inner steps (1 200 steps, ≈ 20–30 s on 2 cores: tfjs spends ≈ 15 ms of
 * per-op overhead on each step even on tiny tensors); SDI_LONG_TESTS=1 runs the full paper schedule
 * S = 200 (6 000 steps, a few minutes). One wasm thread: threads only add synchronisation on 16×16
 * tensors (and are several times slower on a busy machine).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { deblur } from '../../src/deblur.js';
import { tf } from '../../src/engine/tf.js';
import { presets } from '../../src/solver/presets.js';
import { Rng } from '../../src/rng.js';

process.env.SDI_WASM_THREADS = '1';
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MiB = 2 ** 20;
/** Largest growth allowed from the end of outer step 3 to the end of the run: RSS, and the JS heap. */
const RSS_GROWTH_BOUND = 16 * MiB;
const HEAP_GROWTH_BOUND = 4 * MiB;

async function longRun(t: { diagnostic(message: string): void }, iterations: number): Promise<void> {
  const rng = new Rng(11);
  const image = { width: 16, height: 16, channels: 1 as const, data: Float32Array.from({ length: 256 }, () => 0.2 + 0.6 * rng.uniform()) };
  const samples: Array<{ outer: number; tensors: number; bytes: number; rss: number; heap: number }> = [];
  const tensorsBefore = tf.memory().numTensors;
  const started = performance.now();
  const result = await deblur(image, {
    preset: 'paper', kernelSize: 3, seed: 1,
    solver: { iterations, unet: { inputChannels: 1, levels: 1, width: 4, skipWidth: 2, nonLocalLevels: 0 }, kernelHiddenUnits: 8, kernelHiddenLayers: 1 },
  }, {
    onProgress: (p) => {
      if (p.iteration !== p.iterations || p.preview) return;
      gc();
      const m = tf.memory(), host = process.memoryUsage();
      samples.push({ outer: p.outerDone + 1, tensors: m.numTensors, bytes: m.numBytes, rss: host.rss, heap: host.heapUsed });
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const T = presets.paper.solver.steps!;
  assert.equal(result.report.status, 'completed');
  assert.equal(result.report.lossHistory.length, T * iterations);
  assert.equal(samples.length, T);
  // Tensors and tensor bytes identical after every outer step, and all released at the end.
  assert.deepEqual(new Set(samples.map((s) => s.tensors)).size, 1, `tensor counts ${samples.map((s) => s.tensors).join(' ')}`);
  assert.deepEqual(new Set(samples.map((s) => s.bytes)).size, 1, `tensor bytes ${samples.map((s) => s.bytes).join(' ')}`);
  assert.equal(tf.memory().numTensors, tensorsBefore);
  // Resident memory flat after warm-up.
  const growthOf = (key: 'rss' | 'heap') => Math.max(...samples.slice(2).map((s) => s[key])) - samples[2][key];
  const trace = (key: 'rss' | 'heap') => samples.map((s) => (s[key] / MiB).toFixed(1)).join(' ');
  t.diagnostic(`${T}×${iterations} = ${T * iterations} steps in ${seconds.toFixed(1)} s; ${samples[0].tensors} tensors throughout; ` +
    `RSS ${(samples[2].rss / MiB).toFixed(0)} MiB (+${(growthOf('rss') / MiB).toFixed(1)} MiB max later), JS heap +${(growthOf('heap') / MiB).toFixed(2)} MiB`);
  assert.ok(growthOf('rss') < RSS_GROWTH_BOUND, `RSS grew after outer step 3 (MiB): ${trace('rss')}`);
  assert.ok(growthOf('heap') < HEAP_GROWTH_BOUND, `JS heap grew after outer step 3 (MiB): ${trace('heap')}`);
}

test('tensor count and RSS stay flat over 30 outer steps × 40 inner steps on a tiny image', async (t) => {
  await longRun(t, 40);
});

test('…and over the full paper schedule, 30 × 200 = 6000 steps (SDI_LONG_TESTS=1)', { skip: process.env.SDI_LONG_TESTS !== '1' && 'long: set SDI_LONG_TESTS=1 (a few minutes)' }, async (t) => {
  await longRun(t, 200);
});
