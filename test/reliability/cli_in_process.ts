/**
 * Runs the real `sdi` dispatcher (src/cli/main.ts `main`) inside the test process, capturing what it
 * writes to stdout and stderr, so that dozens of bad-input cases cost milliseconds instead of a
 * process start each. A few cases per file still go through test/cli/run_cli.ts (a real child
 * process) to check exit statuses and the absence of stack traces end to end.
 */
import { main } from '../../src/cli/main.js';

export interface InProcessRun { status: number; stdout: string; stderr: string }

/** main(args) with stdout/stderr captured; an exception escaping main is itself a failure (status −1). */
export async function runMain(args: string[]): Promise<InProcessRun> {
  let stdout = '', stderr = '';
  const out = process.stdout.write, err = process.stderr.write;
  process.stdout.write = ((chunk: string | Uint8Array) => { stdout += String(chunk); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => { stderr += String(chunk); return true; }) as typeof process.stderr.write;
  let status: number;
  try {
    status = await main(args);
  } catch (e) {
    status = -1;
    stderr += `escaped main: ${(e as Error)?.stack ?? e}`;
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  return { status, stdout, stderr };
}
