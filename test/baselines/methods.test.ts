import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { getMethod, methodNames, type MethodContext } from '../../src/methods/registry.js';
import { readImageFile } from '../../src/io/files.js';
import { cropImage } from '../../src/image/image.js';
import { encodePng } from '../../src/image/codec.js';
import { sharedData } from '../helpers.js';
import { blurValid, levinKernel } from '../deconv/synthetic.js';
import { runCli, isOneLineError } from '../cli/run_cli.js';

const BASELINES = ['map-l0', 'map-darkchannel', 'fft-relu', 'phase-only'];

/** A 72×72 colour face blurred by Levin kernel 5 (13×13), 'valid'. */
async function colourCase() {
  const face = await readImageFile(sharedData('ffhq', '69037.png'));
  const k = await levinKernel(5);
  return blurValid(cropImage(face, 90, 100, 72 + 12, 72 + 12), k);
}

test('the four baselines are registered blind CPU methods', () => {
  for (const name of BASELINES) {
    assert.ok(methodNames().includes(name), name);
    const m = getMethod(name);
    assert.equal(m.blind, true);
    assert.equal(m.usesSolver, false);
  }
});

test('each baseline restores a colour image and returns a kernel of ctx.kernelSize', async () => {
  const blurred = await colourCase();
  const ctx: MethodContext = { kernelSize: [15, 13], seed: 1, preset: 'fast', backend: 'cpu' };
  for (const name of BASELINES) {
    const r = await getMethod(name).run(blurred, ctx);
    assert.equal(r.image.width, blurred.width, name);
    assert.equal(r.image.height, blurred.height, name);
    assert.equal(r.image.channels, 3, name);
    assert.ok(r.image.data.every((v) => v >= 0 && v <= 1), `${name}: output in [0, 1]`);
    assert.ok(r.kernel, name);
    assert.equal(r.kernel.height, 15, name);
    assert.equal(r.kernel.width, 13, name);
    assert.ok(Math.abs(r.kernel.data.reduce((s, v) => s + v, 0) - 1) < 1e-5, name);
    assert.equal(r.report.status, 'completed');
  }
});

test('sdi deblur --method map-l0 writes the image, the kernel and a report; bad --method is a one-line error', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sdi-baseline-'));
  const input = path.join(dir, 'in.png');
  writeFileSync(input, encodePng(await colourCase(), 8));
  const before = readFileSync(input);
  const out = path.join(dir, 'out.png'), kernel = path.join(dir, 'k.txt'), report = path.join(dir, 'r.json');
  const r = runCli(['deblur', input, '-o', out, '--method', 'map-l0', '--kernel-size', '15', '--kernel-out', kernel, '--report', report, '--quiet']);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(out) && existsSync(kernel));
  assert.equal(readFileSync(kernel, 'utf8').trim().split('\n').length, 15);
  const rep = JSON.parse(readFileSync(report, 'utf8'));
  assert.equal(rep.method, 'map-l0');
  assert.deepEqual(rep.kernelSize, [15, 15]);
  assert.deepEqual(readFileSync(input), before, 'input untouched');
  for (const [args, pattern] of [
    [['--method', 'wiener'], /--method must be one of .*map-l0.*phase-only/],
    [['--method', 'true-kernel'], /--method must be one of/],
    [['--method', 'fft-relu', '--mode', 'standard'], /apply to --method sdi only/],
  ] as const) {
    const bad = runCli(['deblur', input, '-o', path.join(dir, 'bad.png'), ...args]);
    assert.notEqual(bad.status, 0);
    assert.ok(isOneLineError(bad.stderr), bad.stderr);
    assert.match(bad.stderr, pattern);
  }
  assert.ok(!readdirSync(dir).includes('bad.png'));
});
