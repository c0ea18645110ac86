/** Helpers of the CLI's parsing tests (`*.test.ts` beside this file); not part of the package. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { type Command, parseCommand } from './command.js';
import { isCliUsageError } from './flags.js';
import type { ServeCommand } from './serve.js';

/** A private temporary directory for the files a test writes. */
export const dir = mkdtempSync(join(tmpdir(), 'timock-args-'));

/** Writes `text` to `name` in {@link dir}; returns its path. */
export function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The serve command the arguments parse to (fails the test for any other command). */
export function serve(argv: string[], env: Record<string, string> = {}): ServeCommand {
  const cmd: Command = parseCommand(argv, env);
  if (cmd.kind !== 'serve') throw new Error(`expected serve, got ${cmd.kind}`);
  return cmd;
}

/** The message of the usage error the arguments must raise (recognised by its code). */
export function usage(argv: string[], env: Record<string, string> = {}): string {
  try {
    parseCommand(argv, env);
  } catch (error) {
    expect(isCliUsageError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'CliUsageError', code: 'TIMOCK_CLI_USAGE' });
    return (error as Error).message;
  }
  throw new Error('expected a usage error');
}
