/**
 * Real blurred photos (no ground truth): the SelfDeblur repository's `fishes`, `flower` and `house`
 * colour photos and scikit-image's `clock_motion`, each deblurred by the `sdi deblur` command a user
 * would type, with the options given after `--`:
 *
 *   npx tsx bench/real_photos.ts --tag <t> [--photos id,id] -- <sdi deblur options, e.g. --preset fast --scale 0.5 --refine map-l0>
 *
 * Writes results/real/<t>/<id>.png (the restored photo), <id>_kernel.txt / .png and <id>.json (the run
 * report: seed, backend, threads, timings, the refinement's choice), appends one line per photo to
 * results/real/runs.jsonl (date, machine, options, wall time) and draws results/real/<t>.jpg: per photo
 * the input, the region the kernel was estimated on before and after (native pixels) and the kernel.
 * Kernel sizes are SelfDeblur's for its photos (fishes 41, flower 25, house 51) and 41 for
 * clock_motion (a horizontal smear a few tens of pixels long). Photos already done for a tag are skipped.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { cropImage, type Image } from '../src/image/image.js';
import { encodeJpeg } from '../src/image/codec.js';
import { readImageFile, readKernelFile, writeFileAtomic, writeKernelFile } from '../src/io/files.js';
import { kernelToImage } from '../src/physics/kernel_view.js';
import type { RunReport } from '../src/deblur.js';
import { appendJsonLine, machineDescription, projectRoot, readJsonLines } from './common.js';
import { tileImages } from './plot.js';

interface Photo { id: string; file: string; kernelSize: number }

const data = process.env.SDI_DATA_DIR ?? path.resolve(projectRoot, '..', 'shared', 'data');
export const REAL_PHOTOS: Photo[] = [
  { id: 'fishes', file: path.join(data, 'real', 'fishes.jpg'), kernelSize: 41 },
  { id: 'flower', file: path.join(data, 'real', 'flower.jpg'), kernelSize: 25 },
  { id: 'house', file: path.join(data, 'real', 'house.jpg'), kernelSize: 51 },
  { id: 'clock_motion', file: path.join(data, 'natural', 'clock_motion.png'), kernelSize: 41 },
];

interface RealRunRecord { photo: string; tag: string; args: string[]; seed: number; wallMs: number; backend: string; threads: number; refinement: string | null; date: string; machine: ReturnType<typeof machineDescription> }

async function main(argv: string[]): Promise<void> {
  const split = argv.indexOf('--');
  const own = split >= 0 ? argv.slice(0, split) : argv;
  const passed = split >= 0 ? argv.slice(split + 1) : [];
  const tag = own[own.indexOf('--tag') + 1];
  if (!own.includes('--tag') || !tag || tag.startsWith('-')) throw new Error('usage: npx tsx bench/real_photos.ts --tag <t> [--photos id,id] -- <sdi deblur options>');
  const only = own.includes('--photos') ? new Set(own[own.indexOf('--photos') + 1]?.split(',')) : null;
  const unknown = [...(only ?? [])].filter((id) => !REAL_PHOTOS.some((p) => p.id === id));
  if (unknown.length) throw new Error(`unknown photo ${unknown.join(', ')} (photos: ${REAL_PHOTOS.map((p) => p.id).join(', ')})`);
  const outDir = path.join(projectRoot, 'results', 'real', tag);
  const log = path.join(projectRoot, 'results', 'real', 'runs.jsonl');
  const done = new Set((existsSync(log) ? await readJsonLines<RealRunRecord>(log) : []).filter((r) => r.tag === tag).map((r) => r.photo));
  const seed = passed.includes('--seed') ? Number(passed[passed.indexOf('--seed') + 1]) : 0;
  for (const photo of REAL_PHOTOS) {
    if ((only && !only.has(photo.id)) || done.has(photo.id)) continue;
    const out = (suffix: string) => path.join(outDir, `${photo.id}${suffix}`);
    const args = ['deblur', photo.file, '-o', out('.png'), '--kernel-out', out('_kernel.txt'), '--kernel-size', String(photo.kernelSize),
      '--report', out('.json'), '--seed', String(seed), '--quiet', ...passed.filter((a, i) => a !== '--seed' && passed[i - 1] !== '--seed')];
    const t0 = performance.now();
    const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'src', 'cli', 'main.ts'), ...args], { stdio: 'inherit', cwd: projectRoot });
    if (child.status !== 0) throw new Error(`sdi deblur failed on ${photo.id} (exit ${child.status})`);
    const wallMs = performance.now() - t0;
    const report = JSON.parse(readFileSync(out('.json'), 'utf8')) as RunReport;
    await writeKernelFile(out('_kernel.png'), await readKernelFile(out('_kernel.txt')));
    await appendJsonLine(log, {
      photo: photo.id, tag, args: args.slice(1).map((a) => (path.isAbsolute(a) ? path.relative(projectRoot, a) : a)), seed, wallMs,
      backend: report.backend.name, threads: report.backend.threads, refinement: report.refinement?.chosen ?? null,
      date: new Date().toISOString(), machine: machineDescription(),
    } satisfies RealRunRecord);
    console.log(`${photo.id}: ${(wallMs / 60000).toFixed(1)} min${report.refinement ? `, kernel kept: ${report.refinement.chosen}` : ''}`);
  }
  await drawFigure(tag, outDir);
}

/** One row per photo: input | estimation region blurred | the same region restored | kernel (×4). */
async function drawFigure(tag: string, outDir: string): Promise<void> {
  const rows: Image[][] = [];
  for (const photo of REAL_PHOTOS) {
    if (!existsSync(path.join(outDir, `${photo.id}.json`))) continue;
    const report = JSON.parse(readFileSync(path.join(outDir, `${photo.id}.json`), 'utf8')) as RunReport;
    const { x0, y0, width, height } = report.working;
    const blurred = await readImageFile(photo.file);
    const restored = await readImageFile(path.join(outDir, `${photo.id}.png`));
    const kernel = await readKernelFile(path.join(outDir, `${photo.id}_kernel.txt`));
    rows.push([blurred, cropImage(blurred, x0, y0, width, height), cropImage(restored, x0, y0, width, height), kernelToImage(kernel, 4)]);
  }
  if (rows.length) await writeFileAtomic(path.join(projectRoot, 'results', 'real', `${tag}.jpg`), encodeJpeg(tileImages(rows, Math.max(...rows.map((r) => Math.max(r[1].width, r[1].height)))), 90));
}

main(process.argv.slice(2)).catch((e) => {
  console.error(`bench/real_photos: ${(e as Error).message}`);
  process.exit(1);
});
