/**
 * Bad input of every listed kind through the real CLI (`sdi deblur`, `simulate`, `deconvolve`,
 * `score`): each case either works (odd PNG/JPEG variants, tiny images with a small enough kernel,
 * even kernels, a PNG named .jpg) or fails with one line naming the problem and a non-zero status,
 * and in every case no output (or temp file) is left behind and the inputs are byte-for-byte intact.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeImage, encodeJpeg, encodePng } from '../../src/image/codec.js';
import { Rng } from '../../src/rng.js';
import { isOneLineError, runCli } from '../cli/run_cli.js';
import { runMain } from './cli_in_process.js';
import { fixturesDir, patternImage } from './fuzz_cases.js';

process.env.SDI_WASM_THREADS = '1'; // tiny images: threads only add synchronisation
const dir = mkdtempSync(path.join(os.tmpdir(), 'sdi-bad-input-'));
const out = path.join(dir, 'out');
mkdirSync(out);
const inp = (name: string) => path.join(dir, name);
const dst = (name: string) => path.join(out, name);

const rng = new Rng(7);
const random = (n: number) => Uint8Array.from({ length: n }, () => rng.int(256));
const png40 = encodePng(patternImage(40, 32, 3));
const jpg40 = encodeJpeg(patternImage(40, 32, 3));
const files: Record<string, Uint8Array | string> = {
  'good.png': png40,
  'gray.png': encodePng(patternImage(40, 32, 1)),
  'empty.png': new Uint8Array(0),
  'empty.jpg': new Uint8Array(0),
  'truncated.png': png40.subarray(0, png40.length >> 1),
  'truncated.jpg': jpg40.subarray(0, jpg40.length >> 1),
  'random.png': random(2000),
  'random.jpg': random(2000),
  'magic-then-random.png': Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...random(500)]),
  'text.jpg': 'this is not an image\n',
  'png-named.jpg': png40,
  'png-named.bmp': png40,
  'one.png': encodePng(patternImage(1, 1, 1)),
  'three.png': encodePng(patternImage(3, 3, 3)),
  'k3.txt': '0 1 0\n1 4 1\n0 1 0\n',
  'k-nan.txt': '0 1 0\n1 NaN 1\n0 1 0\n',
  'k-inf.txt': '0 1 0\n1 Infinity 1\n0 1 0\n',
  'k-negative.txt': '0 1 0\n1 -4 1\n0 1 0\n',
  'k-ragged.txt': '0 1 0\n1 4\n0 1 0\n',
  'k-zero.txt': '0 0 0\n0 0 0\n0 0 0\n',
  'k-empty.txt': '# nothing here\n',
  'k-words.txt': 'one two three\n',
};
for (const [name, bytes] of Object.entries(files)) writeFileSync(inp(name), bytes);
for (const f of readdirSync(fixturesDir)) if (/\.(png|jpg)$/.test(f)) copyFileSync(path.join(fixturesDir, f), inp(f));
mkdirSync(inp('folder.png'));

const hashOf = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
const inputHashes = () => Object.fromEntries(readdirSync(dir).filter((f) => f !== 'out' && f !== 'folder.png').map((f) => [f, hashOf(inp(f))]));
const hashesBefore = inputHashes();

/** Options that make a deblur run take a second on a tiny image. */
const tiny = ['--preset', 'fast', '--steps', '1', '--iters', '1', '--max-size', '16', '--quiet'];

const badCases: Array<[string, string[], RegExp]> = [
  // files that are not (whole) images, for every command that reads one
  ['deblur: empty file', ['deblur', inp('empty.png'), '-o', dst('a.png')], /empty\.png: file is empty/],
  ['deblur: truncated PNG', ['deblur', inp('truncated.png'), '-o', dst('a.png')], /truncated\.png: truncated PNG/],
  ['deblur: truncated JPEG', ['deblur', inp('truncated.jpg'), '-o', dst('a.png')], /truncated\.jpg: corrupt or unsupported JPEG/],
  ['deblur: random bytes', ['deblur', inp('random.png'), '-o', dst('a.png')], /random\.png: not a PNG or JPEG/],
  ['deblur: PNG signature then garbage', ['deblur', inp('magic-then-random.png'), '-o', dst('a.png')], /magic-then-random\.png: .*PNG/],
  ['deblur: text named .jpg', ['deblur', inp('text.jpg'), '-o', dst('a.png')], /text\.jpg: not a PNG or JPEG/],
  ['deblur: a folder', ['deblur', inp('folder.png'), '-o', dst('a.png')], /folder\.png: is a folder/],
  ['deblur: missing file', ['deblur', inp('nope.png'), '-o', dst('a.png')], /no such file/],
  ['simulate: empty file', ['simulate', inp('empty.jpg'), '--psf', 'gaussian', '-o', dst('a.png')], /empty\.jpg: file is empty/],
  ['simulate: random bytes', ['simulate', inp('random.jpg'), '--psf', 'gaussian', '-o', dst('a.png')], /random\.jpg: not a PNG or JPEG/],
  ['simulate: truncated JPEG', ['simulate', inp('truncated.jpg'), '--psf', 'gaussian', '-o', dst('a.png')], /truncated\.jpg: corrupt/],
  ['deconvolve: truncated PNG', ['deconvolve', inp('truncated.png'), '--kernel', inp('k3.txt'), '-o', dst('a.png')], /truncated PNG/],
  ['deconvolve: random kernel image', ['deconvolve', inp('good.png'), '--kernel', inp('random.png'), '-o', dst('a.png')], /random\.png: not a PNG or JPEG/],
  ['score: empty estimate', ['score', inp('empty.png'), inp('good.png')], /file is empty/],
  ['score: random ground truth', ['score', inp('good.png'), inp('random.png')], /not a PNG or JPEG/],
  // wrong extensions (outputs; inputs are recognised by content)
  ['deblur: output .bmp', ['deblur', inp('good.png'), '-o', dst('a.bmp')], /unsupported extension/],
  ['deblur: kernel output .jpg', ['deblur', inp('good.png'), '-o', dst('a.png'), '--kernel-out', dst('k.jpg')], /--kernel-out must end in \.png or \.txt/],
  ['simulate: output .tif', ['simulate', inp('good.png'), '--psf', 'gaussian', '-o', dst('a.tif')], /must end in \.png, \.jpg or \.jpeg/],
  ['deconvolve: output .gif', ['deconvolve', inp('good.png'), '--kernel', inp('k3.txt'), '-o', dst('a.gif')], /output must end in \.png/],
  // 1×1 and 3×3 images with kernels that cannot fit
  ['deblur: 1×1 image', ['deblur', inp('one.png'), '-o', dst('a.png')], /kernel size 31×31 must be smaller than the image \(1×1\)/],
  ['deblur: 1×1 image, kernel 1', ['deblur', inp('one.png'), '-o', dst('a.png'), '--kernel-size', '1'], /kernel size 1×1 must be smaller than the image \(1×1\)/],
  ['deblur: 3×3 image, kernel 3', ['deblur', inp('three.png'), '-o', dst('a.png'), '--kernel-size', '3'], /kernel size 3×3 must be smaller than the image \(3×3\)/],
  ['simulate: 1×1 image, 31-px PSF', ['simulate', inp('one.png'), '--psf', 'gaussian', '-o', dst('a.png')], /1×1, smaller than the 31×31 PSF/],
  ['deconvolve: 1×1 image, 3×3 kernel', ['deconvolve', inp('one.png'), '--kernel', inp('k3.txt'), '-o', dst('a.png')], /kernel 3×3 is larger than the image 1×1/],
  ['score: 3×3 images', ['score', inp('three.png'), inp('three.png')], /3×3 is too small/],
  ['score: 1×1 images, no alignment', ['score', inp('one.png'), inp('one.png'), '--align', 'none'], /at least 11×11/],
  // kernel sizes: zero, negative, larger than the image or the working region, not a number
  ['deblur: kernel size 0', ['deblur', inp('good.png'), '-o', dst('a.png'), '--kernel-size', '0'], /--kernel-size must be ≥ 1/],
  ['deblur: kernel size -5', ['deblur', inp('good.png'), '-o', dst('a.png'), '--kernel-size=-5'], /--kernel-size must be ≥ 1/],
  ['deblur: kernel larger than the image', ['deblur', inp('good.png'), '-o', dst('a.png'), '--kernel-size', '41'], /kernel size 41×41 must be smaller than the image \(40×32\)/],
  ['deblur: kernel as large as the working region', ['deblur', inp('good.png'), '-o', dst('a.png'), '--kernel-size', '16', ...tiny], /must be smaller than the working region 16×16/],
  ['deblur: kernel size 2.5', ['deblur', inp('good.png'), '-o', dst('a.png'), '--kernel-size', '2.5'], /--kernel-size must be an integer/],
  ['simulate: PSF size 0', ['simulate', inp('good.png'), '--psf', 'gaussian', '--psf-size', '0', '-o', dst('a.png')], /--psf-size must be ≥ 1/],
  ['simulate: PSF larger than the image', ['simulate', inp('good.png'), '--psf', 'gaussian', '--psf-size', '41', '-o', dst('a.png')], /smaller than the 41×41 PSF/],
  // kernel text files with NaN, Inf and other non-kernels
  ['deconvolve: NaN tap', ['deconvolve', inp('good.png'), '--kernel', inp('k-nan.txt'), '-o', dst('a.png')], /k-nan\.txt: 'NaN' is not a finite number/],
  ['deconvolve: Infinity tap', ['deconvolve', inp('good.png'), '--kernel', inp('k-inf.txt'), '-o', dst('a.png')], /k-inf\.txt: 'Infinity' is not a finite number/],
  ['deconvolve: negative tap', ['deconvolve', inp('good.png'), '--kernel', inp('k-negative.txt'), '-o', dst('a.png')], /negative tap/],
  ['deconvolve: ragged rows', ['deconvolve', inp('good.png'), '--kernel', inp('k-ragged.txt'), '-o', dst('a.png')], /rows have different lengths/],
  ['deconvolve: all-zero kernel', ['deconvolve', inp('good.png'), '--kernel', inp('k-zero.txt'), '-o', dst('a.png')], /positive, finite sum/],
  ['deconvolve: no numbers', ['deconvolve', inp('good.png'), '--kernel', inp('k-empty.txt'), '-o', dst('a.png')], /no numbers found/],
  ['deconvolve: words', ['deconvolve', inp('good.png'), '--kernel', inp('k-words.txt'), '-o', dst('a.png')], /'one' is not a finite number/],
  ['simulate: NaN PSF file', ['simulate', inp('good.png'), '--psf', `file:${inp('k-nan.txt')}`, '-o', dst('a.png')], /'NaN' is not a finite number/],
  ['simulate: Infinity PSF file', ['simulate', inp('good.png'), '--psf', `file:${inp('k-inf.txt')}`, '-o', dst('a.png')], /'Infinity' is not a finite number/],
  // non-numeric and out-of-range options
  ['deblur: --steps many', ['deblur', inp('good.png'), '-o', dst('a.png'), '--steps', 'many'], /--steps must be a number, got 'many'/],
  ['deblur: --iters NaN', ['deblur', inp('good.png'), '-o', dst('a.png'), '--iters', 'NaN'], /--iters must be a number/],
  ['deblur: --seed 1.5', ['deblur', inp('good.png'), '-o', dst('a.png'), '--seed', '1.5'], /--seed must be an integer/],
  ['deblur: --scale abc', ['deblur', inp('good.png'), '-o', dst('a.png'), '--scale', 'abc'], /--scale must be a number/],
  ['deblur: --scale 0', ['deblur', inp('good.png'), '-o', dst('a.png'), '--scale', '0'], /--scale must be ≥ 0\.05/],
  ['deblur: --max-size Infinity', ['deblur', inp('good.png'), '-o', dst('a.png'), '--max-size', 'Infinity'], /--max-size must be a number/],
  ['deblur: --kernel-size empty', ['deblur', inp('good.png'), '-o', dst('a.png'), '--kernel-size='], /--kernel-size must be a number/],
  ['deblur: --backend gpu', ['deblur', inp('good.png'), '-o', dst('a.png'), '--backend', 'gpu'], /--backend must be one of/],
  ['simulate: --noise abc', ['simulate', inp('good.png'), '--psf', 'gaussian', '--noise', 'abc', '-o', dst('a.png')], /--noise must be a number/],
  ['simulate: --seed -1', ['simulate', inp('good.png'), '--psf', 'gaussian', '--seed=-1', '-o', dst('a.png')], /--seed must be ≥ 0/],
  ['simulate: gaussian:abc', ['simulate', inp('good.png'), '--psf', 'gaussian:abc', '-o', dst('a.png')], /gaussian:SIGMA needs a positive number/],
  ['deconvolve: --lambda abc', ['deconvolve', inp('good.png'), '--kernel', inp('k3.txt'), '--lambda', 'abc', '-o', dst('a.png')], /--lambda must be a number/],
  ['deconvolve: --iterations 1.5', ['deconvolve', inp('good.png'), '--kernel', inp('k3.txt'), '--iterations', '1.5', '-o', dst('a.png')], /--iterations must be an integer/],
  ['score: --align sideways', ['score', inp('good.png'), inp('good.png'), '--align', 'sideways'], /--align must be one of/],
  // outputs that would overwrite an input
  ['deconvolve: output over the input', ['deconvolve', inp('good.png'), '--kernel', inp('k3.txt'), '-o', inp('good.png')], /refusing to overwrite the input/],
  ['deblur: kernel output over the input', ['deblur', inp('good.png'), '-o', dst('a.png'), '--kernel-out', inp('k3.txt')], /refusing to overwrite the input/],
];

test('bad input through the CLI: one line naming the problem, non-zero exit, no output left, inputs untouched', async () => {
  for (const [name, args, pattern] of badCases) {
    const r = await runMain(args);
    assert.ok(r.status > 0, `${name}: status ${r.status}, stderr ${r.stderr}`);
    assert.ok(isOneLineError(r.stderr), `${name}: stderr should be one line, got ${JSON.stringify(r.stderr)}`);
    assert.match(r.stderr, /^sdi \w+: /, name);
    assert.match(r.stderr, pattern, name);
    assert.deepEqual(readdirSync(out), [], `${name}: left ${readdirSync(out).join(', ')} behind`);
  }
  assert.deepEqual(inputHashes(), hashesBefore);
});

test('odd but valid input is handled: PNG/JPEG variants, tiny images with small kernels, even kernels, misleading extensions', async () => {
  const good: Array<[string, string[], string, number]> = [
    ['16-bit gray PNG', ['deblur', inp('gray16.png'), '-o', dst('g16.png'), '--kernel-size', '5', ...tiny], 'g16.png', 1],
    ['4-bit palette PNG', ['deblur', inp('palette4.png'), '-o', dst('p4.png'), '--kernel-size', '5', ...tiny], 'p4.png', 3],
    ['palette PNG with transparency', ['deblur', inp('palette_trns.png'), '-o', dst('pt.png'), '--kernel-size', '5', ...tiny], 'pt.png', 4],
    ['gray+alpha PNG', ['deblur', inp('gray_alpha.png'), '-o', dst('ga.png'), '--kernel-size', '5', ...tiny], 'ga.png', 2],
    ['1-bit PNG', ['deblur', inp('gray1.png'), '-o', dst('g1.png'), '--kernel-size', '5', ...tiny], 'g1.png', 1],
    ['CMYK JPEG', ['deblur', inp('cmyk.jpg'), '-o', dst('cmyk.png'), '--kernel-size', '5', ...tiny], 'cmyk.png', 3],
    ['progressive JPEG', ['deblur', inp('progressive.jpg'), '-o', dst('prog.png'), '--kernel-size', '5', ...tiny], 'prog.png', 3],
    ['PNG named .jpg', ['deblur', inp('png-named.jpg'), '-o', dst('named.png'), '--kernel-size', '5', ...tiny], 'named.png', 3],
    ['even kernel size 4', ['deblur', inp('gray.png'), '-o', dst('even.png'), '--kernel-size', '4', ...tiny], 'even.png', 1],
    ['3×3 image, kernel 1', ['deblur', inp('three.png'), '-o', dst('three.png'), '--kernel-size', '1', ...tiny], 'three.png', 3],
    ['3×3 image, kernel 2', ['deblur', inp('three.png'), '-o', dst('three2.png'), '--kernel-size', '2', ...tiny], 'three2.png', 3],
    ['simulate a CMYK JPEG', ['simulate', inp('cmyk.jpg'), '--psf', 'gaussian', '--psf-size', '5', '-o', dst('sim-cmyk.png')], 'sim-cmyk.png', 3],
    ['simulate a 1×1 image (same mode)', ['simulate', inp('one.png'), '--psf', 'gaussian', '--psf-size', '1', '--mode', 'same', '-o', dst('sim-one.png')], 'sim-one.png', 1],
    ['deconvolve a 3×3 image', ['deconvolve', inp('three.png'), '--kernel', inp('k3.txt'), '-o', dst('dec-three.png')], 'dec-three.png', 3],
    ['deconvolve a PNG named .bmp', ['deconvolve', inp('png-named.bmp'), '--kernel', inp('k3.txt'), '-o', dst('dec-bmp.png')], 'dec-bmp.png', 3],
  ];
  for (const [name, args, output, channels] of good) {
    const r = await runMain(args);
    assert.equal(r.status, 0, `${name}: ${r.stderr}`);
    const input = decodeImage(new Uint8Array(readFileSync(args[1])));
    const result = decodeImage(new Uint8Array(readFileSync(dst(output))));
    if (args[0] !== 'simulate') assert.deepEqual([result.width, result.height], [input.width, input.height], name);
    assert.equal(result.channels, channels, name);
  }
  assert.deepEqual(readdirSync(out).filter((f) => f.includes('.tmp-')), [], 'temp files left behind');
  assert.deepEqual(inputHashes(), hashesBefore);
});

test('bad input through a real `sdi` process: exit status 2, one line, no stack trace (one case per command)', () => {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out);
  const cases: Array<[string[], RegExp]> = [
    [['deblur', inp('random.png'), '-o', dst('a.png')], /not a PNG or JPEG/],
    [['simulate', inp('truncated.png'), '--psf', 'gaussian', '-o', dst('a.png')], /truncated PNG/],
    [['deconvolve', inp('good.png'), '--kernel', inp('k-inf.txt'), '-o', dst('a.png')], /'Infinity' is not a finite number/],
    [['score', inp('empty.png'), inp('good.png')], /file is empty/],
  ];
  for (const [args, pattern] of cases) {
    const r = runCli(args, { timeoutMs: 60_000 });
    assert.equal(r.status, 2, `${args[0]}: ${r.stderr}`);
    assert.ok(isOneLineError(r.stderr), JSON.stringify(r.stderr));
    assert.match(r.stderr, pattern);
  }
  assert.deepEqual(readdirSync(out), []);
  assert.deepEqual(inputHashes(), hashesBefore);
});
