/**
 * How the non-blind restore's prior weight λ = c·σ̂ (deconv/hqs.ts, autoHqsLambda) changes the score of
 * a set's saved kernels: `npm run bench:restore-weight -- <set> <run|true> <c,c,…> [id …]`.
 *
 * For each image of `set` with a kernel saved by harness run `run` (results/quality/<set>/<run>/), or
 * with its true kernel for `true`, restores every channel by HQS with λ = clamp(c·σ̂_channel) for each
 * slope c and scores the luminance with the Levin protocol (aligned PSNR), as bench:quality does.
 * Appends one line per image and a MEAN line to results/restore-weight/<date>.log (date, machine in the
 * file's header line). The lower clamp is 2e-5 here (autoHqsLambda's is 2e-4) so that small slopes on
 * nearly noiseless photos are really tried.
 */
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { readImageFile, readKernelFile } from '../src/io/files.js';
import { getChannel, mergeChannels, toLuminance, type Image } from '../src/image/image.js';
import { scoreLevin } from '../src/metrics/align.js';
import { deconvolveHqs, estimateNoiseSigma } from '../src/deconv/index.js';
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
    const scores = slopes.map((c) => {
      const planes: Image[] = [];
      for (let ch = 0; ch < blurred.channels; ch++) {
        const plane = getChannel(blurred, ch);
        const lambda = Math.min(2e-2, Math.max(2e-5, c * estimateNoiseSigma(plane.data, plane.width, plane.height)));
        planes.push(deconvolveHqs(plane, kernel, { lambda }));
      }
      return scoreLevin(toLuminance(planes.length === 1 ? planes[0] : mergeChannels(planes)), truth).psnr;
    });
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
