/**
 * Long runs lose nothing, checked on the real `sdi deblur` process:
 * - SIGKILL after two checkpoints, then `--resume`: the output image and kernel are byte-identical
 *   to an uninterrupted run, even with debris of a kill in the middle of a checkpoint write left in
 *   the folder; resuming with another seed or another input fails with one line.
 * - SIGINT: exits 130 within seconds, no stack trace, and writes the estimate so far (image, kernel
 *   summing to 1, report with status 'aborted'), leaving no temp file and the input untouched.
 * - A checkpoint folder caught between the two atomic writes still loads the previous checkpoint,
 *   and a damaged state file is refused.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeImage, encodePng } from '../../src/image/codec.js';
import { centerCrop, cropImage } from '../../src/image/image.js';
import { loadCheckpoint } from '../../src/io/checkpoint_files.js';
import { projectRoot, sharedData } from '../helpers.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sdi-cli-interrupt-'));
const at = (...parts: string[]) => path.join(dir, ...parts);
after(() => rmSync(dir, { recursive: true, force: true }));
const blurred = decodeImage(new Uint8Array(readFileSync(sharedData('levin/blurred/im1_kernel1_img.png'))));
const input = at('input.png');
const otherInput = at('other.png');
writeFileSync(input, encodePng(centerCrop(blurred, 32, 32)));
writeFileSync(otherInput, encodePng(cropImage(blurred, 0, 0, 32, 32)));
const STEPS = 6;
/** A tiny but real run: 32×32 gray, 5×5 kernel, fast preset cut to STEPS × 3 steps, wasm on one thread. */
const runArgs = (file: string, outDir: string, extra: string[]) => [
  'deblur', file, '-o', path.join(outDir, 'out.png'), '--kernel-out', path.join(outDir, 'k.txt'),
  '--kernel-size', '5', '--preset', 'fast', '--steps', String(STEPS), '--iters', '3', '--seed', '1', '--backend', 'wasm', ...extra,
];

const hashOf = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const hasStackTrace = (text: string) => /^\s+at \S|node:internal|^\w*Error\b/m.test(text);
const tempFilesIn = (folder: string) => readdirSync(folder).filter((f) => /\.tmp/.test(f));

interface Cli { pid: number; stderr: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>; isRunning: () => boolean }

/** Starts the real CLI (node --import tsx src/cli/main.ts; no wrapper process, so signals reach it). */
function startCli(args: string[]): Cli {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'src/cli/main.ts'), ...args], {
    cwd: projectRoot, env: { ...process.env, SDI_DEBUG: '', SDI_WASM_THREADS: '1' }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  let running = true;
  child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => { running = false; resolve({ code, signal, stderr }); });
  });
  return { pid: child.pid!, stderr: () => stderr, exited, isRunning: () => running };
}

/** Runs the CLI to the end. */
async function runToEnd(args: string[]) {
  return startCli(args).exited;
}

/** Number of outer steps recorded in a checkpoint folder (0 while there is none). */
function checkpointOuterDone(folder: string): number {
  try {
    return JSON.parse(readFileSync(path.join(folder, 'checkpoint.json'), 'utf8')).outerDone as number;
  } catch {
    return 0;
  }
}

/** Polls until `ready()` holds; fails if the process ends first or it takes longer than `timeoutMs`. */
async function waitUntil(cli: Cli, ready: () => boolean, what: string, timeoutMs = 45_000): Promise<void> {
  const t0 = Date.now();
  while (!ready()) {
    assert.ok(cli.isRunning(), `the run ended before ${what}: ${cli.stderr()}`);
    assert.ok(Date.now() - t0 < timeoutMs, `timed out waiting for ${what}`);
    await sleep(20);
  }
}

test('SIGKILL after two checkpoints, then --resume: output byte-identical to an uninterrupted run', { timeout: 120_000 }, async () => {
  const refDir = at('reference'), killDir = at('killed'), ck = at('killed', 'checkpoint');
  mkdirSync(refDir);
  mkdirSync(killDir);
  const inputHash = hashOf(input);
  const reference = startCli(runArgs(input, refDir, [])); // no --checkpoint: writing checkpoints must not change the result
  const killed = startCli(runArgs(input, killDir, ['--checkpoint', ck]));
  await waitUntil(killed, () => checkpointOuterDone(ck) >= 2, 'two checkpoints');
  process.kill(killed.pid, 'SIGKILL');
  const k = await killed.exited;
  assert.equal(k.signal, 'SIGKILL');
  const outerAtKill = checkpointOuterDone(ck);
  assert.ok(outerAtKill >= 2 && outerAtKill < STEPS, `killed after outer step ${outerAtKill}`);
  assert.equal(existsSync(path.join(killDir, 'out.png')), false, 'the killed run must not have finished');

  // Debris of a kill in the middle of the next checkpoint write: a half-written JSON temp file and a
  // complete state file of a later step that no checkpoint.json points to yet.
  writeFileSync(path.join(ck, `checkpoint.json.tmp-${killed.pid}-7`), '{"format":"deblursdi-che');
  writeFileSync(path.join(ck, 'state-0123456789abcdef.bin'), new Uint8Array(4096).fill(7));

  const ref = await reference.exited;
  assert.equal(ref.code, 0, ref.stderr);
  const resumed = await runToEnd(runArgs(input, killDir, ['--checkpoint', ck, '--resume']));
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, new RegExp(`resuming from .* after outer step ${outerAtKill}\\b`));
  assert.equal((resumed.stderr.match(/^outer step /gm) ?? []).length, STEPS - outerAtKill, 'only the remaining outer steps run');
  assert.ok(readFileSync(path.join(killDir, 'out.png')).equals(readFileSync(path.join(refDir, 'out.png'))), 'restored image differs from the uninterrupted run');
  assert.equal(readFileSync(path.join(killDir, 'k.txt'), 'utf8'), readFileSync(path.join(refDir, 'k.txt'), 'utf8'));
  assert.equal(checkpointOuterDone(ck), STEPS);
  assert.deepEqual(readdirSync(ck).filter((f) => f !== 'checkpoint.json').length, 1, `stale checkpoint files left: ${readdirSync(ck)}`);
  assert.deepEqual(tempFilesIn(ck), []);

  // A checkpoint is only good for the run that made it.
  const checkpointBefore = readFileSync(path.join(ck, 'checkpoint.json'));
  for (const [name, args, pattern] of [
    ['another seed', [...runArgs(input, killDir, ['--checkpoint', ck, '--resume']), '--seed', '2'], /other options/],
    ['another input', runArgs(otherInput, killDir, ['--checkpoint', ck, '--resume']), /another input file/],
  ] as const) {
    const r = await runToEnd([...args]);
    assert.notEqual(r.code, 0, `${name}: exit status`);
    assert.equal(r.stderr.trim().split('\n').length, 1, `${name}: one line expected, got ${JSON.stringify(r.stderr)}`);
    assert.match(r.stderr, /^sdi deblur: cannot resume|^sdi deblur: checkpoint/, name);
    assert.match(r.stderr, pattern, name);
  }
  assert.ok(readFileSync(path.join(ck, 'checkpoint.json')).equals(checkpointBefore), 'a refused resume must leave the checkpoint alone');
  assert.equal(hashOf(input), inputHash);
});

for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
test(`${signal}: exit ${status} within seconds, estimate so far written, report aborted, no temp files, input untouched`, { timeout: 120_000 }, async () => {
  const outDir = at(signal.toLowerCase()), ck = at(`${signal.toLowerCase()}-checkpoint`);
  mkdirSync(outDir);
  const inputHash = hashOf(input);
  const report = path.join(outDir, 'run.json');
  const args = runArgs(input, outDir, ['--report', report, '--checkpoint', ck]).map((a, i, all) => (all[i - 1] === '--steps' ? '500' : a));
  const cli = startCli(args);
  await waitUntil(cli, () => checkpointOuterDone(ck) >= 1, 'the first checkpoint');
  const t0 = Date.now();
  process.kill(cli.pid, signal);
  const r = await cli.exited;
  const exitMs = Date.now() - t0;
  assert.equal(r.code, status, r.stderr);
  assert.ok(exitMs < 15_000, `took ${exitMs} ms to stop after ${signal}`);
  assert.equal(hasStackTrace(r.stderr), false, r.stderr);
  assert.match(r.stderr.trim().split('\n').at(-1)!, /^sdi deblur: interrupted: stopped early .*wrote .*out\.png/);

  const image = decodeImage(new Uint8Array(readFileSync(path.join(outDir, 'out.png'))));
  assert.deepEqual([image.width, image.height], [32, 32]);
  const rows = readFileSync(path.join(outDir, 'k.txt'), 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  assert.deepEqual([rows.length, rows[0].length], [5, 5]);
  assert.ok(rows.flat().every((v) => Number.isFinite(v) && v >= 0));
  assert.ok(Math.abs(rows.flat().reduce((a, b) => a + b, 0) - 1) < 1e-5);
  const rep = JSON.parse(readFileSync(report, 'utf8'));
  assert.equal(rep.status, 'aborted');
  assert.ok(rep.lossHistory.length >= 3 && rep.lossHistory.length < 500 * 3, `${rep.lossHistory.length} inner steps recorded`);
  assert.deepEqual(tempFilesIn(outDir), []);
  assert.deepEqual(tempFilesIn(ck), []);
  assert.equal(hashOf(input), inputHash);
  console.log(`${signal} → exit ${status} in ${exitMs} ms after ${checkpointOuterDone(ck)} checkpointed outer steps`);
});
}

test('checkpoint folder: a state written but not yet referenced is ignored, a damaged one is refused', async (t) => {
  const ck = at('killed', 'checkpoint');
  if (!existsSync(path.join(ck, 'checkpoint.json'))) return t.skip('needs the checkpoint made by the first test');
  const good = await loadCheckpoint(ck);
  const torn = at('torn');
  cpSync(ck, torn, { recursive: true });
  const referenced = JSON.parse(readFileSync(path.join(torn, 'checkpoint.json'), 'utf8')).stateFile as string;
  // What a kill between the two renames of saveCheckpoint leaves: a newer complete state, the old JSON.
  writeFileSync(path.join(torn, 'state-fedcba9876543210.bin'), new Uint8Array(readFileSync(path.join(torn, referenced)).length).fill(1));
  const loaded = await loadCheckpoint(torn);
  assert.equal(loaded.checkpoint.outerDone, good.checkpoint.outerDone);
  assert.deepEqual(Array.from(loaded.checkpoint.x), Array.from(good.checkpoint.x));
  assert.deepEqual(loaded.checkpoint.imageParams.map((a) => Array.from(a)), good.checkpoint.imageParams.map((a) => Array.from(a)));
  // A damaged state file (bit flip, truncation) is refused with one line rather than resumed from.
  const bytes = readFileSync(path.join(torn, referenced));
  bytes[bytes.length >> 1] ^= 1;
  writeFileSync(path.join(torn, referenced), bytes);
  await assert.rejects(loadCheckpoint(torn), (e: Error) => /damaged/.test(e.message) && !e.message.includes('\n'));
  writeFileSync(path.join(torn, referenced), bytes.subarray(0, 1000));
  await assert.rejects(loadCheckpoint(torn), /damaged|incomplete/);
});
