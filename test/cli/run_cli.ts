/** Runs the real `sdi` CLI in a child process (as a user would) and captures its output. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { projectRoot } from '../helpers.js';

export interface CliRun { status: number | null; stdout: string; stderr: string }

export function runCli(args: string[], opts: { timeoutMs?: number } = {}): CliRun {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'src/cli/main.ts'), ...args], {
    cwd: projectRoot, encoding: 'utf8', timeout: opts.timeoutMs ?? 120_000, env: { ...process.env, SDI_DEBUG: '' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** True when the text is one non-empty line with no stack trace. */
export function isOneLineError(text: string): boolean {
  const lines = text.trim().split('\n');
  return lines.length === 1 && lines[0].length > 0 && !/\n\s+at |at .*\.ts:\d+/.test(text);
}
