/**
 * The synthetic case of the baseline tests: a 128×128 noise-free camera-shake blur. The sharp image
 * is natural/camera.png (edges in every direction), blurred ('valid', PSF convention) by Levin et
 * al.'s kernel 5 (13×13, a real camera-shake path); the methods are asked for a 15×15 kernel (true
 * size + 2, as the harness does).
 */
import { readImageFile } from '../../src/io/files.js';
import { cropImage, toLuminance, type Image } from '../../src/image/image.js';
import type { Kernel } from '../../src/physics/kernel.js';
import { blurValid, levinKernel } from '../deconv/synthetic.js';
import { sharedData } from '../helpers.js';

export const CASE_SIZE = 128;

export interface MotionCase {
  blurred: Image;
  sharp: Image;
  kernel: Kernel;
  kernelSize: [number, number];
}

/** The noise-free motion-blur case (module comment). */
export async function motionCase(): Promise<MotionCase> {
  const kernel = await levinKernel(5);
  const camera = toLuminance(await readImageFile(sharedData('natural', 'camera.png')));
  const x0 = 180, y0 = 60;
  const cy = Math.floor(kernel.height / 2), cx = Math.floor(kernel.width / 2);
  const big = cropImage(camera, x0 - (kernel.width - 1 - cx), y0 - (kernel.height - 1 - cy), CASE_SIZE + kernel.width - 1, CASE_SIZE + kernel.height - 1);
  return {
    blurred: blurValid(big, kernel),
    sharp: cropImage(camera, x0, y0, CASE_SIZE, CASE_SIZE),
    kernel,
    kernelSize: [kernel.height + 2, kernel.width + 2],
  };
}
