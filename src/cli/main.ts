#!/usr/bin/env node
/**
 * `sdi` command-line entry point: dispatches to one module per subcommand. Any {@link SdiError}
 * is printed as a single line `sdi: <message>` with its exit status; other errors are reported as
 * one line too (with the stack only when SDI_DEBUG=1).
 */
import { SdiError } from '../errors.js';

type Command = { summary: string; load: () => Promise<{ run(argv: string[]): Promise<void> }> };

const commands: Record<string, Command> = {
  // subcommands register here: name → lazy module with run(argv)
  score: { summary: 'PSNR/SSIM of an estimate vs its ground truth (Levin alignment protocol)', load: () => import('./score.js') },
  deconvolve: { summary: 'non-blind deconvolution with a known kernel (HQS or Wiener)', load: () => import('./deconvolve.js') },
  simulate: { summary: 'blur a sharp image with a simulated PSF', load: () => import('./simulate.js') },
  demo: { summary: 'deblur the bundled example and print PSNR before and after', load: () => import('./demo.js') },
  deblur: { summary: 'blind deblurring: restore a photo and estimate its blur kernel', load: () => import('./deblur.js') },
};

/** Adds a subcommand (used by this file's table; exported for tests). */
export function registerCommand(name: string, command: Command): void {
  commands[name] = command;
}

function usage(): string {
  const lines = ['usage: sdi <command> [options]', '', 'commands:'];
  for (const [name, c] of Object.entries(commands)) lines.push(`  ${name.padEnd(12)} ${c.summary}`);
  lines.push('', "run 'sdi <command> --help' for a command's options");
  return lines.join('\n');
}

/** Runs the CLI with argv (without node and script) and returns the exit status. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`sdi: unknown command '${name}' (try 'sdi --help')\n`);
    return 2;
  }
  try {
    const mod = await command.load();
    await mod.run(rest);
    return 0;
  } catch (e) {
    if (e instanceof SdiError) {
      process.stderr.write(`sdi ${name}: ${e.message}\n`);
      return e.exitCode;
    }
    const err = e as Error;
    if (/out of memory|Array buffer allocation failed|Invalid typed array length|Aborted\(OOM\)/i.test(String(err?.message))) {
      process.stderr.write(`sdi ${name}: out of memory; use a smaller image, --kernel-size or a lighter preset\n`);
      return 3;
    }
    process.stderr.write(`sdi ${name}: internal error: ${String(err?.message ?? e).split('\n')[0]}\n`);
    if (process.env.SDI_DEBUG === '1') process.stderr.write(String(err?.stack) + '\n');
    return 1;
  }
}

const invokedDirectly = typeof process !== 'undefined' && process.argv[1] && /cli[\\/]main\.(ts|js|mjs)$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
