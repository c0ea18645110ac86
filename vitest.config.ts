import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const pkg = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

/** Workspace packages resolve to their sources in tests, so a test never runs against a stale build. */
const alias = {
  // Before `@timock/schema`, which would otherwise take its subpaths too.
  '@timock/schema/admin': fileURLToPath(new URL('./packages/schema/src/admin/index.ts', import.meta.url)),
  '@timock/schema': pkg('schema'),
  '@timock/mock-server': pkg('mock-server'),
  '@timock/client': pkg('client'),
  '@timock/contract-tests': pkg('contract-tests'),
  '@timock/terminal': pkg('terminal'),
  '@timock/test-support': pkg('test-support'),
};

/** Imports a `.lua` file (a Redis script) as its text, as tsup's `text` loader does in the build. */
const luaText = {
  name: 'lua-text',
  load: (id: string) =>
    id.endsWith('.lua') ? `export default ${JSON.stringify(readFileSync(id, 'utf8'))};` : null,
};

const project = (name: string, extra: Record<string, unknown> = {}) => ({
  resolve: { alias },
  plugins: [luaText],
  test: {
    name,
    root: `packages/${name}`,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts', 'test/**/*.test-d.ts'] },
    ...extra,
  },
});

export default defineConfig({
  test: {
    projects: [
      project('schema'),
      project('mock-server'),
      project('client'),
      project('contract-tests'),
      // Private packages: the terminal output the CLIs and the bench share; the tests across packages.
      project('terminal'),
      project('integration'),
      // Each example runs as its users would run it, against the built packages.
      {
        test: {
          name: 'examples',
          root: 'examples',
          include: ['*/**/*.test.ts'],
          exclude: ['**/node_modules/**'],
        },
      },
      // The benchmark's pure helpers only (the benchmark itself runs with `pnpm bench`, never in tests).
      { test: { name: 'bench', root: 'bench', include: ['lib/*.test.mjs'] } },
      // The generated README sections (options tables, error codes) against the code, from its sources.
      {
        resolve: { alias },
        plugins: [luaText],
        test: { name: 'docs', root: 'scripts/docs', include: ['*.test.ts'] },
      },
      {
        test: { name: 'packaging', root: 'scripts', include: ['*.test.ts'], testTimeout: 180_000 },
      },
    ],
  },
});
