/**
 * Test helper: Node module hooks that load a `.lua` file (a Redis script) as a module whose default
 * export is its text, as tsup's `text` loader does in the build and the `lua-text` plugin of
 * `/vitest.config.ts` does in tests. For the CLI run from its sources through tsx:
 * `node --import tsx --import ./test/lua-hooks.mjs src/cli.ts`.
 */
import { readFile } from 'node:fs/promises';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

// Imported by `--import`, this module registers itself; Node then loads it again in its hooks thread.
if (isMainThread) register(import.meta.url);

/** Answers a `.lua` URL with its text as the default export; anything else goes to the next hook. */
export async function load(url, context, nextLoad) {
  if (!url.endsWith('.lua')) return nextLoad(url, context);
  const text = await readFile(new URL(url), 'utf8');
  return { format: 'module', source: `export default ${JSON.stringify(text)};`, shortCircuit: true };
}
