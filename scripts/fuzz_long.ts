/**
 * The long decoder fuzz run: `npx tsx scripts/fuzz_long.ts [cases=100000] [seed=2]`.
 *
 * Same generator and oracle as the suite's test/reliability/decode_fuzz.test.ts (which runs 3 000
 * cases with seed 1): random bytes and mutated PNG/JPEG files through decodeImage, each of which must
 * decode to a well-formed image or fail with a one-line SdiError. Prints progress every 10 000 cases
 * and a summary line, lists any other outcome with the index that replays it
 * (fuzzCase(seed, index, seedFiles())), and exits 1 if there was one.
 */
import { runFuzz, type FuzzSummary } from '../test/reliability/fuzz_cases.js';

const total = Number(process.argv[2] ?? 100_000);
const seed = Number(process.argv[3] ?? 2);
if (!Number.isInteger(total) || total < 1 || !Number.isInteger(seed)) {
  process.stderr.write('usage: npx tsx scripts/fuzz_long.ts [cases ≥ 1] [integer seed]\n');
  process.exit(2);
}

const all: FuzzSummary = { cases: 0, decoded: 0, cleanErrors: 0, bugs: [], slowestMs: 0, totalMs: 0, byStrategy: {} };
const batch = 10_000;
for (let from = 0; from < total; from += batch) {
  const s = runFuzz(seed, from, Math.min(total, from + batch));
  all.cases += s.cases;
  all.decoded += s.decoded;
  all.cleanErrors += s.cleanErrors;
  all.bugs.push(...s.bugs);
  all.slowestMs = Math.max(all.slowestMs, s.slowestMs);
  all.totalMs += s.totalMs;
  for (const [k, v] of Object.entries(s.byStrategy)) all.byStrategy[k] = (all.byStrategy[k] ?? 0) + v;
  process.stderr.write(`${all.cases}/${total} cases, ${all.bugs.length} bugs\n`);
}
for (const b of all.bugs.slice(0, 50)) process.stdout.write(`BUG case ${b.index} (${b.strategy} of ${b.seed}): ${b.detail}\n`);
const strategies = Object.entries(all.byStrategy).map(([k, v]) => `${k} ${v}`).join(', ');
process.stdout.write(
  `fuzz: ${all.cases} cases (seed ${seed}): ${all.decoded} decoded, ${all.cleanErrors} clean errors, ${all.bugs.length} other outcomes; ` +
    `${(all.totalMs / 1000).toFixed(1)} s, slowest case ${all.slowestMs.toFixed(0)} ms; ${strategies}\n`,
);
process.exit(all.bugs.length ? 1 : 0);
