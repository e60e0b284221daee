/**
 * `sdi score <estimate> <groundtruth> [--align levin|none] [--json] [--kernel est.txt --true-kernel k.txt [--rotate-true-kernel]]`
 *
 * Prints PSNR/SSIM of an estimate against its ground truth. `--align levin` (default) is the
 * benchmark protocol (metrics/align.ts: 15 px crop, best ¼-px shift within ±10 px, plus the plain
 * unaligned numbers); `--align none` compares the full images as they are (same size required).
 * With `--kernel` and `--true-kernel` it also prints the kernel NCC and kernel PSNR (metrics/kernel_metrics.ts).
 * The numbers come from the same library functions the benchmark harness calls.
 */
import { SdiError } from '../errors.js';
import { readImageFile, readKernelFile } from '../io/files.js';
import { toLuminance, type Image } from '../image/image.js';
import { kernelNcc, kernelPsnr } from '../metrics/kernel_metrics.js';
import { scoreLevin } from '../metrics/align.js';
import { psnr } from '../metrics/psnr.js';
import { ssim } from '../metrics/ssim.js';
import { rotateKernel180 } from '../physics/kernel.js';
import { choiceOption, expectPositionals, parseOptions, type OptionSpec } from './options.js';

const USAGE = 'sdi score <estimate> <groundtruth> [--align levin|none] [--json] [--kernel <est.txt> --true-kernel <k.txt> [--rotate-true-kernel]]';

const HELP = `${USAGE}

Scores an estimate against its ground truth (PSNR with peak 1, SSIM of Wang et al. 2004 on luminance).
  --align levin   Levin/SelfDeblur protocol (default): crop 15 px from the ground truth's borders,
                  best shift within ±10 px at 0.25 px steps (bilinear), then PSNR/SSIM; also prints
                  the plain unaligned numbers
  --align none    full images as they are (same size required)
  --json          print one JSON object instead of text
  --kernel FILE --true-kernel FILE
                  also score an estimated kernel: NCC (max over shifts) and kernel PSNR
  --rotate-true-kernel
                  rotate the true kernel 180° (Levin's levin09_kernel*.txt are correlation-oriented)`;

const OPTIONS: OptionSpec = {
  align: { type: 'string' },
  json: { type: 'boolean' },
  kernel: { type: 'string' },
  'true-kernel': { type: 'string' },
  'rotate-true-kernel': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

/** JSON with ±Infinity written as the strings "Infinity"/"-Infinity" (identical images have infinite PSNR). */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2);
}

function fmtDb(v: number): string {
  return Number.isFinite(v) ? `${v.toFixed(2)} dB` : 'inf dB';
}

function fmtShift(v: number): string {
  return (v >= 0 ? '+' : '') + v.toFixed(2);
}

/** Unaligned PSNR/SSIM of two full images (channel counts differing: both as luminance). */
function scorePlain(est: Image, gt: Image): { psnr: number; ssim: number } {
  if (est.width !== gt.width || est.height !== gt.height) {
    throw new SdiError(`--align none needs images of the same size, got ${est.width}×${est.height} and ${gt.width}×${gt.height}`);
  }
  const [a, b] = est.channels === gt.channels ? [est, gt] : [toLuminance(est), toLuminance(gt)];
  return { psnr: psnr(a, b), ssim: ssim(a, b) };
}

async function scoreKernels(estFile: string, trueFile: string, rotate: boolean) {
  const est = await readKernelFile(estFile);
  const truth = await readKernelFile(trueFile);
  const t = rotate ? rotateKernel180(truth) : truth;
  return { kernelNcc: kernelNcc(est, t), kernelPsnr: kernelPsnr(est, t) };
}

/** `sdi score` without the printing: returns the text (or JSON) it prints. */
export async function scoreCommand(argv: string[]): Promise<string> {
  const { values, positionals } = parseOptions(argv, OPTIONS, 'score');
  if (values.help) return HELP;
  const [estFile, gtFile] = expectPositionals(positionals, 2, USAGE);
  const align = choiceOption(values.align, 'align', ['levin', 'none'] as const) ?? 'levin';
  const kernelFile = values.kernel as string | undefined, trueKernelFile = values['true-kernel'] as string | undefined;
  if ((kernelFile === undefined) !== (trueKernelFile === undefined)) throw new SdiError('--kernel and --true-kernel go together');
  const est = await readImageFile(estFile);
  const gt = await readImageFile(gtFile);
  const kernels = kernelFile && trueKernelFile ? await scoreKernels(kernelFile, trueKernelFile, Boolean(values['rotate-true-kernel'])) : undefined;
  const lines: string[] = [];
  let result: Record<string, unknown>;
  if (align === 'levin') {
    const s = scoreLevin(est, gt);
    result = { estimate: estFile, groundTruth: gtFile, align, psnr: s.psnr, ssim: s.ssim, shift: s.shift, psnrUnaligned: s.psnrUnaligned, ssimUnaligned: s.ssimUnaligned, centerOffset: s.centerOffset };
    lines.push(`PSNR ${fmtDb(s.psnr)}  SSIM ${s.ssim.toFixed(4)}  (Levin protocol: 15 px crop, best shift dy ${fmtShift(s.shift[0])} dx ${fmtShift(s.shift[1])} px)`);
    lines.push(`unaligned: PSNR ${fmtDb(s.psnrUnaligned)}  SSIM ${s.ssimUnaligned.toFixed(4)}`);
    if (s.centerOffset[0] || s.centerOffset[1]) lines.push(`sizes differ: estimate centred with offset dy ${s.centerOffset[0]} dx ${s.centerOffset[1]} px`);
  } else {
    const s = scorePlain(est, gt);
    result = { estimate: estFile, groundTruth: gtFile, align, psnr: s.psnr, ssim: s.ssim };
    lines.push(`PSNR ${fmtDb(s.psnr)}  SSIM ${s.ssim.toFixed(4)}  (no alignment)`);
  }
  if (kernels) {
    Object.assign(result, kernels);
    lines.push(`kernel: NCC ${kernels.kernelNcc.toFixed(4)}  PSNR ${fmtDb(kernels.kernelPsnr)}`);
  }
  return values.json ? toJson(result) : lines.join('\n');
}

/** Runs `sdi score`. */
export async function run(argv: string[]): Promise<void> {
  process.stdout.write((await scoreCommand(argv)) + '\n');
}
