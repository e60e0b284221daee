/**
 * The web page's pure logic, in Node: URL settings → deblur options, and the notes shown for
 * large, downscaled, colour images and impossible settings.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deblurOptionsOf, settingsFromQuery, stepSettingsProblem } from '../../web/src/settings.js';
import { BROWSER_MAX_MEGAPIXELS, imageNotes } from '../../web/src/image_notes.js';
import { colourAt } from '../../web/src/colormap.js';

test('URL query parameters become deblur options; invalid ones are ignored', () => {
  const q = settingsFromQuery('?engine=wasm&preset=fast&kernel=5&steps=3&iters=2&seed=7&region=1,2,30,40');
  assert.deepEqual(q, { preset: 'fast', engine: 'wasm', kernelSize: 5, seed: 7, steps: 3, iterations: '2', region: { x0: 1, y0: 2, width: 30, height: 40 } });
  assert.deepEqual(deblurOptionsOf({ ...q, region: null } as Parameters<typeof deblurOptionsOf>[0]), {
    preset: 'fast', kernelSize: 5, seed: 7, backend: 'wasm', solver: { steps: 3, iterations: 2 },
  });
  assert.deepEqual(settingsFromQuery('?preset=huge&kernel=2.5&steps=-1&engine=gpu&region=1,2'), {});
  assert.equal(deblurOptionsOf({ preset: 'balanced', kernelSize: 31, seed: 0, engine: 'auto', region: null }).backend, undefined);
  assert.deepEqual(settingsFromQuery('?iters=0'), {});
  assert.deepEqual(settingsFromQuery('?iters=2x1,3'), {});
  assert.deepEqual(settingsFromQuery('?refine=sharpen'), {});
});

test('the kernel refinement travels from the URL to the deblur options only when asked for', () => {
  const base = { preset: 'fast' as const, kernelSize: 15, seed: 0, engine: 'wasm' as const, region: null };
  assert.equal(settingsFromQuery('?refine=map-l0').refine, 'map-l0');
  assert.equal(deblurOptionsOf({ ...base, refine: 'map-l0' }).refine, 'map-l0');
  assert.equal('refine' in deblurOptionsOf({ ...base, refine: 'none' }), false, 'none leaves the library default');
  assert.equal('refine' in deblurOptionsOf(base), false);
});

test('restarts travel from the URL to the deblur options when more than one, within 1–8', () => {
  const base = { preset: 'fast' as const, kernelSize: 15, seed: 0, engine: 'wasm' as const, region: null };
  assert.equal(settingsFromQuery('?restarts=3').restarts, 3);
  assert.deepEqual(settingsFromQuery('?restarts=0'), {});
  assert.deepEqual(settingsFromQuery('?restarts=9'), {});
  assert.deepEqual(settingsFromQuery('?restarts=1.5'), {});
  assert.equal(deblurOptionsOf({ ...base, restarts: 3 }).restarts, 3);
  assert.equal('restarts' in deblurOptionsOf({ ...base, restarts: 1 }), false, 'one run leaves the library default');
  assert.equal('restarts' in deblurOptionsOf(base), false);
});

test('inner steps take a schedule of SxN groups that must cover the outer steps', () => {
  const base = { preset: 'balanced' as const, kernelSize: 31, seed: 0, engine: 'auto' as const, region: null };
  assert.equal(settingsFromQuery('?steps=4&iters=2x1,3x3').iterations, '2x1,3x3');
  assert.deepEqual(deblurOptionsOf({ ...base, steps: 4, iterations: '2x1,3x3' }).solver, { steps: 4, iterationSchedule: [2, 3, 3, 3] });
  // without T the preset's outer steps count (balanced: 30)
  assert.equal(stepSettingsProblem({ preset: 'balanced', iterations: '25x15,50x15' }), null);
  assert.deepEqual(deblurOptionsOf({ ...base, iterations: '25x15,50x15' }).solver?.iterationSchedule?.length, 30);
  assert.match(stepSettingsProblem({ preset: 'balanced', steps: 10, iterations: '25x15,50x15' }) ?? '', /covers 30 outer steps, but the run has 10/);
  assert.match(stepSettingsProblem({ preset: 'fast', iterations: 'many' }) ?? '', /^Inner steps must be .* got "many"\.$/);
  assert.match(stepSettingsProblem({ preset: 'fast', steps: 2.5 }) ?? '', /outer steps must be a whole number/);
  assert.equal(stepSettingsProblem({ preset: 'fast', steps: 3, iterations: '7' }), null);
});

test('notes explain the working-size crop, downscaling and colour, and block impossible kernels', () => {
  const gray = { width: 640, height: 480, channels: 1, original: { width: 640, height: 480 } };
  const crop = imageNotes(gray, 'fast', 31, null);
  assert.ok(crop.some((n) => n.level === 'info' && /centre 192×192/.test(n.text)), JSON.stringify(crop));
  assert.ok(!crop.some((n) => n.level === 'error'));

  const big = { width: 3464, height: 2309, channels: 3, original: { width: 6928, height: 4618 } };
  const bigNotes = imageNotes(big, 'balanced', 31, null);
  assert.ok(bigNotes.some((n) => n.level === 'warning' && n.text.includes(`${BROWSER_MAX_MEGAPIXELS} MP`) && n.text.includes('downscaled to 3464×2309')));
  assert.ok(bigNotes.some((n) => /Colour image/.test(n.text)));

  const small = { width: 32, height: 32, channels: 1, original: { width: 32, height: 32 } };
  assert.ok(imageNotes(small, 'fast', 32, null).some((n) => n.level === 'error' && /must be smaller/.test(n.text)));
  assert.ok(imageNotes(small, 'fast', 13, null).some((n) => n.level === 'warning' && /3× the kernel/.test(n.text)));
  assert.ok(!imageNotes(small, 'fast', 5, null).some((n) => n.level !== 'info'));

  const region = imageNotes(gray, 'fast', 31, { x0: 600, y0: 0, width: 100, height: 100 });
  assert.ok(region.some((n) => n.level === 'error' && /does not fit/.test(n.text)));
  const inside = imageNotes(gray, 'fast', 31, { x0: 10, y0: 10, width: 128, height: 128 });
  assert.ok(inside.some((n) => /selected 128×128 region/.test(n.text)));
});

test('the kernel colour scale runs from dark to bright and clamps', () => {
  const lum = ([r, g, b]: number[]) => 0.299 * r + 0.587 * g + 0.114 * b;
  let last = -1;
  for (let t = 0; t <= 1.0001; t += 0.05) {
    const l = lum(colourAt(t));
    assert.ok(l > last, `luminance increases at t=${t}`);
    last = l;
  }
  assert.deepEqual(colourAt(-3), colourAt(0));
  assert.deepEqual(colourAt(Number.NaN), colourAt(0));
  assert.deepEqual(colourAt(7), colourAt(1));
});
