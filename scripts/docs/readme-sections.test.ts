/** The generated README sections (options tables, error codes) are what the code generates today. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SECTIONS } from './sections.js';
import { sectionOf } from './tables.js';

const root = new URL('../../', import.meta.url);

describe('generated README sections', () => {
  it.each(SECTIONS.map((s) => [`${s.readme} ${s.id}`, s] as const))('%s is up to date', (_name, section) => {
    const readme = readFileSync(new URL(section.readme, root), 'utf8');
    const current = sectionOf(readme, section.id);
    expect(current, `markers <!-- ${section.id}:start/end --> in ${section.readme}`).toBeDefined();
    expect(current, `${section.readme} is out of date: run \`pnpm docs:options\``).toBe(section.render());
  });
});
