/**
 * Node-only file input/output: images, kernels and JSON reports. Every write is atomic (a temp file
 * in the same folder, then rename) and refuses to overwrite any path given as an input.
 */
import { promises as fs, rmSync } from 'node:fs';
import * as path from 'node:path';
import { SdiError } from '../errors.js';
import { decodeImage, encodeJpeg, encodePng } from '../image/codec.js';
import type { Image } from '../image/image.js';
import { formatKernelText, parseKernelText, type Kernel } from '../physics/kernel.js';
import { kernelToImage } from '../physics/kernel_view.js';

/** Reads and decodes an image file; unreadable or corrupt files raise a one-line {@link SdiError}. */
export async function readImageFile(file: string): Promise<Image> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await fs.readFile(file));
  } catch (e) {
    throw new SdiError(`cannot read ${file}: ${describeFsError(e)}`);
  }
  return decodeImage(bytes, file);
}

/** Reads a kernel: a `.txt` of rows of numbers (normalised to sum 1) or an image (PNG/JPEG, luminance, normalised). */
export async function readKernelFile(file: string): Promise<Kernel> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (e) {
    throw new SdiError(`cannot read ${file}: ${describeFsError(e)}`);
  }
  const { normalizeKernel } = await import('../physics/kernel.js');
  if (/\.(png|jpe?g)$/i.test(file)) {
    const img = decodeImage(new Uint8Array(bytes), file);
    const data = new Float32Array(img.width * img.height);
    for (let i = 0; i < data.length; i++) data[i] = img.data[i * img.channels];
    return normalizeKernel({ width: img.width, height: img.height, data });
  }
  return parseKernelText(bytes.toString('utf8'), file);
}

/** Paths that must never be written to (the inputs of the current command), compared after resolving. */
const protectedPaths = new Set<string>();

/** Marks a path as an input: later writes to it are refused. */
export function protectInput(file: string): void {
  protectedPaths.add(path.resolve(file));
}

/** Throws the one-line error of {@link writeFileAtomic} now, before a long run, if `file` is an input. */
export function assertNotInput(file: string): void {
  if (protectedPaths.has(path.resolve(file))) throw new SdiError(`refusing to overwrite the input file ${file}; choose another output path`);
}

/**
 * Checks, before a long run, that `file` can be written later: not an input, and its folder exists
 * or can be created (created now if missing). Throws a one-line SdiError otherwise.
 */
export async function prepareOutputPath(file: string): Promise<void> {
  assertNotInput(file);
  const dir = path.dirname(path.resolve(file));
  try {
    await fs.mkdir(dir, { recursive: true });
    await fs.access(dir, (await import('node:fs')).constants.W_OK);
  } catch (e) {
    throw new SdiError(`cannot write into ${dir}: ${describeFsError(e)}`);
  }
}

/**
 * Writes bytes atomically: to `file.tmp-<pid>-<n>` in the same folder, then rename over `file`.
 * A crash mid-write leaves the old file (or none), never a partial one.
 */
export async function writeFileAtomic(file: string, bytes: Uint8Array | string): Promise<void> {
  const abs = path.resolve(file);
  assertNotInput(file);
  const dir = path.dirname(abs);
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (e) {
    throw new SdiError(`cannot create folder ${dir}: ${describeFsError(e)}`);
  }
  const tmp = `${abs}.tmp-${process.pid}-${tmpCounter++}`;
  pendingTemps.add(tmp);
  try {
    await fs.writeFile(tmp, bytes);
    await fs.rename(tmp, abs);
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw new SdiError(`cannot write ${file}: ${describeFsError(e)}`);
  } finally {
    pendingTemps.delete(tmp);
  }
}
let tmpCounter = 0;

/** Temp files being written now; removed if the process exits mid-write (e.g. a second Ctrl-C calls process.exit). */
const pendingTemps = new Set<string>();
process.on('exit', () => {
  for (const tmp of pendingTemps) rmSync(tmp, { force: true });
});

/** Encodes by extension (.png, .jpg/.jpeg) and writes atomically. */
export async function writeImageFile(file: string, image: Image, opts: { bitDepth?: 8 | 16 } = {}): Promise<void> {
  const ext = path.extname(file).toLowerCase();
  let bytes: Uint8Array;
  if (ext === '.png') bytes = encodePng(image, opts.bitDepth ?? 8);
  else if (ext === '.jpg' || ext === '.jpeg') bytes = encodeJpeg(image);
  else throw new SdiError(`${file}: output must end in .png, .jpg or .jpeg`);
  await writeFileAtomic(file, bytes);
}

/** Writes a kernel as `.txt` (exact numbers, sums to 1) or `.png` (scaled so the peak is white, for viewing). */
export async function writeKernelFile(file: string, kernel: Kernel): Promise<void> {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.txt') await writeFileAtomic(file, formatKernelText(kernel));
  else if (ext === '.png') await writeFileAtomic(file, encodePng(kernelToImage(kernel)));
  else throw new SdiError(`${file}: kernel output must end in .txt or .png`);
}

/** Writes JSON (2-space indented) atomically. */
export async function writeJsonFile(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}

function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOENT': return 'no such file or folder';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'is a folder, not a file';
    case 'ENOSPC': return 'no space left on the disk';
    case 'ENOTDIR': case 'EEXIST': return 'a file is in the way of a folder on that path';
    default: return (err?.message ?? String(e)).split('\n')[0];
  }
}
