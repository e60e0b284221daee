import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const srcRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

/** Every .ts file under `dir`, recursively. */
function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const declaration = /^export (?:async )?(?:function|const|let|class|interface|type|enum|abstract class) /;
const oneLineConst = /^export const \w+(?:: [^=]+)? = [^;{[]+;$/;

/**
 * Exported declarations of `source` without a TSDoc comment directly above them. A run of one-line
 * `export const` constants counts as one group under the comment above its first line (e.g. kernel names).
 */
function undocumentedExports(source: string): string[] {
  const lines = source.split('\n');
  const missing: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!declaration.test(lines[i])) continue;
    let j = i - 1;
    while (j >= 0 && (lines[j].trim().startsWith('@') || (oneLineConst.test(lines[i]) && oneLineConst.test(lines[j])))) j--;
    if (j < 0 || !lines[j].trim().endsWith('*/')) missing.push(`${i + 1}: ${lines[i].slice(0, 80)}`);
  }
  return missing;
}

test('every exported declaration in src/ has a TSDoc comment', () => {
  const missing = typeScriptFiles(srcRoot).flatMap((file) =>
    undocumentedExports(readFileSync(file, 'utf8')).map((line) => `${path.relative(srcRoot, file)}:${line}`),
  );
  assert.deepEqual(missing, []);
});

test('the TSDoc check sees a missing comment and accepts documented groups', () => {
  const source = [
    '/** Documented. */',
    'export function a(): void {}',
    'export function b(): void {}',
    '/** Two names under one comment. */',
    "export const X = 'x';",
    "export const Y = 'y';",
  ].join('\n');
  assert.deepEqual(undocumentedExports(source), ['3: export function b(): void {}']);
});
