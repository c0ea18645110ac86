/**
 * `ClientOptions` and `RetryOptions` are hand-written interfaces (for their hover docs): each property's
 * TSDoc must start with the schema's description, and a `Default` it states must be the schema's default.
 */
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ClientOptionsSchema, defaultSleep, RetryOptionsSchema } from '../../packages/client/src/options.js';
import { type OptionRow, optionRows } from './tables.js';

const file = new URL('../../packages/client/src/options.ts', import.meta.url);
const source = ts.createSourceFile('options.ts', readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);

/** Each property of an interface with its TSDoc text (`{@link X}` read as `` `X` ``, whitespace collapsed). */
function interfaceDocs(name: string): Map<string, string> {
  const decl = source.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name,
  );
  if (!decl) throw new Error(`interface ${name} not found`);
  const docs = new Map<string, string>();
  for (const member of decl.members) {
    const jsDoc = ts.getJSDocCommentsAndTags(member).find(ts.isJSDoc);
    const text = ts.getTextOfJSDocComment(jsDoc?.comment) ?? '';
    docs.set(
      (member.name as ts.Identifier).text,
      text
        .replace(/\{@link (\w+)\}/g, '`$1`')
        .replace(/\s+/g, ' ')
        .trim(),
    );
  }
  return docs;
}

function expectSame(docs: Map<string, string>, rows: OptionRow[]) {
  expect([...docs.keys()]).toEqual(rows.map((r) => r.key));
  for (const row of rows) {
    const doc = docs.get(row.key)!;
    const [, lead = '', stated] = doc.match(/^(.*?)(?:\s*Default (`[^`]+`)\.)?$/) ?? [];
    const description = `${row.description.charAt(0).toUpperCase()}${row.description.slice(1)}.`;
    expect(lead, `TSDoc of ${row.key}`).toBe(description);
    if (stated !== undefined) expect(stated, `stated default of ${row.key}`).toBe(row.default);
  }
}

describe('client option TSDoc', () => {
  it('ClientOptions says what ClientOptionsSchema says', () => {
    const rows = optionRows({
      schema: ClientOptionsSchema,
      minimalInput: { sdkappid: 1400000000, secretKey: 'k' },
      known: { defaultSleep },
    });
    expectSame(interfaceDocs('ClientOptions'), rows);
  });

  it('RetryOptions says what RetryOptionsSchema says', () => {
    expectSame(interfaceDocs('RetryOptions'), optionRows({ schema: RetryOptionsSchema }));
  });
});
