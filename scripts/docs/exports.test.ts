/**
 * Each published package's entry exports only what its README documents: every named export of
 * `src/index.ts` is named in a code span of the package's README, and there is no `export *`.
 */
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const PUBLISHED = ['schema', 'mock-server', 'client', 'contract-tests'];
const root = new URL('../../', import.meta.url);

/** The names `packages/<name>/src/index.ts` exports, and whether it has an `export *`. */
function entryExports(name: string): { names: string[]; star: boolean } {
  const file = new URL(`packages/${name}/src/index.ts`, root);
  const source = ts.createSourceFile('index.ts', readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const declarations = source.statements.filter(ts.isExportDeclaration);
  const names = declarations.flatMap((d) =>
    d.exportClause && ts.isNamedExports(d.exportClause)
      ? d.exportClause.elements.map((e) => e.name.text)
      : [],
  );
  return { names, star: declarations.some((d) => d.exportClause === undefined) };
}

/** The README's code spans (`like this`), joined: where an export counts as documented. */
function codeSpans(name: string): string {
  const text = readFileSync(new URL(`packages/${name}/README.md`, root), 'utf8');
  return [...text.matchAll(/`[^`\n]+`/g)].map((m) => m[0]).join('\n');
}

describe.each(PUBLISHED)('@timock/%s entry', (name) => {
  it('names every export in its README and re-exports nothing wholesale', () => {
    const { names, star } = entryExports(name);
    expect(names.length).toBeGreaterThan(5);
    expect(star).toBe(false);
    const spans = codeSpans(name);
    expect(names.filter((n) => !new RegExp(`\\b${n}\\b`).test(spans))).toEqual([]);
  });
});
