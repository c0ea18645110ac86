/**
 * A Lua script file, imported as its text: tsup bundles it with esbuild's `text` loader, and the tests
 * load it through the `lua-text` plugin of `/vitest.config.ts`.
 */
declare module '*.lua' {
  /** The script's source. */
  const text: string;
  export default text;
}
