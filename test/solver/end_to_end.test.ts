import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { deblur } from '../../src/deblur.js';
import { readImageFile, readKernelFile } from '../../src/io/files.js';
import { uniformKernel } from '../../src/physics/kernel.js';
import { kernelNcc } from '../../src/metrics/kernel_metrics.js';
import { scoreLevin } from '../../src/metrics/align.js';
import { projectRoot } from '../helpers.js';

// The bundled example (128×128, true 13×13 camera-shake PSF) with the demo's settings: the real
// pipeline end to end on the wasm backend, a few minutes on 2 cores.
test('end-to-end blind deblur of the bundled example: the kernel is found and the image gets sharper', async () => {
  const dir = path.join(projectRoot, 'examples/cameraman');
  const blurred = await readImageFile(path.join(dir, 'blurred.png'));
  const sharp = await readImageFile(path.join(dir, 'sharp.png'));
  const truth = await readKernelFile(path.join(dir, 'kernel.txt'));
  const r = await deblur(blurred, { preset: 'fast', kernelSize: 15, seed: 0, backend: 'wasm' });
  const nccEstimate = kernelNcc(r.kernel, truth);
  const nccUniform = kernelNcc(uniformKernel(15), truth);
  const before = scoreLevin(blurred, sharp).psnr, after = scoreLevin(r.image, sharp).psnr;
  assert.ok(nccEstimate > nccUniform + 0.3, `kernel NCC ${nccEstimate.toFixed(3)} vs uniform ${nccUniform.toFixed(3)}`);
  assert.ok(after > before + 2, `aligned PSNR ${before.toFixed(2)} → ${after.toFixed(2)} dB`);
  assert.equal(r.report.status, 'completed');
});
