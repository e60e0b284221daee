/**
 * Checkpoint folders for long runs (Node only): `checkpoint.json` (metadata, histories, and the
 * offsets of every array) + `state.bin` (all Float32 arrays back to back, little-endian), both
 * written atomically, the binary first so a complete JSON always points at a complete state.
 */
import { promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { SdiError } from '../errors.js';
import type { SolverCheckpoint } from '../solver/self_diffusion.js';
import { writeFileAtomic } from './files.js';

interface ArrayEntry { key: string; offset: number; length: number }

/** SHA-256 of a file's bytes (hex), used to refuse resuming on another input. */
export async function fileDigest(file: string): Promise<string> {
  return createHash('sha256').update(await fs.readFile(file)).digest('hex');
}

/** Writes a checkpoint (plus caller metadata such as the input's digest) into `dir`. */
export async function saveCheckpoint(dir: string, checkpoint: SolverCheckpoint, meta: Record<string, unknown>): Promise<void> {
  const arrays: Array<[string, Float32Array]> = [
    ['x', checkpoint.x], ['z', checkpoint.z], ['kernel', checkpoint.kernel],
    ...checkpoint.imageParams.map((a, i) => [`imageParams.${i}`, a] as [string, Float32Array]),
    ...checkpoint.kernelParams.map((a, i) => [`kernelParams.${i}`, a] as [string, Float32Array]),
    ...checkpoint.adamImage.moments.map((a, i) => [`adamImage.${i}`, a] as [string, Float32Array]),
    ...checkpoint.adamKernel.moments.map((a, i) => [`adamKernel.${i}`, a] as [string, Float32Array]),
  ];
  const total = arrays.reduce((s, [, a]) => s + a.length, 0);
  const bin = new Float32Array(total);
  const index: ArrayEntry[] = [];
  let offset = 0;
  for (const [key, a] of arrays) {
    bin.set(a, offset);
    index.push({ key, offset, length: a.length });
    offset += a.length;
  }
  const { x: _x, z: _z, kernel: _k, imageParams: _ip, kernelParams: _kp, adamImage, adamKernel, ...scalars } = checkpoint;
  const json = {
    ...scalars,
    lossHistory: checkpoint.lossHistory.map((v) => (Number.isFinite(v) ? v : null)),
    outerLoss: checkpoint.outerLoss.map((v) => (Number.isFinite(v) ? v : null)),
    adamImage: { iterations: adamImage.iterations, count: adamImage.moments.length },
    adamKernel: { iterations: adamKernel.iterations, count: adamKernel.moments.length },
    counts: { imageParams: checkpoint.imageParams.length, kernelParams: checkpoint.kernelParams.length },
    index,
    meta,
    savedAt: new Date().toISOString(),
  };
  await writeFileAtomic(path.join(dir, 'state.bin'), new Uint8Array(bin.buffer));
  await writeFileAtomic(path.join(dir, 'checkpoint.json'), JSON.stringify(json));
}

/** Reads a checkpoint folder written by {@link saveCheckpoint}; returns the state and its metadata. */
export async function loadCheckpoint(dir: string): Promise<{ checkpoint: SolverCheckpoint; meta: Record<string, unknown> }> {
  let json: any;
  let bytes: Buffer;
  try {
    json = JSON.parse(await fs.readFile(path.join(dir, 'checkpoint.json'), 'utf8'));
    bytes = await fs.readFile(path.join(dir, 'state.bin'));
  } catch (e) {
    throw new SdiError(`cannot resume: no readable checkpoint in ${dir} (${(e as Error).message.split('\n')[0]})`);
  }
  const bin = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const get = (key: string): Float32Array => {
    const e = (json.index as ArrayEntry[]).find((x) => x.key === key);
    if (!e || e.offset + e.length > bin.length) throw new SdiError(`cannot resume: checkpoint in ${dir} is incomplete (${key})`);
    return bin.slice(e.offset, e.offset + e.length);
  };
  const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => get(`${prefix}.${i}`));
  const checkpoint: SolverCheckpoint = {
    format: json.format,
    optionsKey: json.optionsKey,
    imageSize: json.imageSize,
    outerDone: json.outerDone,
    stepsDone: json.stepsDone,
    noiseRng: json.noiseRng.map((v: number | null) => (v === null ? NaN : v)),
    x: get('x'),
    z: get('z'),
    kernel: get('kernel'),
    imageParams: range('imageParams', json.counts.imageParams),
    kernelParams: range('kernelParams', json.counts.kernelParams),
    adamImage: { iterations: json.adamImage.iterations, moments: range('adamImage', json.adamImage.count) },
    adamKernel: { iterations: json.adamKernel.iterations, moments: range('adamKernel', json.adamKernel.count) },
    lossHistory: json.lossHistory.map((v: number | null) => (v === null ? NaN : v)),
    outerLoss: json.outerLoss.map((v: number | null) => (v === null ? NaN : v)),
    outerMs: json.outerMs,
  };
  return { checkpoint, meta: json.meta ?? {} };
}
