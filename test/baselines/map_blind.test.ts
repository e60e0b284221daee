import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deblurMap, estimateKernelMap, MAP_PRIORS } from '../../src/baselines/map_blind.js';
import { SdiError } from '../../src/errors.js';
import { cropImage } from '../../src/image/image.js';
import { kernelNcc } from '../../src/metrics/kernel_metrics.js';
import { scoreLevin } from '../../src/metrics/align.js';
import { motionCase } from './fixture.js';

const data = await motionCase();

for (const prior of MAP_PRIORS) {
  test(`MAP (${prior}) recovers a camera-shake kernel on a noise-free 128×128 case (NCC ≥ 0.8)`, () => {
    const est = estimateKernelMap(data.blurred, { kernelSize: data.kernelSize, prior });
    assert.equal(est.kernel.width, data.kernelSize[1]);
    assert.equal(est.kernel.height, data.kernelSize[0]);
    let sum = 0;
    for (const v of est.kernel.data) {
      assert.ok(v >= 0, 'taps are non-negative');
      sum += v;
    }
    assert.ok(Math.abs(sum - 1) < 1e-5, 'taps sum to 1');
    const ncc = kernelNcc(est.kernel, data.kernel);
    assert.ok(ncc >= 0.8, `${prior}: kernel NCC ${ncc.toFixed(3)} < 0.8`);
    assert.ok(est.levels.length >= 2, 'coarse to fine');
    assert.equal(est.levels.at(-1)?.scale, 1);
  });
}

test('deblurMap restores a sharper image than the input; the estimate is deterministic', () => {
  const r = deblurMap(data.blurred, { kernelSize: data.kernelSize });
  assert.equal(r.image.width, data.blurred.width);
  assert.equal(r.image.height, data.blurred.height);
  const restored = scoreLevin(r.image, data.sharp).psnr;
  const input = scoreLevin(data.blurred, data.sharp).psnr;
  assert.ok(restored > input + 1, `restored ${restored.toFixed(2)} dB vs blurred ${input.toFixed(2)} dB`);
  const small = cropImage(data.blurred, 32, 32, 64, 64);
  const a = estimateKernelMap(small, { kernelSize: 9, iterationsPerScale: 1 });
  const b = estimateKernelMap(small, { kernelSize: 9, iterationsPerScale: 1 });
  assert.deepEqual(a.kernel.data, b.kernel.data);
});

test('bad options and inputs raise one-line SdiErrors', () => {
  const tiny = { width: 8, height: 8, channels: 1 as const, data: new Float32Array(64) };
  assert.throws(() => estimateKernelMap(tiny, { kernelSize: 9 }), SdiError);
  assert.throws(() => estimateKernelMap(data.blurred, { kernelSize: 0 }), SdiError);
  assert.throws(() => estimateKernelMap(data.blurred, { kernelSize: 9, gradientWeight: -1 }), SdiError);
  assert.throws(() => estimateKernelMap(data.blurred, { kernelSize: 9, prior: 'tv' as never }), SdiError);
  const nan = { ...tiny, data: new Float32Array(64).fill(NaN) };
  assert.throws(() => estimateKernelMap(nan, { kernelSize: 3 }), SdiError);
});
