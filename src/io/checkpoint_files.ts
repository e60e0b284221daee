/**
 * Checkpoint folders for long runs (Node only): `checkpoint.json` (metadata, histories, the
 * offsets of every array, and the name and SHA-256 of its state file) + `state-<sha256>.bin` (all
 * Float32 arrays back to back, little-endian). Both are written atomically (temp file + rename),
 * the state first under a name of its own, so a process killed at any instant leaves the previous
 * JSON pointing at the previous, complete state; older state files are removed only after the new
 * JSON is in place. Loading verifies the digest, so a damaged state file is refused, never used.
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
  const bytes = new Uint8Array(bin.buffer);
  const stateDigest = createHash('sha256').update(bytes).digest('hex');
  const stateFile = `state-${stateDigest.slice(0, 16)}.bin`;
  await writeFileAtomic(path.join(dir, stateFile), bytes);
  await writeFileAtomic(path.join(dir, 'checkpoint.json'), JSON.stringify({ ...json, stateFile, stateDigest }));
  await removeStaleFiles(dir, stateFile);
}

/**
 * Deletes state files other than `keep` (older checkpoints, the legacy `state.bin`) and temp files
 * left by processes that no longer run (a kill in the middle of a write).
 */
async function removeStaleFiles(dir: string, keep: string): Promise<void> {
  for (const name of await fs.readdir(dir)) {
    const tmp = /\.tmp-(\d+)-\d+$/.exec(name);
    const staleState = /^state(-[0-9a-f]+)?\.bin$/.test(name) && name !== keep;
    if (staleState || (tmp && !processIsAlive(Number(tmp[1])))) await fs.rm(path.join(dir, name), { force: true });
  }
}

/** True when a process with this id exists (signal 0 only checks). */
function processIsAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads a checkpoint folder written by {@link saveCheckpoint}; returns the state and its metadata. */
export async function loadCheckpoint(dir: string): Promise<{ checkpoint: SolverCheckpoint; meta: Record<string, unknown> }> {
  let json: any;
  let bytes: Buffer;
  try {
    json = JSON.parse(await fs.readFile(path.join(dir, 'checkpoint.json'), 'utf8'));
    bytes = await fs.readFile(path.join(dir, typeof json.stateFile === 'string' ? path.basename(json.stateFile) : 'state.bin'));
  } catch (e) {
    throw new SdiError(`cannot resume: no readable checkpoint in ${dir} (${(e as Error).message.split('\n')[0]})`);
  }
  if (typeof json.stateDigest === 'string' && createHash('sha256').update(bytes).digest('hex') !== json.stateDigest) {
    throw new SdiError(`cannot resume: the state file of the checkpoint in ${dir} is damaged (digest mismatch); start afresh without --resume`);
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
    ...(json.guard ? { guard: json.guard } : {}),
  };
  return { checkpoint, meta: json.meta ?? {} };
}
