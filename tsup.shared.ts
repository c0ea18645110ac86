import type { Options } from 'tsup';

/**
 * The private workspace packages that published packages use: never published, so each published
 * build bundles them into its `dist` (and lists them as devDependencies only).
 */
export const BUNDLED_PRIVATE_PACKAGES = ['@timock/terminal'];

/**
 * The one build of every published package: `src/index.ts` as ESM and CJS with declarations for
 * Node 20, plus, with `cli`, `src/cli.ts` as an executable ESM entry. The private packages of
 * {@link BUNDLED_PRIVATE_PACKAGES} are bundled in, declarations included.
 */
export function packageBuild({ cli = false }: { cli?: boolean } = {}): Options[] {
  // `.lua` files (the Redis scripts) are bundled as their text.
  const common: Options = {
    sourcemap: true,
    target: 'node20',
    loader: { '.lua': 'text' },
    noExternal: BUNDLED_PRIVATE_PACKAGES,
  };
  const library: Options = {
    ...common,
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: { resolve: BUNDLED_PRIVATE_PACKAGES },
    clean: true,
  };
  if (!cli) return [library];
  return [
    library,
    { ...common, entry: ['src/cli.ts'], format: ['esm'], banner: { js: '#!/usr/bin/env node' } },
  ];
}

/** The build of a private workspace package: `src/index.ts` as ESM with declarations, for the bench. */
export function privateBuild(): Options[] {
  return [
    { entry: ['src/index.ts'], format: ['esm'], dts: true, clean: true, sourcemap: true, target: 'node20' },
  ];
}
