/**
 * `sdi simulate`: blur a sharp image with a simulated or stored PSF, add noise, write the result
 * (and optionally the PSF and the pixel-aligned ground truth). Library form: `simulateBlur`.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SdiError } from '../errors.js';
import { protectInput, readImageFile, readKernelFile, writeImageFile, writeKernelFile } from '../io/files.js';
import { CONV_MODES, SAME_BOUNDARIES } from '../physics/convolve.js';
import { loadLevinKernel } from '../physics/psf/levin.js';
import { makePsf, parsePsfSpec, PSF_SPEC_FORMS, MAX_PSF_SIZE, type PsfLoader } from '../physics/psf/index.js';
import { simulateBlur } from '../physics/simulate.js';
import { Rng } from '../rng.js';
import { choiceOption, expectPositionals, numberOption, parseOptions } from './options.js';

const USAGE =
  'sdi simulate <sharp> --psf zernike|motion|gaussian[:SIGMA]|levin:J|file:<k.txt> [--psf-size N] [--seed N] ' +
  '[--noise SIGMA] [--poisson-gain G] [--mode valid|same|circular] [--boundary zero|replicate|reflect] ' +
  '-o <blurred.png> [--psf-out <psf.txt|psf.png>] [--truth-out <sharp.png>]';

const HELP = `usage: ${USAGE}

Blurs <sharp> with a PSF (true convolution; kernels in the project's PSF orientation) and adds noise.
  --psf SPEC          ${PSF_SPEC_FORMS}
  --psf-size N        PSF size in pixels (default 31 for generated PSFs; stored kernels keep theirs, a larger N pads them)
  --seed N            seed for the PSF draw and the noise (default 0)
  --noise SIGMA       Gaussian noise σ on the [0,1] scale (default 0)
  --poisson-gain G    add Poisson shot noise with gain G = 1/(photons at white), plus --noise as read noise
  --mode M            valid (default; output smaller by the PSF size − 1), same, circular
  --boundary B        boundary of --mode same: replicate (default), reflect, zero
  -o, --output FILE   blurred image (.png, .jpg)
  --psf-out FILE      the PSF used (.txt exact numbers, .png for viewing)
  --truth-out FILE    the sharp image cropped to be pixel-aligned with the output (valid mode)
`;

const OPTIONS = {
  psf: { type: 'string' },
  'psf-size': { type: 'string' },
  seed: { type: 'string' },
  noise: { type: 'string' },
  'poisson-gain': { type: 'string' },
  mode: { type: 'string' },
  boundary: { type: 'string' },
  output: { type: 'string', short: 'o' },
  'psf-out': { type: 'string' },
  'truth-out': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The data folder holding `levin/` (env SDI_DATA_DIR, else ../shared/data beside the project). */
export function dataDir(): string {
  const fromEnv = process.env.SDI_DATA_DIR;
  if (fromEnv) return fromEnv;
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'data');
}

function checkExtension(file: string | undefined, option: string, allowed: RegExp, what: string): void {
  if (file !== undefined && !allowed.test(file)) throw new SdiError(`${option} ${file}: must end in ${what}`);
}

/** Reads the stored kernel a `levin:`/`file:` spec needs, so that `makePsf` stays pure. */
async function loaderFor(spec: string): Promise<PsfLoader> {
  const parsed = parsePsfSpec(spec);
  if (parsed.kind === 'levin') {
    const k = await loadLevinKernel(parsed.index, dataDir());
    return { levin: () => k };
  }
  if (parsed.kind === 'file') {
    protectInput(parsed.path);
    const k = await readKernelFile(parsed.path);
    return { file: () => k };
  }
  return {};
}

/** `sdi simulate`: y = clip(x ⊛ k + n) from a sharp image and a given or generated PSF. */
export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseOptions(argv, OPTIONS, 'simulate');
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const [input] = expectPositionals(positionals, 1, USAGE);
  if (values.psf === undefined) throw new SdiError(`--psf is required (${PSF_SPEC_FORMS})`);
  if (values.output === undefined) throw new SdiError('-o <blurred.png> is required');
  checkExtension(values.output, '-o', /\.(png|jpe?g)$/i, '.png, .jpg or .jpeg');
  checkExtension(values['psf-out'], '--psf-out', /\.(txt|png)$/i, '.txt or .png');
  checkExtension(values['truth-out'], '--truth-out', /\.(png|jpe?g)$/i, '.png, .jpg or .jpeg');
  const size = numberOption(values['psf-size'], 'psf-size', { min: 1, max: MAX_PSF_SIZE, integer: true });
  const seed = numberOption(values.seed, 'seed', { min: 0, max: 2 ** 32 - 1, integer: true }) ?? 0;
  const sigma = numberOption(values.noise, 'noise', { min: 0, max: 1 }) ?? 0;
  const gain = numberOption(values['poisson-gain'], 'poisson-gain', { min: 1e-9, max: 1 });
  const mode = choiceOption(values.mode, 'mode', CONV_MODES) ?? 'valid';
  const boundary = choiceOption(values.boundary, 'boundary', SAME_BOUNDARIES);
  if (boundary !== undefined && mode !== 'same') throw new SdiError(`--boundary only applies to --mode same (got --mode ${mode})`);

  protectInput(input);
  const loader = await loaderFor(values.psf);
  const sharp = await readImageFile(input);
  const rng = new Rng(seed);
  const psf = makePsf(values.psf, size, rng.fork(), loader);
  const { kernel } = psf;
  if (mode === 'valid' && (sharp.width < kernel.width || sharp.height < kernel.height)) {
    throw new SdiError(`${input} is ${sharp.width}×${sharp.height}, smaller than the ${kernel.width}×${kernel.height} PSF`);
  }
  const sim = simulateBlur(sharp, { kernel, mode, boundary, noiseSigma: sigma, poissonGain: gain, rng: rng.fork() });
  await writeImageFile(values.output, sim.blurred);
  if (values['psf-out']) await writeKernelFile(values['psf-out'], kernel);
  if (values['truth-out']) await writeImageFile(values['truth-out'], sim.groundTruth);
  const noise = gain !== undefined ? `Poisson gain ${gain} + σ=${sigma}` : `σ=${sigma}`;
  process.stdout.write(
    `wrote ${values.output}: ${sim.blurred.width}×${sim.blurred.height}, ${mode} blur with ${psf.spec} ` +
      `${kernel.width}×${kernel.height} (seed ${seed}), noise ${noise}\n`,
  );
}
