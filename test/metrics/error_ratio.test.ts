import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorRatio, errorRatioWithTrueKernel, trueKernelReference } from '../../src/metrics/error_ratio.js';
import { deconvolveHqs } from '../../src/deconv/hqs.js';
import { uniformKernel } from '../../src/physics/kernel.js';
import { levinKernel, syntheticCase } from '../deconv/synthetic.js';

test('error ratio: 1 for the reference itself, > 1 for the blurred input and for a wrong kernel', async () => {
  const k = await levinKernel(2);
  const { groundTruth, blurred } = await syntheticCase(2, k, 96, 0.01, 7);
  const opts = { crop: 10, maxShift: 5 };
  const reference = trueKernelReference(blurred, k);
  const self = errorRatio(reference, groundTruth, reference, opts);
  assert.equal(self.ratio, 1);
  const blurredRatio = errorRatio(blurred, groundTruth, reference, opts);
  assert.ok(blurredRatio.ratio > 2, `blurred ratio ${blurredRatio.ratio}`);
  const wrong = deconvolveHqs(blurred, uniformKernel(9));
  const wrongRatio = errorRatioWithTrueKernel(wrong, groundTruth, blurred, k, { align: opts });
  assert.ok(wrongRatio.ratio > 1.5, `wrong-kernel ratio ${wrongRatio.ratio}`);
  assert.ok(Math.abs(wrongRatio.sseReference - self.sseReference) < 1e-9, 'same reference both ways');
});
