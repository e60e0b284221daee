/**
 * Starting Debian's Chromium headless through playwright-core, and building the web page when its
 * build is missing or older than its sources. Shared by the end-to-end test and the screenshot script.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { projectRoot } from '../helpers.js';

/** The Chromium binary: $CHROMIUM_PATH, else Debian's /usr/bin/chromium. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The command that installs it (CI's .ci/run runs it). */
export const chromiumInstallHint = 'apt-get update && apt-get install -y chromium';

export const webDist = path.join(projectRoot, 'web', 'dist');

/** Throws a clear error when Chromium is not installed. */
export function requireChromium(): void {
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium not found at ${chromiumPath}: the web end-to-end test drives a real headless Chromium. Install it with \`${chromiumInstallHint}\` (CI's .ci/run does), or set CHROMIUM_PATH.`);
  }
}

/** Newest modification time (ms) of the files under `dir` (recursively), skipping dist and node_modules. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Runs `vite build` unless web/dist is newer than web/ and src/. */
export function ensureWebBuild(): void {
  const built = path.join(webDist, 'index.html');
  const sources = Math.max(newestMtime(path.join(projectRoot, 'web')), newestMtime(path.join(projectRoot, 'src')));
  if (existsSync(built) && statSync(built).mtimeMs > sources) return;
  execFileSync(process.execPath, [path.join(projectRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: projectRoot, stdio: 'inherit' });
}

/** Headless Chromium with WebGPU allowed (SwiftShader on a machine without GPU). */
export async function launchChromium(): Promise<Browser> {
  requireChromium();
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage', '--enable-unsafe-webgpu', '--no-first-run', '--mute-audio'],
  });
}
