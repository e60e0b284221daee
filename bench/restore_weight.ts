/**
 * How the non-blind restore's prior weight λ = c·σ̂ (deconv/hqs.ts, autoHqsLambda) changes the score of
 * a set's saved kernels: `npm run bench:restore-weight -- <set> <run|true> <c,c,…> [id …]`.
 *
 * For each image of `set` with a kernel saved by harness run `run` (results/quality/<set>/<run>/), or
 * with its true kernel for `true`, restores every channel by HQS with λ = clamp(c·σ̂_channel) for each
 * slope c and scores the luminance with the Levin protocol (aligned PSNR), as bench:quality does.
 * Appends one line per image and a MEAN line to results/restore-weight/<date>.log (date, machine in the
 * file's header line). λ is clamped as the library clamps it (autoHqsLambda: [2e-5, 2e-2]). Until the
 * library lowered its floor from 2e-4 to 2e-5 (2026-11-29) this script clamped at 2e-5 itself, so its
 * earlier logs compare with later ones.
 */
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { readImageFile, readKernelFile } from '../src/io/files.js';
import { toLuminance } from '../src/image/image.js';
import { scoreLevin } from '../src/metrics/align.js';
import { deconvolveHqs } from '../src/deconv/index.js';
import { machineDescription, projectRoot, readManifest } from './common.js';

async function main(argv: string[]): Promise<void> {
  const [set, source, slopeList, ...ids] = argv;
  if (!set || !source || !slopeList) throw new Error('usage: bench:restore-weight -- <set> <run|true> <c,c,…> [id …]');
  const slopes = slopeList.split(',').map(Number);
  const manifest = await readManifest(set);
  const dir = path.join(projectRoot, 'results', 'restore-weight');
  mkdirSync(dir, { recursive: true });
  const logFile = path.join(dir, `${new Date().toISOString().slice(0, 10)}.log`);
  if (!existsSync(logFile)) appendFileSync(logFile, `# bench/restore_weight.ts, ${new Date().toISOString()}, ${JSON.stringify(machineDescription())}\n`);
  const log = (line: string) => {
    console.log(line);
    appendFileSync(logFile, line + '\n');
  };
  const sums = slopes.map(() => 0);
  let count = 0;
  for (const item of manifest.items.filter((it) => ids.length === 0 || ids.includes(it.id))) {
    const kernelFile = source === 'true' ? path.join(projectRoot, item.kernel) : path.join(projectRoot, 'results', 'quality', set, source, `${item.id}_kernel.txt`);
    if (!existsSync(kernelFile)) continue;
    const blurred = await readImageFile(path.join(projectRoot, item.blurred));
    const truth = toLuminance(await readImageFile(path.join(projectRoot, item.sharp)));
    const kernel = await readKernelFile(kernelFile);
    const scores = slopes.map((c) => scoreLevin(toLuminance(deconvolveHqs(blurred, kernel, { lambdaPerSigma: c })), truth).psnr);
    scores.forEach((p, i) => (sums[i] += p));
    count++;
    log(`${set} ${source} ${item.id} ${scores.map((p, i) => `c${slopes[i]} ${p.toFixed(2)}`).join(' ')}`);
  }
  log(`${set} ${source} MEAN n=${count} ${sums.map((s, i) => `c${slopes[i]} ${(s / Math.max(1, count)).toFixed(3)}`).join(' ')}`);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(`bench:restore-weight: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
});
