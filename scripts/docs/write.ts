/**
 * `pnpm docs:options`: rewrites every generated section of the package READMEs (options tables and error
 * codes) from the code. `readme-sections.test.ts` fails while a README differs from what this writes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { SECTIONS } from './sections.js';
import { replaceSection } from './tables.js';

const root = new URL('../../', import.meta.url);
const changed = new Set<string>();
for (const readme of new Set(SECTIONS.map((s) => s.readme))) {
  const file = new URL(readme, root);
  const before = readFileSync(file, 'utf8');
  let text = before;
  for (const section of SECTIONS.filter((s) => s.readme === readme)) {
    text = replaceSection(text, section.id, section.render());
  }
  if (text !== before) {
    writeFileSync(file, text);
    changed.add(readme);
  }
}
console.log(
  changed.size === 0 ? 'docs: every README is up to date' : `docs: rewrote ${[...changed].join(', ')}`,
);
