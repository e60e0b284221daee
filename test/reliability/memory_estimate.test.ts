/**
 * The memory estimator (src/resources/memory_estimate.ts) against measurements, and the refusal of
 * runs that do not fit, in the library and through the CLI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deconvolveHqs } from '../../src/deconv/index.js';
import { deblur } from '../../src/deblur.js';
import { initBackend } from '../../src/engine/backend.js';
import { tf } from '../../src/engine/tf.js';
import { SdiError } from '../../src/errors.js';
import { encodePng } from '../../src/image/codec.js';
import { KernelGenerator } from '../../src/nn/kernel_generator.js';
import { SkipUNet } from '../../src/nn/unet.js';
import { uniformKernel } from '../../src/physics/kernel.js';
import { assertDeblurFits, estimateDeblurMemory, kernelNetParameterCount, restoreBytesPerChannel, unetParameterCount, WASM_USABLE_BYTES, type DeblurFitCheck } from '../../src/resources/memory_estimate.js';
import { runSelfDiffusion } from '../../src/solver/self_diffusion.js';
import { presets, resolveSolverOptions } from '../../src/solver/presets.js';
import { Rng } from '../../src/rng.js';
import { isOneLineError } from '../cli/run_cli.js';
import { runMain } from './cli_in_process.js';
import { describeFailure } from '../../web/src/failure.js';

process.env.SDI_WASM_THREADS = '1'; // the measured bytes do not depend on threads; one is faster on busy machines
const MiB = 2 ** 20, GiB = 2 ** 30;

function randomImage(width: number, height: number, seed = 1) {
  const rng = new Rng(seed);
  return { width, height, channels: 1 as const, data: Float32Array.from({ length: width * height }, () => rng.uniform()) };
}

test('the HQS restore term matches the resident memory the restore adds (first, while the process is small)', (t) => {
  const [W, H, k] = [480, 480, 15];
  const image = randomImage(W, H);
  const before = process.resourceUsage().maxRSS * 1024;
  deconvolveHqs(image, uniformKernel(k), { iterations: 2 });
  const grew = process.resourceUsage().maxRSS * 1024 - before;
  const estimated = restoreBytesPerChannel(H, W, [k, k]); // 512×512 canvas × 225 B
  assert.equal(estimated, 512 * 512 * 225);
  t.diagnostic(`HQS restore of ${W}×${H}: RSS +${(grew / MiB).toFixed(1)} MiB, estimated ${(estimated / MiB).toFixed(1)} MiB`);
  assert.ok(grew > 0.75 * estimated && grew < 1.3 * estimated, `restore grew RSS by ${(grew / MiB).toFixed(1)} MiB, estimated ${(estimated / MiB).toFixed(1)} MiB`);
});

test('parameter counts equal the networks\' own', async () => {
  await initBackend('cpu');
  for (const unet of [{ levels: 5, width: 128, skipWidth: 16, nonLocalLevels: 3 }, { levels: 3, width: 12, skipWidth: 3, nonLocalLevels: 1 }, { levels: 1, width: 4, skipWidth: 2, nonLocalLevels: 0 }]) {
    const net = new SkipUNet({ inputChannels: 1, ...unet }, new Rng(1));
    assert.equal(unetParameterCount(unet), net.params.count(), JSON.stringify(unet));
    net.dispose();
  }
  for (const [kh, kw, hiddenUnits, hiddenLayers] of [[31, 31, 1000, 3], [7, 5, 20, 1], [4, 4, 8, 5]]) {
    const net = new KernelGenerator({ kernelHeight: kh, kernelWidth: kw, hiddenUnits, hiddenLayers }, new Rng(1));
    assert.equal(kernelNetParameterCount([kh, kw], { hiddenUnits, hiddenLayers }), net.params.count());
    net.dispose();
  }
});

test('the solver term is within 15 % of the tensor peak tf.profile measures in real training runs (wasm)', async (t) => {
  await initBackend('wasm');
  const configs = [
    { side: 40, k: 31, unet: { levels: 2, width: 8, skipWidth: 4, nonLocalLevels: 1 }, kernelNet: { hiddenUnits: 1000, hiddenLayers: 3 } }, // optimiser step dominates
    { side: 48, k: 7, unet: { levels: 4, width: 16, skipWidth: 4, nonLocalLevels: 2 }, kernelNet: { hiddenUnits: 100, hiddenLayers: 2 } },
    { side: 64, k: 15, unet: { levels: 5, width: 32, skipWidth: 8, nonLocalLevels: 2 }, kernelNet: { hiddenUnits: 500, hiddenLayers: 3 } },
  ];
  for (const c of configs) {
    const opts = resolveSolverOptions('fast', { kernelSize: [c.k, c.k], steps: 1, iterations: 2, unet: { inputChannels: 1, ...c.unet }, kernelHiddenUnits: c.kernelNet.hiddenUnits, kernelHiddenLayers: c.kernelNet.hiddenLayers });
    const before = tf.memory().numBytes;
    const profile = await tf.profile(async () => {
      await runSelfDiffusion(randomImage(c.side, c.side), opts);
      return [];
    });
    const measured = profile.peakBytes - before;
    const e = estimateDeblurMemory({ image: { width: c.side, height: c.side, channels: 1 }, working: { width: c.side, height: c.side }, workingKernel: [c.k, c.k], kernel: [c.k, c.k], unet: c.unet, kernelNet: c.kernelNet, backend: 'wasm', restore: 'network' });
    t.diagnostic(`${c.side}² k${c.k} d${c.unet.width}: measured peak ${(measured / MiB).toFixed(1)} MiB, estimated ${(e.solverBytes / MiB).toFixed(1)} MiB`);
    assert.ok(e.solverBytes > 0.85 * measured && e.solverBytes < 1.15 * measured, `estimate ${e.solverBytes} vs measured ${measured}`);
  }
});

function fitCheck(overrides: Partial<DeblurFitCheck> & Pick<DeblurFitCheck, 'image'>): DeblurFitCheck {
  const p = presets.fast;
  const solver = resolveSolverOptions('fast');
  const side = Math.min(p.maxWorkingSize, overrides.image.width, overrides.image.height);
  return {
    area: overrides.image, working: { width: side, height: side }, workingKernel: [31, 31], kernel: [31, 31], maxSide: p.maxWorkingSize, scale: 1,
    unet: solver.unet, kernelNet: { hiddenUnits: solver.kernelHiddenUnits, hiddenLayers: solver.kernelHiddenLayers }, backend: 'wasm', restore: 'nonblind', ...overrides,
  };
}

function refusal(check: DeblurFitCheck): SdiError {
  try {
    assertDeblurFits(check);
  } catch (e) {
    assert.ok(e instanceof SdiError && e.exitCode === 3 && !e.message.includes('\n'), String(e));
    return e;
  }
  assert.fail('expected a refusal');
}

test('a restore that does not fit is refused with a downscale factor that does fit', (t) => {
  const check = fitCheck({ image: { width: 4000, height: 3000, channels: 3 }, limitBytes: 2 * GiB });
  const e = refusal(check);
  t.diagnostic(e.message);
  const m = /needs about .* GiB .*downscale the 4000×3000 image by (\d+) \(to about (\d+)×(\d+)\)/.exec(e.message);
  assert.ok(m, e.message);
  const f = Number(m[1]);
  const at = (factor: number) => estimateDeblurMemory({ ...check, image: { width: Math.ceil(4000 / factor), height: Math.ceil(3000 / factor), channels: 3 } }).peakBytes;
  assert.ok(at(f) <= 2 * GiB, `suggested factor ${f} still needs ${at(f)}`);
  if (f > 2) assert.ok(at(f - 1) > 2 * GiB, 'a smaller factor would have fitted');
  // The same run fits the default limit.
  assert.doesNotThrow(() => assertDeblurFits({ ...check, limitBytes: undefined }));
});

test('networks that do not fit (the wasm heap, or the limit) are refused with a --max-size that fits', (t) => {
  const paper = resolveSolverOptions('paper');
  const check = fitCheck({
    image: { width: 1024, height: 1024, channels: 1 }, working: { width: 1024, height: 1024 }, maxSide: 1024, restore: 'network',
    unet: paper.unet, kernelNet: { hiddenUnits: paper.kernelHiddenUnits, hiddenLayers: paper.kernelHiddenLayers },
  });
  const e = refusal(check);
  t.diagnostic(e.message);
  assert.match(e.message, /the networks need about .* GiB, more than the .* the wasm backend can hold: use --max-size (\d+)/);
  const side = Number(/--max-size (\d+)/.exec(e.message)![1]);
  assert.ok(side < 1024 && side >= 64);
  assert.ok(estimateDeblurMemory({ ...check, working: { width: side, height: side } }).solverBytes <= WASM_USABLE_BYTES);
  // On cpu the wasm heap does not apply, but a 1 GiB limit does.
  const cpu = refusal({ ...check, backend: 'cpu', limitBytes: GiB });
  assert.match(cpu.message, /more than the 1\.0 GiB memory limit: use --max-size \d+/);
});

test('deblur() refuses before the solver allocates anything (library, web worker); the CLI prints one line and exits 3 without output', async () => {
  await initBackend('wasm');
  const tensors = tf.memory().numTensors;
  const big = { width: 4000, height: 3000, channels: 1 as const, data: new Float32Array(4000 * 3000).fill(0.5) };
  const t0 = performance.now();
  await assert.rejects(deblur(big, { preset: 'fast', kernelSize: 15, memoryLimitBytes: GiB }), (e: unknown) => {
    // The web worker shows it as a bad-input message, word for word.
    assert.deepEqual(describeFailure(e), { kind: 'input', message: (e as Error).message });
    return e instanceof SdiError && e.exitCode === 3 && /downscale the 4000×3000 image/.test(e.message);
  });
  assert.ok(performance.now() - t0 < 20_000);
  assert.equal(tf.memory().numTensors, tensors);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'sdi-mem-'));
  const input = path.join(dir, 'photo.png');
  writeFileSync(input, encodePng(randomImage(640, 480)));
  process.env.SDI_MEMORY_LIMIT_GB = '0.1';
  try {
    const r = await runMain(['deblur', input, '-o', path.join(dir, 'out.png'), '--preset', 'fast', '--kernel-size', '9']);
    assert.equal(r.status, 3, r.stderr);
    assert.ok(isOneLineError(r.stderr), r.stderr);
    assert.match(r.stderr, /^sdi deblur: this run needs about .* more than the 102 MiB memory limit: /);
  } finally {
    delete process.env.SDI_MEMORY_LIMIT_GB;
  }
  assert.deepEqual(readdirSync(dir), ['photo.png']);
});
