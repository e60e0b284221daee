import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, copyFileSync, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodePng } from '../../src/image/codec.js';
import { runCli, isOneLineError } from './run_cli.js';
import { sharedData } from '../helpers.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sdi-cli-'));
const small = path.join(dir, 'small.png');
writeFileSync(small, encodePng({ width: 24, height: 24, channels: 1, data: Float32Array.from({ length: 576 }, (_, i) => ((i * 37) % 97) / 97) }));

const badCases: Array<[string, string[], RegExp]> = [
  ['missing file', ['deblur', path.join(dir, 'nope.png'), '-o', path.join(dir, 'o1.png')], /cannot read .*no such file/],
  ['not an image', ['deblur', path.join(dir, 'text.png'), '-o', path.join(dir, 'o2.png')], /not a PNG or JPEG/],
  ['kernel as large as the image', ['deblur', small, '-o', path.join(dir, 'o3.png'), '--kernel-size', '24'], /kernel size 24×24 must be smaller/],
  ['unknown option', ['deblur', small, '-o', path.join(dir, 'o4.png'), '--frobnicate'], /Unknown option '--frobnicate'/],
  ['non-numeric option', ['deblur', small, '-o', path.join(dir, 'o5.png'), '--steps', 'many'], /--steps must be a number/],
  ['negative kernel size', ['deblur', small, '-o', path.join(dir, 'o6.png'), '--kernel-size=-3'], /--kernel-size must be ≥ 1/],
  ['zero kernel size', ['deblur', small, '-o', path.join(dir, 'o6.png'), '--kernel-size', '0'], /--kernel-size must be ≥ 1/],
  ['option without its value', ['deblur', small, '-o', path.join(dir, 'o6.png'), '--kernel-size', '-3'], /needs a value/],
  ['image prior weight out of range', ['deblur', small, '-o', path.join(dir, 'o14.png'), '--image-sharpness', '2'], /--image-sharpness must be ≤ 1/],
  ['width too small', ['deblur', small, '-o', path.join(dir, 'o8.png'), '--width', '2'], /--width must be ≥ 4/],
  ['schedule that does not cover the steps', ['deblur', small, '-o', path.join(dir, 'o9.png'), '--steps', '3', '--iters', '2x2'], /covers 2 outer steps, but the run has 3/],
  ['more coarse steps than steps', ['deblur', small, '-o', path.join(dir, 'o13.png'), '--steps', '3', '--coarse-steps', '4'], /--coarse-steps 4 is more than the 3 outer steps/],
  ['unknown preset', ['deblur', small, '-o', path.join(dir, 'o7.png'), '--preset', 'turbo'], /--preset must be one of/],
  ['missing output', ['deblur', small], /missing -o/],
  ['output over the input', ['deblur', small, '-o', small, '--steps', '1', '--iters', '1', '--kernel-size', '3', '--preset', 'fast'], /refusing to overwrite the input/],
  ['unknown command', ['deblurr'], /unknown command/],
  ['malformed region', ['deblur', small, '-o', path.join(dir, 'o10.png'), '--region', '1,2,3'], /--region must be X,Y,W,H/],
  ['region outside the image', ['deblur', small, '-o', path.join(dir, 'o11.png'), '--kernel-size', '3', '--region', '10,10,20,20'], /region 20×20\+10\+10 is not inside the 24×24 image/],
  ['region with another method', ['deblur', small, '-o', path.join(dir, 'o12.png'), '--method', 'map-l0', '--region', '0,0,10,10'], /--region apply to --method sdi only/],
];

test('bad input: one-line error, non-zero exit, no output written, input untouched', () => {
  writeFileSync(path.join(dir, 'text.png'), 'hello, I am not a PNG');
  const before = readFileSync(small);
  for (const [name, args, pattern] of badCases) {
    const r = runCli(args);
    assert.notEqual(r.status, 0, `${name}: exit status`);
    assert.ok(isOneLineError(r.stderr), `${name}: stderr should be one line, got ${JSON.stringify(r.stderr)}`);
    assert.match(r.stderr, pattern, name);
  }
  assert.deepEqual(readFileSync(small), before);
  assert.deepEqual(readdirSync(dir).sort(), ['small.png', 'text.png']);
});

test('sdi deblur runs end to end on a tiny image and writes image, kernel and report', () => {
  const input = path.join(dir, 'levin-crop.png');
  copyFileSync(sharedData('levin/blurred/im1_kernel1_img.png'), input);
  const out = path.join(dir, 'out.png'), ktxt = path.join(dir, 'k.txt'), report = path.join(dir, 'run.json');
  const r = runCli(['deblur', input, '-o', out, '--kernel-out', ktxt, '--report', report, '--preset', 'fast', '--steps', '2', '--iters', '1x1,3x1', '--kernel-size', '7', '--max-size', '48', '--width', '8', '--image-sharpness', '0.003', '--seed', '5']);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(out));
  const k = readFileSync(ktxt, 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  assert.equal(k.length, 7);
  assert.ok(Math.abs(k.flat().reduce((a, b) => a + b, 0) - 1) < 1e-5);
  const rep = JSON.parse(readFileSync(report, 'utf8'));
  assert.equal(rep.seed, 5);
  assert.equal(rep.solver.steps, 2);
  assert.deepEqual(rep.solver.iterationSchedule, [1, 3]);
  assert.equal(rep.solver.unet.width, 8);
  assert.equal(rep.solver.unet.nonLocalLevels, 2, 'the rest of the fast preset\'s U-Net is kept');
  assert.equal(rep.solver.imageSharpness, 0.003);
  assert.equal(rep.working.cropped, true);
  assert.ok(rep.warnings.some((w: string) => /larger than the working size/.test(w)));
  assert.ok(Array.isArray(rep.lossHistory) && rep.lossHistory.length === 4);
});

test('sdi deblur --region estimates the kernel on that rectangle and restores the whole image', () => {
  const input = path.join(dir, 'levin-region.png');
  copyFileSync(sharedData('levin/blurred/im1_kernel1_img.png'), input);
  const out = path.join(dir, 'region-out.png'), report = path.join(dir, 'region-run.json');
  const r = runCli(['deblur', input, '-o', out, '--report', report, '--preset', 'fast', '--steps', '1', '--iters', '2', '--kernel-size', '7', '--region', '100,60,40,36', '--width', '8', '--seed', '1']);
  assert.equal(r.status, 0, r.stderr);
  const rep = JSON.parse(readFileSync(report, 'utf8'));
  assert.deepEqual([rep.working.x0, rep.working.y0, rep.working.width, rep.working.height], [100, 60, 40, 36]);
  assert.ok(rep.warnings.some((w: string) => /kernel estimated on the region 40×36 at \(100, 60\)/.test(w)), rep.warnings.join('; '));
  assert.deepEqual([rep.input.width, rep.input.height], [255, 255]);
});
