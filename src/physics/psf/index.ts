/**
 * PSF factory: one string names a PSF family or source, as used by `sdi simulate --psf`:
 *
 * - `zernike`            random aberration PSF (Zernike family, `zernike.ts`), sampling q = 2
 * - `zernike:J=A,J=A…`   given Noll coefficients in waves, e.g. `zernike:4=0.3,7=0.1`
 * - `motion`             random camera-shake PSF (`motion.ts`)
 * - `gaussian`           random anisotropic Gaussian; `gaussian:S` isotropic with σ = S px
 * - `levin:J`            Levin et al. 2009 kernel J ∈ 1…8 (rotated into the PSF convention)
 * - `file:PATH`          a kernel file in the PSF convention (`.txt` rows of numbers, or an image)
 *
 * Pure code: `levin:` and `file:` need a {@link PsfLoader} supplied by the caller (the CLI reads
 * the files first), so nothing here touches the file system.
 */
import { SdiError } from '../../errors.js';
import type { Rng } from '../../rng.js';
import { resizeKernelCanvas, type Kernel } from '../kernel.js';
import { gaussianPsf, randomGaussianPsf } from './gaussian.js';
import { checkLevinIndex } from './levin.js';
import { randomMotionPsf } from './motion.js';
import { randomZernikePsf, zernikePsf } from './zernike.js';

/** Which PSF generator to draw from, with its optional fixed parameters. */
export type PsfSpec =
  | { readonly kind: 'zernike'; readonly coefficients?: Float64Array }
  | { readonly kind: 'motion' }
  | { readonly kind: 'gaussian'; readonly sigma?: number }
  | { readonly kind: 'levin'; readonly index: number }
  | { readonly kind: 'file'; readonly path: string };

/** Size used by generated PSFs when none is given. */
export const DEFAULT_PSF_SIZE = 31;
/** Largest accepted PSF size. */
export const MAX_PSF_SIZE = 255;
/** The spec forms, for help and error texts. */
export const PSF_SPEC_FORMS = 'zernike, zernike:J=A,…, motion, gaussian, gaussian:SIGMA, levin:1-8, file:PATH';

/** Parses a PSF spec string (see the file comment); bad specs raise a one-line {@link SdiError}. */
export function parsePsfSpec(spec: string): PsfSpec {
  const s = spec.trim();
  const colon = s.indexOf(':');
  const head = colon < 0 ? s : s.slice(0, colon);
  const arg = colon < 0 ? undefined : s.slice(colon + 1);
  switch (head) {
    case 'zernike':
      return arg === undefined ? { kind: 'zernike' } : { kind: 'zernike', coefficients: parseCoefficients(arg) };
    case 'motion':
      if (arg !== undefined) break;
      return { kind: 'motion' };
    case 'gaussian': {
      if (arg === undefined) return { kind: 'gaussian' };
      const sigma = Number(arg);
      if (arg.trim() === '' || !(sigma > 0) || !Number.isFinite(sigma)) throw new SdiError(`--psf gaussian:SIGMA needs a positive number, got '${arg}'`);
      return { kind: 'gaussian', sigma };
    }
    case 'levin': {
      const j = Number(arg);
      if (arg === undefined || !/^\d+$/.test(arg.trim())) throw new SdiError(`--psf levin:J needs J in 1–8, got '${arg ?? ''}'`);
      checkLevinIndex(j);
      return { kind: 'levin', index: j };
    }
    case 'file':
      if (!arg) throw new SdiError('--psf file:PATH needs a path');
      return { kind: 'file', path: arg };
  }
  throw new SdiError(`unknown PSF '${spec}' (expected ${PSF_SPEC_FORMS})`);
}

function parseCoefficients(arg: string): Float64Array {
  const pairs = arg.split(',').map((p) => p.trim()).filter(Boolean);
  if (pairs.length === 0) throw new SdiError('--psf zernike:J=A,… needs at least one J=A pair');
  const values = new Map<number, number>();
  for (const p of pairs) {
    const m = /^(\d+)=(.+)$/.exec(p);
    const j = m ? Number(m[1]) : NaN, a = m ? Number(m[2]) : NaN;
    if (!m || !(j >= 1 && j <= 36) || !Number.isFinite(a) || m[2].trim() === '') {
      throw new SdiError(`--psf zernike: '${p}' is not NOLL=WAVES with NOLL in 1–36 (e.g. zernike:4=0.3)`);
    }
    values.set(j, a);
  }
  const out = new Float64Array(Math.max(...values.keys()));
  for (const [j, a] of values) out[j - 1] = a;
  return out;
}

/** Supplies stored kernels (already in the PSF convention) for `levin:` and `file:` specs. */
export interface PsfLoader {
  levin?(index: number): Kernel;
  file?(path: string): Kernel;
}

/** A drawn PSF and the parameters it was drawn with. */
export interface GeneratedPsf {
  readonly kernel: Kernel;
  /** The spec it came from, and the parameters drawn (JSON-friendly, for reports). */
  readonly spec: string;
  readonly params: Record<string, unknown>;
}

function checkSize(size: number): void {
  if (!Number.isInteger(size) || size < 1 || size > MAX_PSF_SIZE) throw new SdiError(`--psf-size must be an integer in 1–${MAX_PSF_SIZE}, got ${size}`);
}

/** A stored kernel placed on a size×size canvas (centres aligned); refuses to crop it. */
function fitStored(kernel: Kernel, size: number | undefined, what: string): Kernel {
  if (size === undefined || (size === kernel.width && size === kernel.height)) return kernel;
  if (size < kernel.width || size < kernel.height) throw new SdiError(`--psf-size ${size} is smaller than the ${kernel.width}×${kernel.height} ${what}`);
  return resizeKernelCanvas(kernel, size, size);
}

/**
 * Builds the PSF named by `spec` at `size` (default {@link DEFAULT_PSF_SIZE} for generated
 * families; stored kernels keep their own size unless a larger canvas is asked for).
 */
export function makePsf(spec: string | PsfSpec, size: number | undefined, rng: Rng, loader: PsfLoader = {}): GeneratedPsf {
  const parsed = typeof spec === 'string' ? parsePsfSpec(spec) : spec;
  const name = typeof spec === 'string' ? spec : parsed.kind;
  if (size !== undefined) checkSize(size);
  const k = size ?? DEFAULT_PSF_SIZE;
  switch (parsed.kind) {
    case 'zernike': {
      if (parsed.coefficients) {
        const r = zernikePsf(parsed.coefficients, k);
        return { kernel: r.kernel, spec: name, params: { coefficients: Array.from(parsed.coefficients), energy: r.energy, sampling: 2 } };
      }
      const r = randomZernikePsf(k, rng);
      return { kernel: r.kernel, spec: name, params: { coefficients: Array.from(r.coefficients), energy: r.energy, sampling: 2 } };
    }
    case 'motion': {
      const r = randomMotionPsf(k, rng);
      return { kernel: r.kernel, spec: name, params: { length: r.length, shakiness: r.shakiness, shrink: r.scale } };
    }
    case 'gaussian': {
      if (parsed.sigma !== undefined) return { kernel: gaussianPsf(k, { sigma1: parsed.sigma }), spec: name, params: { sigma: parsed.sigma } };
      const r = randomGaussianPsf(k, rng);
      return { kernel: r.kernel, spec: name, params: { ...r.params } };
    }
    case 'levin': {
      if (!loader.levin) throw new SdiError('levin: kernels need a loader (use the CLI or loadLevinKernel)');
      return { kernel: fitStored(loader.levin(parsed.index), size, `Levin kernel ${parsed.index}`), spec: name, params: { index: parsed.index } };
    }
    case 'file': {
      if (!loader.file) throw new SdiError('file: kernels need a loader (use the CLI or readKernelFile)');
      return { kernel: fitStored(loader.file(parsed.path), size, `kernel in ${parsed.path}`), spec: name, params: { path: parsed.path } };
    }
  }
}

export * from './gaussian.js';
export * from './levin.js';
export * from './motion.js';
export * from './zernike.js';
