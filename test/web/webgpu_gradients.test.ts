/**
 * The engine's conv filter gradients on a real WebGPU implementation (headless Chromium; SwiftShader on
 * a machine without GPU), against the same code on tfjs-cpu. WebGPU devices default to 8 storage
 * buffers per shader stage and tfjs does not ask for more: a gradient that sums 8 or more partial
 * products in one AddN made an invalid pipeline there, and the GPU silently dropped the work (found on
 * an H100 through Dawn; src/engine/ops/sum_tensors.ts). The fixture is bundled with esbuild and served
 * from 127.0.0.1 (a secure context, so navigator.gpu exists).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { projectRoot } from '../helpers.js';
import { launchChromium } from './browser.js';
import { serveStatic, type StaticServer } from './static_server.js';

interface FixtureResult { cases?: Array<{ name: string; method: string; maxRelativeError: number }>; errors: string[]; limit?: number; error?: string; bnKernels?: string[]; leaked?: number }

describe('engine gradients on WebGPU in Chromium', () => {
  let browser: Browser;
  let server: StaticServer;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sdi-webgpu-'));
    await build({
      entryPoints: [path.join(projectRoot, 'test', 'web', 'fixtures', 'webgpu_filter_gradient.ts')],
      bundle: true, format: 'iife', platform: 'browser', outfile: path.join(dir, 'fixture.js'), logLevel: 'warning',
      define: { 'process.env.NODE_ENV': '"production"' },
    });
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>webgpu gradients</title><script src="fixture.js"></script>');
    server = await serveStatic(dir);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('filter gradients with 8 chunked partial sums, batched over the chunks or unchunked, tfjs\'s input, BatchMatMul and MaxPool gradients, the WGSL channel sum, resize and MirrorPad gradients and the WGSL batch norm (with and without LeakyReLU) equal tfjs-cpu, leak no tensors and raise no WebGPU validation error', { timeout: 300_000 }, async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    const result = (await page.evaluate(() => (window as unknown as { __result: Promise<unknown> }).__result)) as FixtureResult;
    await page.close();
    assert.equal(result.error, undefined, result.error);
    assert.deepEqual(result.errors, [], `WebGPU validation errors (device limit ${result.limit} storage buffers per stage)`);
    assert.equal(result.cases?.length, 12);
    // the batch norm's per-channel sums over 2146 pixels run in another order than cpu's (float32)
    for (const c of result.cases ?? []) assert.ok(c.maxRelativeError < (c.method === 'webgpu batch norm' ? 5e-4 : 1e-4), `${c.name} (${c.method}): relative error ${c.maxRelativeError}`);
    assert.equal(result.leaked, 0, 'tensors left behind by a loss + gradient step on webgpu');
    const bnKernels = result.bnKernels ?? [];
    assert.ok(bnKernels.includes('SdiBnMoments') && bnKernels.includes('SdiBnApply') && !bnKernels.includes('AvgPool'), `batchNormTrain on webgpu ran ${bnKernels.join(', ')}`);
    assert.deepEqual(result.cases?.map((c) => c.method), ['channelMajorTapMatMul', 'batchedMatMul1x1', 'batchedTapMatMul', 'channelMajorTapMatMul, unchunked', 'native input gradient', 'transpose flags', 'tfjs max pool gradient', 'webgpu channel sum', 'webgpu resize', 'webgpu mirror pad', 'webgpu batch norm', 'webgpu batch norm']);
  });
});
