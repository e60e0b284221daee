/**
 * Shared command-line helpers: option parsing with one-line errors and typed number options.
 * Each subcommand lives in its own file exporting `run(argv)`, registered in `main.ts`.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SdiError } from '../errors.js';

/** The option table of one subcommand (node:util parseArgs). */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Parses argv against `options` (strict: unknown options are an error), returning values and positionals. */
export function parseOptions<T extends OptionSpec>(argv: string[], options: T, command: string) {
  try {
    return parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0].replace(/\. To specify a positional argument.*$/, '').replace(/ argument is ambiguous\..*$/, ' needs a value (write --option=-1 for a value that starts with -)');
    throw new SdiError(msg);
  }
}

/** Parses a numeric option; undefined stays undefined. Rejects non-numbers and values outside [min, max]. */
export function numberOption(value: unknown, name: string, opts: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
  if (value === undefined) return undefined;
  const s = String(value).trim();
  const v = Number(s);
  if (s === '' || !Number.isFinite(v)) throw new SdiError(`--${name} must be a number, got '${s}'`);
  if (opts.integer && !Number.isInteger(v)) throw new SdiError(`--${name} must be an integer, got '${s}'`);
  if (opts.min !== undefined && v < opts.min) throw new SdiError(`--${name} must be ≥ ${opts.min}, got ${s}`);
  if (opts.max !== undefined && v > opts.max) throw new SdiError(`--${name} must be ≤ ${opts.max}, got ${s}`);
  return v;
}

/** Parses an option that must be one of `choices`. */
export function choiceOption<T extends string>(value: unknown, name: string, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  const s = String(value);
  if (!(choices as readonly string[]).includes(s)) throw new SdiError(`--${name} must be one of ${choices.join(', ')}; got '${s}'`);
  return s as T;
}

/** Exactly `n` positional arguments, or a one-line usage error. */
export function expectPositionals(positionals: string[], n: number, usage: string): string[] {
  if (positionals.length !== n) throw new SdiError(`usage: ${usage}`);
  return positionals;
}
