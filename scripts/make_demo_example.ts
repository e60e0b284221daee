/**
 * Builds the bundled demo example (examples/cameraman/) from scikit-image's CC0 "camera" image in
 * ../shared/data/natural: downscale ×2, crop 140×140 around the face and camera, blur ('valid', so
 * the 128×128 result has no boundary artefacts) with a seeded random camera-shake PSF of 13×13, add
 * Gaussian noise σ = 0.005, and write blurred.png, sharp.png (the aligned ground truth) and
 * kernel.txt (the true PSF). Run: `npx tsx scripts/make_demo_example.ts`. The outputs are committed
 * so the demo needs nothing outside the repository.
 */
import * as path from 'node:path';
import { readImageFile, writeImageFile, writeKernelFile } from '../src/io/files.js';
import { cropImage, downscaleImage } from '../src/image/image.js';
import { randomMotionPsf } from '../src/physics/psf/motion.js';
import { simulateBlur } from '../src/physics/simulate.js';
import { Rng } from '../src/rng.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const out = path.join(root, 'examples', 'cameraman');
const KERNEL = 13, SEED = 2;

const camera = await readImageFile(path.join(root, '..', 'shared', 'data', 'natural', 'camera.png'));
const half = downscaleImage(camera, 2);
const region = cropImage(half, 58, 18, 128 + KERNEL - 1, 128 + KERNEL - 1);
const rng = new Rng(SEED);
const { kernel } = randomMotionPsf(KERNEL, rng);
const sim = simulateBlur(region, { kernel, mode: 'valid', noiseSigma: 0.005, rng });
await writeImageFile(path.join(out, 'blurred.png'), sim.blurred);
await writeImageFile(path.join(out, 'sharp.png'), sim.groundTruth);
await writeKernelFile(path.join(out, 'kernel.txt'), kernel);
await writeKernelFile(path.join(out, 'kernel.png'), kernel);
console.log(`wrote ${out}: ${sim.blurred.width}×${sim.blurred.height}, kernel ${KERNEL}×${KERNEL}, seed ${SEED}`);
