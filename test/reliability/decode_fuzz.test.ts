import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFuzz } from './fuzz_cases.js';

/** Cases run in the suite; scripts/fuzz_long.ts runs 100 000 (same generator, other seeds). */
export const SUITE_FUZZ_CASES = 3000;

test(`decodeImage fuzz: ${SUITE_FUZZ_CASES} random and mutated PNG/JPEG files give an image or a one-line SdiError`, () => {
  const s = runFuzz(1, 0, SUITE_FUZZ_CASES);
  assert.equal(s.cases, SUITE_FUZZ_CASES);
  assert.deepEqual(s.bugs, [], `non-clean outcomes (replay with fuzzCase(1, index, seedFiles())): ${JSON.stringify(s.bugs.slice(0, 5))}`);
  // The generator must exercise both outcomes and every strategy, or the test proves little.
  assert.ok(s.decoded > SUITE_FUZZ_CASES * 0.03, `only ${s.decoded} mutated files still decoded`);
  assert.ok(s.cleanErrors > SUITE_FUZZ_CASES * 0.5, `only ${s.cleanErrors} clean errors`);
  for (const strategy of ['random', 'random-with-magic', 'png-structure', 'jpeg-structure', 'bytes']) assert.ok((s.byStrategy[strategy] ?? 0) > 50, `strategy ${strategy} ran ${s.byStrategy[strategy] ?? 0} times`);
  // No case may hang the decoder (the header guards refuse huge declared sizes before decoding).
  assert.ok(s.slowestMs < 2000, `slowest case took ${s.slowestMs.toFixed(0)} ms`);
});
