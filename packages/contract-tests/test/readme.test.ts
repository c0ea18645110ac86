/** The README's tables follow the code: every check with its group and authority, every CLI flag. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLI_FLAGS, type CliFlag } from '../src/cli/args.js';
import { CHECKS } from '../src/index.js';
import { MUTANTS } from './mutants.js';

// The generated error-code table (scripts/docs) is checked by its own test, and is left out here.
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8').replace(
  /<!-- errors:contract-tests:start -->[\s\S]*?<!-- errors:contract-tests:end -->/,
  '',
);
const rows = readme
  .split('\n')
  .filter((l) => l.startsWith('| `'))
  .map((l) => l.split(/(?<!\\)\|/).map((c) => c.trim()));
const AUTHORITY = { vendor: 'strict', project: 'observation', drift: 'warning' } as const;

describe('README.md', () => {
  it('lists every check, in run order, with its group and authority', () => {
    const checkRows = rows.filter((r) => /^`[a-z-]+\.[A-Za-z-]+`$/.test(r[1] ?? ''));
    expect(checkRows.map((r) => r[1])).toEqual(CHECKS.map((c) => `\`${c.id}\``));
    for (const [i, c] of CHECKS.entries()) {
      expect(checkRows[i]![2], c.id).toBe(c.group);
      expect(checkRows[i]![3], c.id).toBe(
        `${AUTHORITY[c.authority]}${c.aggressive ? ' (`--aggressive` only)' : ''}`,
      );
    }
    expect(readme).toContain(`${CHECKS.length} named checks`);
    expect(readme).toContain(`${Object.keys(MUTANTS).length} deliberately broken servers`);
  });

  it('lists every flag of the CLI with its environment variable', () => {
    const flagRows = rows.filter((r) => r[1]?.startsWith('`--'));
    for (const [name, flag] of Object.entries(CLI_FLAGS as Record<string, CliFlag>)) {
      const row = flagRows.find((r) => r[1]!.startsWith(`\`--${name}`) || r[1]!.includes(`\`--${name}\``));
      expect(row, name).toBeDefined();
      expect(row![2], name).toBe(flag.env ? `\`${flag.env}\`` : '');
    }
  });
});
