/** Running a parsed `timock` command, and `main`: the whole CLI except the process glue of `cli.ts`. */
import { buildOpenApiDocument } from '@timock/schema';
import { colorEnabled, painter } from '@timock/terminal';
import type { StartedProxy } from '../proxy/proxy.js';
import type { StartedServer } from '../server.js';
import { type Command, helpText, parseCommand } from './command.js';
import { type CliEnv, isCliFailure, isCliUsageError } from './flags.js';
import type { CliOutput, CliPaints } from './output.js';
import { runProxy } from './proxy.js';
import { record } from './record.js';
import { packageVersion, startServe } from './serve-start.js';
import { runInspect, runUserSig } from './usersig.js';

const PLAIN: CliPaints = { out: painter(false), err: painter(false) };

/**
 * What a CLI run ends with: an exit code now, or a running server or proxy (the caller handles signals)
 * and its drain deadline in ms (how long a close lets requests in flight finish).
 */
export type CliResult =
  | { exitCode: number }
  | { server: StartedServer; drainTimeout: number }
  | { proxy: StartedProxy; drainTimeout: number };

/**
 * Runs one command; human output is coloured by `paints` (plain by default), machine output (`usersig`,
 * `openapi`) never. Usage and configuration problems surface as errors with code `TIMOCK_CLI_USAGE`.
 */
export async function runCommand(cmd: Command, output: CliOutput, paints = PLAIN): Promise<CliResult> {
  switch (cmd.kind) {
    case 'help':
      output.outLine(helpText(cmd.command, paints.out).trimEnd());
      return { exitCode: 0 };
    case 'version':
      output.outLine(packageVersion());
      return { exitCode: 0 };
    case 'openapi':
      output.outLine(JSON.stringify(buildOpenApiDocument(), null, 2));
      return { exitCode: 0 };
    case 'usersig':
      output.outLine(runUserSig(cmd));
      return { exitCode: 0 };
    case 'usersig-inspect': {
      const { lines, exitCode } = runInspect(cmd, paints.out);
      for (const line of lines) output.outLine(line);
      return { exitCode };
    }
    case 'serve':
      return startServe(cmd, output, paints);
    case 'proxy':
      return runProxy(cmd, (line) => output.outLine(line), paints.out);
    case 'record': {
      const progress = (line: string) => output.errLine(paints.err('dim', `timock: ${line}`));
      output.outLine(paints.out('green', await record(cmd, progress)));
      return { exitCode: 0 };
    }
  }
}

/**
 * The whole CLI except the process glue: parses, runs, and turns every failure into one stderr line
 * (exit 2 for usage and configuration problems, 1 for a failed recording or anything unexpected), never
 * a stack trace. Colour follows each stream's TTY flag and `NO_COLOR`/`FORCE_COLOR` in `env`.
 */
export async function main(argv: readonly string[], env: CliEnv, output: CliOutput): Promise<CliResult> {
  const paints: CliPaints = {
    out: painter(colorEnabled(output.outIsTty, env)),
    err: painter(colorEnabled(output.errIsTty, env)),
  };
  const fail = (text: string, exitCode: number) => {
    output.errLine(paints.err('red', `timock: ${text}`));
    return { exitCode };
  };
  try {
    return await runCommand(parseCommand(argv, env), output, paints);
  } catch (error) {
    // Recognised by code: an error class of another build (ESM or CJS) is not `instanceof` this one's.
    if (isCliUsageError(error)) return fail(error.message.replace(/\s*\n\s*/g, ' '), 2);
    if (isCliFailure(error)) return fail(error.message.replace(/\s*\n\s*/g, ' '), 1);
    const message = error instanceof Error ? error.message : String(error);
    return fail(`unexpected error: ${message.split('\n')[0]}`, 1);
  }
}
