/** Test fixtures: Levin sharp crops blurred by the true Levin kernels ('valid' convolution) plus seeded noise. */
import { readImageFile, readKernelFile } from '../../src/io/files.js';
import { cropImage, type Image } from '../../src/image/image.js';
import { rotateKernel180, type Kernel } from '../../src/physics/kernel.js';
import { Rng } from '../../src/rng.js';
import { sharedData } from '../helpers.js';

/**
 * 'Valid' blur in the project's PSF convention, written out from its definition
 * y[i, j] = Σ_{a,b} k[a, b] · x[i − a + cy, j − b + cx] for every output whose support lies inside x:
 * output (i, j) sits at x position (i + kh − 1 − cy, j + kw − 1 − cx).
 */
export function blurValid(x: Image, k: Kernel): Image {
  const H = x.height - k.height + 1, W = x.width - k.width + 1;
  const out = new Float32Array(H * W * x.channels);
  for (let c = 0; c < x.channels; c++) {
    for (let i = 0; i < H; i++) {
      for (let j = 0; j < W; j++) {
        let s = 0;
        for (let a = 0; a < k.height; a++) {
          for (let b = 0; b < k.width; b++) {
            s += k.data[a * k.width + b] * x.data[((i + k.height - 1 - a) * x.width + j + k.width - 1 - b) * x.channels + c];
          }
        }
        out[(i * W + j) * x.channels + c] = s;
      }
    }
  }
  return { width: W, height: H, channels: x.channels, data: out };
}

/** Levin kernel J (1…8) in the PSF convention (the .txt file rotated by 180°). */
export async function levinKernel(j: number): Promise<Kernel> {
  return rotateKernel180(await readKernelFile(sharedData('levin', 'kernels', `levin09_kernel${j}.txt`)));
}

/**
 * A size×size synthetic case: the sharp crop of Levin image `im` at (x0, y0) (ground truth), and the
 * same region blurred by `kernel` with its true surroundings ('valid'), plus N(0, σ²) noise.
 */
export async function syntheticCase(im: number, kernel: Kernel, size: number, sigma: number, seed: number, x0 = 60, y0 = 60) {
  const sharp = await readImageFile(sharedData('levin', 'sharp', `im${im}.png`));
  const cy = Math.floor(kernel.height / 2), cx = Math.floor(kernel.width / 2);
  const big = cropImage(sharp, x0 - (kernel.width - 1 - cx), y0 - (kernel.height - 1 - cy), size + kernel.width - 1, size + kernel.height - 1);
  const clean = blurValid(big, kernel);
  const rng = new Rng(seed);
  const blurred = { ...clean, data: clean.data.map((v) => v + sigma * rng.normal()) };
  return { groundTruth: cropImage(sharp, x0, y0, size, size), blurred, clean };
}
