import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { run } from '../../src/cli/simulate.js';
import { main } from '../../src/cli/main.js';
import { readImageFile, readKernelFile, writeImageFile } from '../../src/io/files.js';
import { cropImage } from '../../src/image/image.js';
import { formatKernelText, kernelSum } from '../../src/physics/kernel.js';
import { gaussianPsf } from '../../src/physics/psf/gaussian.js';
import { sharedData } from '../helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sdi-simulate-'));
const out = (name: string) => path.join(dir, name);
test.after(() => rmSync(dir, { recursive: true, force: true }));

let sharpCount = 0;
/** A small RGB crop written to a fresh file (inputs become write-protected for the whole process). */
async function smallSharp(): Promise<string> {
  const file = out(`sharp${sharpCount++}.png`);
  await writeImageFile(file, cropImage(await readImageFile(sharedData('ffhq', '69133.png')), 64, 64, 96, 80));
  return file;
}

test('sdi simulate covers every PSF family, mode and output option', async () => {
  const sharp = await smallSharp();
  writeFileSync(out('k.txt'), formatKernelText(gaussianPsf(6, { sigma1: 1 })));
  const cases: Array<[string[], [number, number], number]> = [
    [['--psf', 'zernike', '--psf-size', '15', '--seed', '3', '--noise', '0.01'], [82, 66], 15],
    [['--psf', 'motion', '--psf-size', '21', '--mode', 'same', '--boundary', 'reflect'], [96, 80], 21],
    [['--psf', 'gaussian:1.5', '--psf-size', '9', '--mode', 'circular', '--noise', '0.02', '--poisson-gain', '0.001'], [96, 80], 9],
    [['--psf', 'levin:5'], [84, 68], 13],
    [['--psf', `file:${out('k.txt')}`, '--mode', 'same', '--boundary', 'zero'], [96, 80], 6],
  ];
  for (const [i, [args, [w, h], ksize]] of cases.entries()) {
    await run([sharp, ...args, '-o', out(`b${i}.png`), '--psf-out', out(`p${i}.txt`), '--truth-out', out(`t${i}.png`)]);
    const blurred = await readImageFile(out(`b${i}.png`));
    assert.deepEqual([blurred.width, blurred.height, blurred.channels], [w, h, 3], args.join(' '));
    const truth = await readImageFile(out(`t${i}.png`));
    assert.deepEqual([truth.width, truth.height], [w, h]);
    const k = await readKernelFile(out(`p${i}.txt`));
    assert.equal(k.width, ksize);
    assert.ok(Math.abs(kernelSum(k) - 1) < 1e-5);
  }
  await run([sharp, '--psf', 'motion', '--psf-size', '15', '-o', out('m.jpg'), '--psf-out', out('m.png')]);
  assert.ok(readFileSync(out('m.png')).length > 0);
  // same seed, same output
  await run([sharp, '--psf', 'zernike', '--psf-size', '15', '--seed', '3', '--noise', '0.01', '-o', out('again.png')]);
  assert.deepEqual(readFileSync(out('again.png')), readFileSync(out('b0.png')));
});

test('sdi simulate rejects bad input with a clear one-line error', async () => {
  const sharp = await smallSharp();
  const bad: Array<[string[], RegExp]> = [
    [['--psf', 'zernike'], /-o <blurred.png> is required/],
    [['-o', out('x.png')], /--psf is required/],
    [['--psf', 'blur', '-o', out('x.png')], /unknown PSF 'blur'/],
    [['--psf', 'levin:12', '-o', out('x.png')], /Levin kernel index must be 1–8/],
    [['--psf', 'motion', '--psf-size', '0', '-o', out('x.png')], /--psf-size must be ≥ 1/],
    [['--psf', 'motion', '--psf-size', '7.5', '-o', out('x.png')], /--psf-size must be an integer/],
    [['--psf', 'motion', '--seed=-1', '-o', out('x.png')], /--seed must be ≥ 0/],
    [['--psf', 'motion', '--noise', 'loud', '-o', out('x.png')], /--noise must be a number/],
    [['--psf', 'motion', '--mode', 'full', '-o', out('x.png')], /--mode must be one of valid, same, circular/],
    [['--psf', 'motion', '--boundary', 'reflect', '-o', out('x.png')], /--boundary only applies to --mode same/],
    [['--psf', 'motion', '--mode', 'same', '--boundary', 'mirror', '-o', out('x.png')], /--boundary must be one of/],
    [['--psf', 'motion', '-o', out('x.gif')], /must end in .png, .jpg or .jpeg/],
    [['--psf', 'motion', '-o', out('x.png'), '--psf-out', out('k.csv')], /--psf-out .* must end in .txt or .png/],
    [['--psf', 'motion', '-o', out('x.png'), '--colour'], /Unknown option '--colour'/],
    [['--psf', 'motion', '--psf-size', '99', '-o', out('x.png')], /smaller than the 99×99 PSF/],
    [['--psf', 'motion', '-o', sharp], /refusing to overwrite the input/],
    [['--psf', 'file:/no/such/k.txt', '-o', out('x.png')], /cannot read \/no\/such\/k.txt/],
  ];
  for (const [args, pattern] of bad) {
    await assert.rejects(run([sharp, ...args]), (e: Error) => {
      assert.equal(e.name, 'SdiError', `${args.join(' ')}: ${e.message}`);
      assert.match(e.message, pattern);
      assert.ok(!e.message.includes('\n'));
      return true;
    });
  }
  await assert.rejects(run([out('missing.png'), '--psf', 'motion', '-o', out('x.png')]), /cannot read/);
  await assert.rejects(run(['--psf', 'motion', '-o', out('x.png')]), /usage: sdi simulate/);
});

test('simulate is registered in the sdi dispatcher', async () => {
  assert.equal(await main(['simulate', '--help']), 0);
});
