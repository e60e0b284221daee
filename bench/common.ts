/** Shared pieces of the benchmark scripts: machine description, manifests, JSON-lines files. */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SdiError } from '../src/errors.js';

/** Project root (the folder with package.json). */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Median (mean of the middle two for an even count). */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** One line describing the machine, recorded with every result. */
export function machineDescription(): { cpu: string; cores: number; memoryGiB: number; node: string; platform: string } {
  return { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()}-${os.arch()}` };
}

export interface SetItem {
  id: string;
  blurred: string;
  sharp: string;
  kernel: string;
  kernelSize: [number, number];
}

export interface SetManifest {
  set: string;
  seed: number;
  mode: string;
  noiseSigma: number;
  description: string;
  items: SetItem[];
}

/** Reads bench/sets/<set>/manifest.json (paths inside are relative to the project root). */
export async function readManifest(set: string): Promise<SetManifest> {
  const file = path.join(projectRoot, 'bench', 'sets', set, 'manifest.json');
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as SetManifest;
  } catch {
    throw new SdiError(`no benchmark set '${set}' at ${path.relative(projectRoot, file)}: generate the sets first with 'npm run sets'`);
  }
}

/** Parses a JSON-lines file (missing file → []). Lines that do not parse (a torn last line) are skipped. */
export async function readJsonLines<T>(file: string): Promise<T[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return [];
  }
  const out: T[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      /* a line torn by an interrupted write: ignored, the item is redone */
    }
  }
  return out;
}

/** Appends one JSON line (a single write call, so lines from one process never interleave). */
export async function appendJsonLine(file: string, value: unknown): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.appendFile(file, JSON.stringify(value) + '\n');
}
