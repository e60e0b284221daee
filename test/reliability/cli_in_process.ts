/**
 * Runs the real `sdi` dispatcher (src/cli/main.ts `main`) inside the test process, capturing what it
 * writes to stderr, so that dozens of bad-input cases cost milliseconds instead of a process start
 * each. stdout is left alone: node's test runner reports through it, asynchronously. A few cases per file still go through test/cli/run_cli.ts (a real child
 * process) to check exit statuses and the absence of stack traces end to end.
 */
import { main } from '../../src/cli/main.js';

export interface InProcessRun { status: number; stderr: string }

/** main(args) with stderr captured; an exception escaping main is itself a failure (status −1). */
export async function runMain(args: string[]): Promise<InProcessRun> {
  let stderr = '';
  const err = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => { stderr += String(chunk); return true; }) as typeof process.stderr.write;
  let status: number;
  try {
    status = await main(args);
  } catch (e) {
    status = -1;
    stderr += `escaped main: ${(e as Error)?.stack ?? e}`;
  } finally {
    process.stderr.write = err;
  }
  return { status, stderr };
}
