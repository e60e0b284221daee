/**
 * Generates the benchmark sets read by the evaluation harness, deterministically from a seed:
 *
 *     npx tsx scripts/make_sets.ts [--seed 0] [--sets levin-motion,levin-aberration,ffhq-motion,ffhq-aberration,natural-motion] [--out DIR]
 *
 * writes bench/sets/<set>/manifest.json (or DIR/<set>/…) plus its files (the folder is wiped first; it is generated
 * output, not committed). Manifest: { set, seed, mode: "valid", noiseSigma, description, aligned,
 * psf, items: [{ id, blurred, sharp, kernel, kernelSize: [h, w], psfParams }] }, all paths relative
 * to the project root; kernels are PSFs in the project's convention (true convolution, centre ⌊k/2⌋).
 *
 * - levin-motion: the 32 captured Levin photos as given (../shared/data), their 8 kernels rotated
 *   into the PSF convention. Ground truth aligned only up to a ±5 px (sub-pixel) shift.
 * - synthetic sets: blurred = clip('valid' convolution of the sharp image with the PSF + N(0, σ²)),
 *   σ = 0.01, written as 16-bit PNG; `sharp` is the matching crop of the sharp image (pixel-aligned,
 *   same size: for odd k the central crop, (k−1)/2 px trimmed per side).
 *   · levin-aberration: 4 Levin sharp images × 8 Zernike PSFs
 *   · ffhq-aberration:  5 FFHQ faces (RGB) × 4 Zernike PSFs
 *   · ffhq-motion:      5 FFHQ faces (RGB) × 4 motion PSFs
 *   · natural-motion:   4 fixed 192×192 crops of ../shared/data/natural × 2 motion PSFs
 *   · ffhq-motion-noiseless: ffhq-motion's faces and PSFs (the same draws) with σ = 0, to tell the
 *     noise's share of a score from the method's (the paper does not state its FFHQ noise level)
 *   Zernike PSFs: coefficients from DEFAULT_ABERRATION_RANGES (defocus ±0.25, astigmatism ±0.15,
 *   coma and trefoil ±0.10, spherical ±0.08, quadrafoil ±0.05 waves), sampling q = 2; size = the
 *   smallest odd k in 21–31 keeping the energy within 2% of the Airy pattern's in the same crop
 *   (draws that fit no size are redrawn). Motion PSFs: Boracchi–Foi camera shake, odd size
 *   k ~ U{15…31}, path length U(0.6, 1.6)·(k−1) px, shakiness log-U(0.0005, 0.012).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SdiError } from '../src/errors.js';
import { cropImage, type Image } from '../src/image/image.js';
import { readImageFile, writeImageFile, writeJsonFile, writeKernelFile } from '../src/io/files.js';
import { numberOption, parseOptions } from '../src/cli/options.js';
import type { Kernel } from '../src/physics/kernel.js';
import { loadLevinKernel } from '../src/physics/psf/levin.js';
import { randomMotionPsf } from '../src/physics/psf/motion.js';
import { DEFAULT_ABERRATION_RANGES, DEFAULT_SAMPLING, fittingZernikeSize, randomZernikeCoefficients, zernikePsf } from '../src/physics/psf/zernike.js';
import { simulateBlur } from '../src/physics/simulate.js';
import { Rng } from '../src/rng.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = process.env.SDI_DATA_DIR ?? path.resolve(projectRoot, '..', 'shared', 'data');
/** Where the harness reads the sets. */
export const DEFAULT_SETS_DIR = path.join(projectRoot, 'bench', 'sets');
const NOISE_SIGMA = 0.01;

/** Canonical order: each set's generator is forked from the seed in this order, whichever are built. */
export const SET_NAMES = ['levin-motion', 'levin-aberration', 'ffhq-motion', 'ffhq-aberration', 'natural-motion', 'ffhq-motion-noiseless'] as const;
export type SetName = (typeof SET_NAMES)[number];

export interface Item {
  id: string;
  blurred: string;
  sharp: string;
  kernel: string;
  kernelSize: [number, number];
  psfParams?: Record<string, unknown>;
}

export interface Manifest {
  set: SetName;
  seed: number;
  mode: 'valid';
  noiseSigma: number | null;
  description: string;
  aligned: boolean;
  psf: Record<string, unknown>;
  items: Item[];
}

interface Psf {
  kernel: Kernel;
  params: Record<string, unknown>;
}

const rel = (file: string) => path.relative(projectRoot, file).split(path.sep).join('/');
const dataFile = (...parts: string[]) => path.join(dataDir, ...parts);

/** A Zernike PSF of the benchmark family: redrawn until some odd size in 21–31 holds its energy. */
function benchmarkZernikePsf(rng: Rng): Psf {
  for (let attempt = 1; ; attempt++) {
    const coefficients = randomZernikeCoefficients(rng, DEFAULT_ABERRATION_RANGES);
    const size = fittingZernikeSize(coefficients, 21, 31, 0.02);
    if (size === null) continue;
    const { kernel, energy } = zernikePsf(coefficients, size);
    return { kernel, params: { family: 'zernike', coefficients: Array.from(coefficients, (a) => +a.toFixed(6)), sampling: DEFAULT_SAMPLING, energy: +energy.toFixed(5), attempt } };
  }
}

/** A motion PSF of the benchmark family: odd size in 15–31, Boracchi–Foi path. */
function benchmarkMotionPsf(rng: Rng): Psf {
  const size = 15 + 2 * rng.int(9);
  const r = randomMotionPsf(size, rng);
  return { kernel: r.kernel, params: { family: 'motion', length: +r.length.toFixed(3), shakiness: +r.shakiness.toFixed(6), shrink: +r.scale.toFixed(4) } };
}

const ZERNIKE_INFO = {
  family: 'zernike', sampling: DEFAULT_SAMPLING, sizes: '21-31 (odd, smallest keeping energy within 2% of Airy)',
  ranges: DEFAULT_ABERRATION_RANGES, units: 'waves, Noll-normalised (RMS) coefficients, a_j ~ U(-r_j, r_j)',
};
const MOTION_INFO = { family: 'motion (Boracchi-Foi camera shake)', sizes: '15-31 (odd, uniform)', length: 'U(0.6, 1.6)*(k-1) px', shakiness: 'log-U(0.0005, 0.012)' };

const syntheticNote = (sigma: number) =>
  `blurred = clip('valid' true convolution of the sharp image with the PSF${sigma > 0 ? ` + Gaussian noise sigma=${sigma}, seeded` : ', no noise'}), 16-bit PNG; ` +
  "'sharp' is the matching crop of the sharp image: pixel-aligned with 'blurred' and the same size (kernels are odd, so the central crop, (k-1)/2 px trimmed per side). " +
  'Kernels are PSFs in the project convention (true convolution, centre floor(k/2)).';

async function resetDir(dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true });
}

async function writePsf(dir: string, name: string, psf: Kernel): Promise<string> {
  const file = path.join(dir, 'kernels', `${name}.txt`);
  await writeKernelFile(file, psf);
  await writeKernelFile(path.join(dir, 'kernels', `${name}.png`), psf);
  return rel(file);
}

/** Blurs each sharp image with each PSF ('valid', noise σ, default NOISE_SIGMA) and writes blurred, aligned ground truth and kernels. */
async function syntheticSet(
  setsDir: string, set: SetName, seed: number, rng: Rng, sharps: Array<{ name: string; image: Image }>, psfs: Psf[], describe: string, psfInfo: Record<string, unknown>,
  noiseSigma = NOISE_SIGMA,
): Promise<Manifest> {
  const dir = path.join(setsDir, set);
  await resetDir(dir);
  const kernelFiles: string[] = [];
  for (const [j, psf] of psfs.entries()) kernelFiles.push(await writePsf(dir, `psf${j + 1}`, psf.kernel));
  const items: Item[] = [];
  for (const { name, image } of sharps) {
    for (const [j, psf] of psfs.entries()) {
      const id = `${name}_psf${j + 1}`;
      const sim = simulateBlur(image, { kernel: psf.kernel, mode: 'valid', noiseSigma, rng: rng.fork() });
      const blurred = path.join(dir, 'blurred', `${id}.png`), sharp = path.join(dir, 'sharp', `${id}.png`);
      await writeImageFile(blurred, sim.blurred, { bitDepth: 16 });
      await writeImageFile(sharp, sim.groundTruth);
      items.push({ id, blurred: rel(blurred), sharp: rel(sharp), kernel: kernelFiles[j], kernelSize: [psf.kernel.height, psf.kernel.width], psfParams: psf.params });
    }
  }
  return { set, seed, mode: 'valid', noiseSigma, description: `${describe} ${syntheticNote(noiseSigma)}`, aligned: true, psf: psfInfo, items };
}

async function levinSharps(): Promise<Array<{ name: string; image: Image }>> {
  return Promise.all([1, 2, 3, 4].map(async (i) => ({ name: `im${i}`, image: await readImageFile(dataFile('levin', 'sharp', `im${i}.png`)) })));
}

async function ffhqFaces(): Promise<Array<{ name: string; image: Image }>> {
  const names = (await fs.readdir(dataFile('ffhq'))).filter((f) => f.endsWith('.png')).sort();
  return Promise.all(names.map(async (f) => ({ name: `ffhq${f.replace('.png', '')}`, image: await readImageFile(dataFile('ffhq', f)) })));
}

/** Fixed, documented 192×192 crops (x, y of the top-left corner) of the natural images. */
const NATURAL_CROPS: Array<{ file: string; x: number; y: number }> = [
  { file: 'camera.png', x: 160, y: 60 },
  { file: 'astronaut.png', x: 150, y: 30 },
  { file: 'coffee.png', x: 200, y: 100 },
  { file: 'chelsea.png', x: 130, y: 40 },
];

async function naturalCrops(): Promise<Array<{ name: string; image: Image }>> {
  return Promise.all(NATURAL_CROPS.map(async (c) => ({
    name: `${c.file.replace('.png', '')}_${c.x}_${c.y}`,
    image: cropImage(await readImageFile(dataFile('natural', c.file)), c.x, c.y, 192, 192),
  })));
}

async function levinMotion(setsDir: string, seed: number): Promise<Manifest> {
  const dir = path.join(setsDir, 'levin-motion');
  await resetDir(dir);
  const items: Item[] = [];
  const kernels: string[] = [];
  const sizes: Array<[number, number]> = [];
  for (let j = 1; j <= 8; j++) {
    const k = await loadLevinKernel(j, dataDir);
    const file = path.join(dir, 'kernels', `kernel${j}.txt`);
    await writeKernelFile(file, k);
    await writeKernelFile(path.join(dir, 'kernels', `kernel${j}.png`), k);
    kernels.push(rel(file));
    sizes.push([k.height, k.width]);
  }
  for (let i = 1; i <= 4; i++) {
    for (let j = 1; j <= 8; j++) {
      items.push({
        id: `im${i}_kernel${j}`,
        blurred: rel(dataFile('levin', 'blurred', `im${i}_kernel${j}_img.png`)),
        sharp: rel(dataFile('levin', 'sharp', `im${i}.png`)),
        kernel: kernels[j - 1],
        kernelSize: sizes[j - 1],
      });
    }
  }
  return {
    set: 'levin-motion', seed, mode: 'valid', noiseSigma: null,
    description:
      'Levin et al. 2009: the 32 captured blurred photos as given (4 sharp images x 8 camera-shake kernels), 255x255 gray. ' +
      'Real captures, not synthetic: the sharp image is aligned with the photo only up to a shift of up to about +-5 px (sub-pixel) and the noise is unknown (35-47 dB), ' +
      'so score with shift alignment (Levin/SelfDeblur protocol, see ../shared/data/README.md). ' +
      'Kernels: the levin09_kernelJ.txt arrays rotated 180 deg into the project PSF convention (true convolution, centre floor(k/2)).',
    aligned: false,
    psf: { family: 'levin09 (measured camera shake)', sizes: '13-27' },
    items,
  };
}

/** A generator that yields the same stream as `rng` from here on, leaving `rng` untouched. */
function streamCopy(rng: Rng): Rng {
  const copy = new Rng(0);
  copy.setState(rng.getState());
  return copy;
}

async function buildSet(setsDir: string, name: SetName, seed: number, rng: Rng): Promise<Manifest> {
  switch (name) {
    case 'levin-motion':
      return levinMotion(setsDir, seed);
    case 'levin-aberration': {
      const psfs = Array.from({ length: 8 }, () => benchmarkZernikePsf(rng));
      return syntheticSet(setsDir, name, seed, rng, await levinSharps(), psfs, 'Levin sharp images (4, 255x255 gray) x 8 Zernike aberration PSFs.', ZERNIKE_INFO);
    }
    case 'ffhq-motion':
    case 'ffhq-motion-noiseless': { // the same stream (see makeSets), so the same PSFs
      const psfs = Array.from({ length: 4 }, () => benchmarkMotionPsf(rng));
      return syntheticSet(setsDir, name, seed, rng, await ffhqFaces(), psfs, 'FFHQ faces (5, 256x256 RGB) x 4 motion PSFs.', MOTION_INFO, name === 'ffhq-motion' ? NOISE_SIGMA : 0);
    }
    case 'ffhq-aberration': {
      const psfs = Array.from({ length: 4 }, () => benchmarkZernikePsf(rng));
      return syntheticSet(setsDir, name, seed, rng, await ffhqFaces(), psfs, 'FFHQ faces (5, 256x256 RGB) x 4 Zernike aberration PSFs.', ZERNIKE_INFO);
    }
    case 'natural-motion': {
      const psfs = Array.from({ length: 2 }, () => benchmarkMotionPsf(rng));
      const crops = NATURAL_CROPS.map((c) => `${c.file}@(${c.x},${c.y})`).join(', ');
      return syntheticSet(setsDir, name, seed, rng, await naturalCrops(), psfs, `192x192 crops of ../shared/data/natural (${crops}) x 2 motion PSFs.`, MOTION_INFO);
    }
  }
}

/**
 * Builds the named sets (all by default) under `outDir` (default bench/sets) from `seed`; each set's
 * random stream is forked from the seed in the canonical order, so a set's content does not depend
 * on which other sets are built.
 */
export async function makeSets(opts: { seed?: number; sets?: readonly string[]; outDir?: string; log?: (line: string) => void } = {}): Promise<Manifest[]> {
  const seed = opts.seed ?? 0;
  const setsDir = opts.outDir ?? DEFAULT_SETS_DIR;
  const wanted = opts.sets ?? SET_NAMES;
  for (const s of wanted) if (!(SET_NAMES as readonly string[]).includes(s)) throw new SdiError(`unknown set '${s}' (expected ${SET_NAMES.join(', ')})`);
  try {
    await fs.access(dataFile('levin', 'sharp', 'im1.png'));
  } catch {
    throw new SdiError(`benchmark data not found under ${dataDir} (set SDI_DATA_DIR)`);
  }
  const base = new Rng(seed);
  const rngs = new Map(SET_NAMES.map((name) => [name, base.fork()] as const));
  rngs.set('ffhq-motion-noiseless', streamCopy(rngs.get('ffhq-motion')!)); // ffhq-motion's PSFs, without its noise
  const manifests: Manifest[] = [];
  for (const name of SET_NAMES) {
    if (!wanted.includes(name)) continue;
    const t0 = performance.now();
    const manifest = await buildSet(setsDir, name, seed, rngs.get(name)!);
    const file = path.join(setsDir, name, 'manifest.json');
    await writeJsonFile(file, manifest);
    opts.log?.(`${name}: ${manifest.items.length} items → ${rel(file)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    manifests.push(manifest);
  }
  return manifests;
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseOptions(argv, { seed: { type: 'string' }, sets: { type: 'string' }, out: { type: 'string' } }, 'make_sets');
  if (positionals.length) throw new SdiError(`usage: make_sets.ts [--seed N] [--sets ${SET_NAMES.join(',')}] [--out DIR]`);
  const seed = numberOption(values.seed, 'seed', { min: 0, max: 2 ** 32 - 1, integer: true }) ?? 0;
  const sets = values.sets ? values.sets.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
  const outDir = values.out ? path.resolve(values.out) : undefined;
  await makeSets({ seed, sets, outDir, log: (line) => process.stdout.write(line + '\n') });
}

const invokedDirectly = process.argv[1] && /make_sets\.(ts|js|mjs)$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    const err = e as Error;
    process.stderr.write(`make_sets: ${err instanceof SdiError ? err.message : String(err?.stack ?? e)}\n`);
    process.exit(err instanceof SdiError ? err.exitCode : 1);
  });
}
