import type { Options } from 'tsup';

/**
 * The one build of every published package: `src/index.ts` as ESM and CJS with declarations for
 * Node 20, plus, with `cli`, `src/cli.ts` as an executable ESM entry.
 */
export function packageBuild({ cli = false }: { cli?: boolean } = {}): Options[] {
  // `.lua` files (the Redis scripts) are bundled as their text.
  const common: Options = { sourcemap: true, target: 'node20', loader: { '.lua': 'text' } };
  const library: Options = {
    ...common,
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
  };
  if (!cli) return [library];
  return [
    library,
    { ...common, entry: ['src/cli.ts'], format: ['esm'], banner: { js: '#!/usr/bin/env node' } },
  ];
}
