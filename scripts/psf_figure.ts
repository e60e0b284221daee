/**
 * Writes docs/psf_grid.png: the PSF simulators at a glance (display: √(intensity / peak), so faint
 * rings and tails show).
 *
 *     npx tsx scripts/psf_figure.ts [--seed 0] [-o docs/psf_grid.png]
 *
 * Rows 1–3: Zernike PSFs one per Noll mode, labelled Zj (j = 1…15: piston, tilts, defocus,
 * astigmatisms, comas, trefoils, spherical, secondary astigmatisms, quadrafoils), each with
 * a_j = 0.3 waves alone, 31×31 px at sampling q = 2. Row 4: random draws of the benchmark
 * aberration family (R1…R5). Rows 5–6: random camera-shake kernels, 31×31 (M1…M10).
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SdiError } from '../src/errors.js';
import type { Image } from '../src/image/image.js';
import { writeImageFile } from '../src/io/files.js';
import { numberOption, parseOptions } from '../src/cli/options.js';
import type { Kernel } from '../src/physics/kernel.js';
import { randomMotionPsf } from '../src/physics/psf/motion.js';
import { randomZernikePsf, zernikePsf } from '../src/physics/psf/zernike.js';
import { Rng } from '../src/rng.js';

const SIZE = 31, SCALE = 4, GAP = 6, LABEL = 16, COLS = 5;
const TILE = SIZE * SCALE;

/** 3×5 bitmap glyphs (rows top to bottom, 3 bits each) for the labels. */
const GLYPHS: Record<string, number[]> = {
  '0': [7, 5, 5, 5, 7], '1': [2, 6, 2, 2, 7], '2': [7, 1, 7, 4, 7], '3': [7, 1, 7, 1, 7], '4': [5, 5, 7, 1, 1],
  '5': [7, 4, 7, 1, 7], '6': [7, 4, 7, 5, 7], '7': [7, 1, 1, 1, 1], '8': [7, 5, 7, 5, 7], '9': [7, 5, 7, 1, 7],
  Z: [7, 1, 2, 4, 7], M: [5, 7, 7, 5, 5], R: [6, 5, 6, 5, 5],
};

function drawText(img: Image, text: string, x0: number, y0: number, scale = 2): void {
  let x = x0;
  for (const ch of text) {
    const g = GLYPHS[ch];
    if (g) {
      for (let r = 0; r < 5; r++) for (let c = 0; c < 3; c++) {
        if (!((g[r] >> (2 - c)) & 1)) continue;
        for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) img.data[(y0 + r * scale + dy) * img.width + x + c * scale + dx] = 1;
      }
    }
    x += 4 * scale;
  }
}

function drawKernel(img: Image, k: Kernel, x0: number, y0: number): void {
  const peak = Math.max(...k.data);
  for (let y = 0; y < TILE; y++) for (let x = 0; x < TILE; x++) {
    const v = k.data[Math.floor(y / SCALE) * k.width + Math.floor(x / SCALE)];
    img.data[(y0 + y) * img.width + x0 + x] = Math.sqrt(Math.max(0, v) / peak);
  }
}

/** The figure as a gray image: labelled tiles, COLS per row. */
export function psfFigure(seed: number): Image {
  const tiles: Array<{ label: string; kernel: Kernel }> = [];
  for (let j = 1; j <= 15; j++) {
    const coefficients = new Float64Array(j);
    coefficients[j - 1] = 0.3;
    tiles.push({ label: `Z${j}`, kernel: zernikePsf(coefficients, SIZE).kernel });
  }
  const rng = new Rng(seed);
  const zrng = rng.fork(), mrng = rng.fork();
  for (let i = 1; i <= 5; i++) tiles.push({ label: `R${i}`, kernel: randomZernikePsf(SIZE, zrng).kernel });
  for (let i = 1; i <= 10; i++) tiles.push({ label: `M${i}`, kernel: randomMotionPsf(SIZE, mrng).kernel });
  const rows = Math.ceil(tiles.length / COLS);
  const width = COLS * (TILE + GAP) + GAP, height = rows * (TILE + LABEL + GAP) + GAP;
  const img: Image = { width, height, channels: 1, data: new Float32Array(width * height).fill(0.12) };
  tiles.forEach(({ label, kernel }, i) => {
    const x0 = GAP + (i % COLS) * (TILE + GAP), y0 = GAP + Math.floor(i / COLS) * (TILE + LABEL + GAP);
    drawText(img, label, x0, y0 + 2);
    drawKernel(img, kernel, x0, y0 + LABEL);
  });
  return img;
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseOptions(argv, { seed: { type: 'string' }, output: { type: 'string', short: 'o' } }, 'psf_figure');
  if (positionals.length) throw new SdiError('usage: psf_figure.ts [--seed N] [-o docs/psf_grid.png]');
  const seed = numberOption(values.seed, 'seed', { min: 0, integer: true }) ?? 0;
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const out = values.output ?? path.join(root, 'docs', 'psf_grid.png');
  await writeImageFile(out, psfFigure(seed));
  process.stdout.write(`wrote ${path.relative(process.cwd(), out)}\n`);
}

if (process.argv[1] && /psf_figure\.(ts|js|mjs)$/.test(process.argv[1])) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    const err = e as Error;
    process.stderr.write(`psf_figure: ${err instanceof SdiError ? err.message : String(err?.stack ?? e)}\n`);
    process.exit(err instanceof SdiError ? err.exitCode : 1);
  });
}
