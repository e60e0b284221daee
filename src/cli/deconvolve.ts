/**
 * `sdi deconvolve <input> --kernel k.txt -o out.png [--method hqs|wiener] [--lambda x] [--alpha a]
 *  [--iterations n] [--nsr x] [--rotate-kernel] [--bit-depth 8|16]`
 *
 * Non-blind deconvolution for users who know their PSF: HQS with an isotropic TV prior (default;
 * deconv/hqs.ts) or the Wiener filter (deconv/wiener.ts). Colour images are deconvolved per channel.
 * The kernel file is a PSF in this project's convention (physics/kernel.ts); `--rotate-kernel`
 * rotates it by 180° for correlation-oriented files such as Levin's levin09_kernel*.txt.
 * Never overwrites the input or kernel file.
 */
import * as path from 'node:path';
import { SdiError } from '../errors.js';
import { protectInput, readImageFile, readKernelFile, writeImageFile } from '../io/files.js';
import { deconvolveHqs, HQS_DEFAULTS } from '../deconv/hqs.js';
import { deconvolveWiener, DEFAULT_WIENER_NSR } from '../deconv/wiener.js';
import { rotateKernel180 } from '../physics/kernel.js';
import { choiceOption, expectPositionals, numberOption, parseOptions, type OptionSpec } from './options.js';

const USAGE = 'sdi deconvolve <input> --kernel <k.txt|k.png> -o <out.png> [--method hqs|wiener] [--lambda x] [--alpha a] [--iterations n] [--nsr x] [--rotate-kernel] [--bit-depth 8|16]';

const HELP = `${USAGE}

Deconvolves an image with a known blur kernel (PSF, true-convolution orientation, centre floor(k/2)).
  --kernel FILE       kernel as .txt (rows of numbers) or .png/.jpg; normalised to sum 1
  -o, --output FILE   output image (.png or .jpg); never the input
  --method hqs        half-quadratic splitting with a TV prior, unknown-boundary aware (default)
  --method wiener     Wiener filter (fast, rings more)
  --lambda X          HQS prior weight (default: 0.1·σ̂ per channel, σ̂ the estimated noise level; larger = smoother)
  --alpha A           HQS prior exponent in (0, 1]: 1 = TV (default ${HQS_DEFAULTS.alpha}), 2/3 = hyper-Laplacian
  --iterations N      HQS continuation steps (default ${HQS_DEFAULTS.iterations})
  --nsr X             Wiener noise-to-signal ratio (default ${DEFAULT_WIENER_NSR})
  --rotate-kernel     rotate the kernel 180° (Levin's levin09_kernel*.txt are correlation-oriented)
  --bit-depth 8|16    PNG bit depth (default 8)`;

const OPTIONS: OptionSpec = {
  kernel: { type: 'string', short: 'k' },
  output: { type: 'string', short: 'o' },
  method: { type: 'string' },
  lambda: { type: 'string' },
  alpha: { type: 'string' },
  iterations: { type: 'string' },
  nsr: { type: 'string' },
  'rotate-kernel': { type: 'boolean' },
  'bit-depth': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

/** Refuses, before any work, an output that is one of the inputs or has an unknown image extension. */
function checkOutput(output: string, inputs: string[]): void {
  if (inputs.some((f) => path.resolve(f) === path.resolve(output))) {
    throw new SdiError(`refusing to overwrite the input file ${output}; choose another output path`);
  }
  if (!/\.(png|jpe?g)$/i.test(output)) throw new SdiError(`${output}: output must end in .png, .jpg or .jpeg`);
}

/** `sdi deconvolve` without the printing: does the work and returns the one-line summary. */
export async function deconvolveCommand(argv: string[]): Promise<string> {
  const { values, positionals } = parseOptions(argv, OPTIONS, 'deconvolve');
  if (values.help) return HELP;
  const [input] = expectPositionals(positionals, 1, USAGE);
  const kernelFile = values.kernel as string | undefined;
  const output = values.output as string | undefined;
  if (!kernelFile) throw new SdiError('missing --kernel <file> (the known blur kernel)');
  if (!output) throw new SdiError('missing -o <output image>');
  const method = choiceOption(values.method, 'method', ['hqs', 'wiener'] as const) ?? 'hqs';
  const lambda = numberOption(values.lambda, 'lambda', { min: Number.MIN_VALUE });
  const alpha = numberOption(values.alpha, 'alpha', { min: Number.MIN_VALUE, max: 1 });
  const iterations = numberOption(values.iterations, 'iterations', { min: 1, max: 1000, integer: true });
  const nsr = numberOption(values.nsr, 'nsr', { min: 0 });
  const bitDepth = choiceOption(values['bit-depth'], 'bit-depth', ['8', '16'] as const) ?? '8';
  if (method === 'wiener' && (lambda !== undefined || alpha !== undefined || iterations !== undefined)) {
    throw new SdiError('--lambda, --alpha and --iterations apply to --method hqs only');
  }
  if (method === 'hqs' && nsr !== undefined) throw new SdiError('--nsr applies to --method wiener only');
  protectInput(input);
  protectInput(kernelFile);
  checkOutput(output, [input, kernelFile]);
  const image = await readImageFile(input);
  const loaded = await readKernelFile(kernelFile);
  const kernel = values['rotate-kernel'] ? rotateKernel180(loaded) : loaded;
  const t0 = performance.now();
  const result = method === 'hqs' ? deconvolveHqs(image, kernel, { lambda, alpha, iterations }) : deconvolveWiener(image, kernel, { nsr });
  const seconds = (performance.now() - t0) / 1000;
  await writeImageFile(output, result, { bitDepth: Number(bitDepth) as 8 | 16 });
  return `wrote ${output} (${method}, ${image.width}×${image.height}×${image.channels}, kernel ${kernel.width}×${kernel.height}, ${seconds.toFixed(1)} s)`;
}

/** Runs `sdi deconvolve`. */
export async function run(argv: string[]): Promise<void> {
  process.stdout.write((await deconvolveCommand(argv)) + '\n');
}
