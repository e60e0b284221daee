/**
 * Kernel census of the training step on a real WebGPU implementation without a GPU machine: bundles
 * bench/gpu/browser_census_page.ts, serves it from 127.0.0.1 and runs it in Debian's headless Chromium
 * (SwiftShader's WebGPU here), printing the kernels per loss + gradient by variant. Counts, not times:
 * SwiftShader's speed says nothing about a GPU's.
 *
 *   npx tsx bench/gpu/browser_census.ts [size=64] [callers]   # callers: only the default's kernels by calling function
 */
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { projectRoot } from '../common.js';
import { launchChromium } from '../../test/web/browser.js';
import { serveStatic } from '../../test/web/static_server.js';

const size = Number(process.argv[2] ?? '64');
const callersOnly = process.argv[3] === 'callers';
const dir = mkdtempSync(path.join(tmpdir(), 'sdi-census-'));
try {
  await build({
    entryPoints: [path.join(projectRoot, 'bench', 'gpu', 'browser_census_page.ts')],
    bundle: true, format: 'iife', platform: 'browser', outfile: path.join(dir, 'page.js'), logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>census</title><script src="page.js"></script>');
  const server = await serveStatic(dir);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}?size=${size}${callersOnly ? '&callers=only' : ''}`);
    const result = await page.evaluate(() => (window as unknown as { __result: Promise<unknown> }).__result);
    console.log(JSON.stringify(result, null, 1));
  } finally {
    await browser.close();
    await server.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
