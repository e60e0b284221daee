/**
 * The Levin et al. (CVPR 2009) ground-truth kernels. Their `.txt` files are correlation-oriented
 * (captured photo ≈ sharp image *correlated* with the stored array), so on load they are rotated by
 * 180° into the project's PSF convention (`kernel.ts`): k[a, b] = stored[kh−1−a, kw−1−b].
 */
import { SdiError } from '../../errors.js';
import { parseKernelText, rotateKernel180, type Kernel } from '../kernel.js';

/** Number of Levin kernels (J = 1…8). */
export const LEVIN_KERNEL_COUNT = 8;

/** Checks J ∈ 1…8. */
export function checkLevinIndex(j: number): void {
  if (!Number.isInteger(j) || j < 1 || j > LEVIN_KERNEL_COUNT) throw new SdiError(`Levin kernel index must be 1–${LEVIN_KERNEL_COUNT}, got ${j}`);
}

/** Path of kernel J's text file relative to the data folder: `levin/kernels/levin09_kernelJ.txt`. */
export function levinKernelRelativePath(j: number): string {
  checkLevinIndex(j);
  return `levin/kernels/levin09_kernel${j}.txt`;
}

/** Parses a Levin `.txt` kernel (rows of numbers) into the PSF convention: normalised, rotated 180°. */
export function levinKernelFromText(text: string, source = 'Levin kernel'): Kernel {
  return rotateKernel180(parseKernelText(text, source));
}

/**
 * Reads Levin kernel J from `<dataDir>/levin/kernels/levin09_kernelJ.txt` (Node only: the file
 * system is imported on call, so this module stays usable in browsers).
 */
export async function loadLevinKernel(j: number, dataDir: string): Promise<Kernel> {
  const { readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const file = join(dataDir, levinKernelRelativePath(j));
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new SdiError(`cannot read Levin kernel ${j} at ${file}`);
  }
  return levinKernelFromText(text, file);
}
