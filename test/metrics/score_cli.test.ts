import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scoreCommand } from '../../src/cli/score.js';
import { readImageFile } from '../../src/io/files.js';
import { scoreLevin } from '../../src/metrics/align.js';
import { SdiError } from '../../src/errors.js';
import { sharedData } from '../helpers.js';

const capture = (argv: string[]) => scoreCommand(argv);

const est = sharedData('levin/blurred/im3_kernel5_img.png'), gt = sharedData('levin/sharp/im3.png');

test('sdi score --json prints exactly the library numbers (the harness calls scoreLevin)', async () => {
  const printed = JSON.parse(await capture([est, gt, '--json']));
  const lib = scoreLevin(await readImageFile(est), await readImageFile(gt));
  assert.equal(printed.psnr, lib.psnr);
  assert.equal(printed.ssim, lib.ssim);
  assert.equal(printed.psnrUnaligned, lib.psnrUnaligned);
  assert.deepEqual(printed.shift, lib.shift);
});

test('sdi score text output, --align none, and kernel scores', async () => {
  const text = await capture([est, gt]);
  assert.match(text, /^PSNR \d+\.\d\d dB {2}SSIM 0\.\d{4} {2}\(Levin protocol/);
  assert.match(text, /unaligned: PSNR/);
  const plain = JSON.parse(await capture([est, gt, '--align', 'none', '--json']));
  assert.ok(Math.abs(plain.psnr - scoreLevin(await readImageFile(est), await readImageFile(gt)).psnrUnaligned) < 1e-12);
  const k = sharedData('levin/kernels/levin09_kernel5.txt');
  const withKernel = JSON.parse(await capture([gt, gt, '--json', '--kernel', k, '--true-kernel', k]));
  assert.equal(withKernel.psnr, 'Infinity');
  assert.ok(Math.abs(withKernel.kernelNcc - 1) < 1e-12);
});

test('sdi score errors are one-line SdiErrors', async () => {
  await assert.rejects(capture([est]), SdiError);
  await assert.rejects(capture([est, gt, '--align', 'sideways']), /--align must be one of/);
  await assert.rejects(capture([est, sharedData('natural/camera.png'), '--align', 'none']), /same size/);
  await assert.rejects(capture([est, gt, '--kernel', 'k.txt']), /go together/);
  await assert.rejects(capture([est, '/nonexistent/x.png']), /cannot read/);
});
