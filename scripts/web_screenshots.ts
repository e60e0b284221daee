/**
 * Screenshots of the web page for the README: docs/web-running.png (mid-run, previews showing)
 * and docs/web-finished.png (result with the before/after comparison), taken in Debian's headless
 * Chromium on a real blurred colour photo (shared/data/real/flower.jpg) with a short schedule and,
 * unless `--refine none`, the kernel refinement ticked (the `fast` preset's usable output on a CPU).
 *
 *   npx tsx scripts/web_screenshots.ts [--steps T] [--iters S] [--refine map-l0|none]
 *
 * Builds web/ when needed and serves web/dist on 127.0.0.1. Takes a few minutes on 2 CPU cores.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureWebBuild, launchChromium, webDist } from '../test/web/browser.js';
import { serveStatic } from '../test/web/static_server.js';
import { projectRoot, sharedData } from '../test/helpers.js';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '6' }, iters: { type: 'string', default: '10' }, refine: { type: 'string', default: 'map-l0' } } });
const photo = sharedData('real', 'flower.jpg');
const query = `?engine=wasm&preset=fast&kernel=25&steps=${Number(values.steps)}&iters=${Number(values.iters)}&seed=0&region=290,180,128,128&refine=${values.refine === 'none' ? 'none' : 'map-l0'}`;
const docs = path.join(projectRoot, 'docs');

async function main(): Promise<void> {
  readFileSync(photo); // fail early when the data folder is missing
  ensureWebBuild();
  const server = await serveStatic(webDist);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    await page.goto(server.url + query);
    await page.waitForFunction(() => document.body.dataset.state !== 'loading', null, { timeout: 60_000 });
    await page.setInputFiles('#file-input', photo);
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 60_000 });
    await page.click('#run-button');
    const started = Date.now();
    await page.waitForFunction(() => Number(document.getElementById('estimate-figure')?.dataset.previewCount) >= 3, null, { timeout: 600_000 });
    await page.waitForTimeout(1500); // a few inner steps into the next outer step
    await page.screenshot({ path: path.join(docs, 'web-running.png'), fullPage: true });
    console.log(`web-running.png after ${((Date.now() - started) / 1000).toFixed(0)} s`);
    await page.waitForFunction(() => ['done', 'failed'].includes(document.body.dataset.state ?? ''), null, { timeout: 1_200_000 });
    if ((await page.evaluate(() => document.body.dataset.state)) !== 'done') throw new Error(`run failed: ${await page.textContent('#status')}`);
    await page.screenshot({ path: path.join(docs, 'web-finished.png'), fullPage: true });
    console.log(`web-finished.png after ${((Date.now() - started) / 1000).toFixed(0)} s: ${await page.textContent('#result-summary')}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
