/** The commands of `timock`: which one the command line asks for, and each one's help. */
import { formatHelp, type HelpSpec, type Paint } from '@timock/terminal';
import { type CliEnv, CliUsageError, EXIT_CODES, HELP_FLAG, parseFlags } from './flags.js';
import type { UserSigInspectCommand } from './inspect.js';
import { PROXY_HELP, type ProxyCommand, parseProxy } from './proxy.js';
import { parseRecord, RECORD_HELP, type RecordCommand } from './record.js';
import { parseServe, SERVE_HELP, type ServeCommand } from './serve.js';
import { parseUserSig, USERSIG_HELP, type UserSigCommand } from './usersig.js';

/** The commands of `timock`. */
export const COMMANDS = ['serve', 'usersig', 'record', 'proxy', 'openapi'] as const;

/** One of {@link COMMANDS}. */
export type CommandName = (typeof COMMANDS)[number];

/** Any command the CLI runs. */
export type Command =
  | ServeCommand
  | RecordCommand
  | ProxyCommand
  | UserSigCommand
  | UserSigInspectCommand
  | { kind: 'openapi' }
  | { kind: 'help'; command?: CommandName }
  | { kind: 'version' };

/** The flags of `timock openapi`. */
export const OPENAPI_FLAGS = { help: HELP_FLAG } as const;

/** What each command's `--help` shows; the flags are the tables its parser reads. */
export const HELP_SPECS: Readonly<Record<CommandName, HelpSpec>> = {
  serve: SERVE_HELP,
  usersig: USERSIG_HELP,
  record: RECORD_HELP,
  proxy: PROXY_HELP,
  openapi: {
    summary: 'timock openapi: print the OpenAPI 3.1 document of getappinfo and the admin API (JSON)',
    usage: ['timock openapi'],
    flags: OPENAPI_FLAGS,
    examples: [
      ['write it to a file', 'timock openapi > getappinfo.openapi.json'],
      ['list its paths', "timock openapi | jq '.paths | keys'"],
    ],
    notes: [EXIT_CODES],
  },
};

/** The overview `timock --help` prints: every command, then the options of the default command. */
const OVERVIEW: HelpSpec = {
  ...SERVE_HELP,
  summary: 'timock: a fake of the Tencent Cloud IM REST API v4/openconfigsvr/getappinfo',
  usage: [
    'timock [serve] [options]   start the fake getappinfo server',
    'timock usersig ...         print a UserSig',
    "timock record ...          pull an app's data once into a fixture file",
    'timock proxy ...           check live traffic to the real endpoint against the contract',
    'timock openapi             print the OpenAPI 3.1 document',
    'timock help <command>      the options of one command (or timock <command> --help)',
    'timock --version',
  ],
};

/** The help text of one command, or the overview (`timock --help`) without one. */
export function helpText(command?: CommandName, paint?: Paint): string {
  return formatHelp(command === undefined ? OVERVIEW : HELP_SPECS[command], paint);
}

/** `timock help [command]`. */
function parseHelp(rest: readonly string[]): Command {
  const [command, ...extra] = rest;
  if (command === undefined) return { kind: 'help' };
  if (!(COMMANDS as readonly string[]).includes(command) || extra.length > 0) {
    throw new CliUsageError(`help takes one of ${COMMANDS.join(', ')}, got "${rest.join(' ')}"`);
  }
  return { kind: 'help', command: command as CommandName };
}

/**
 * Turns the command line (without `node` and the script) and the environment into a {@link Command}.
 * Flags win over environment variables, which win over the config file.
 *
 * @throws {@link CliUsageError} with a one-line message for any bad flag, value or config file.
 */
export function parseCommand(argv: readonly string[], env: CliEnv): Command {
  const [first, ...rest] = argv;
  switch (first) {
    case 'usersig':
      return parseUserSig(rest, env);
    case 'record':
      return parseRecord(rest, env);
    case 'proxy':
      return parseProxy(rest);
    case 'openapi':
      return parseFlags(rest, OPENAPI_FLAGS).values.help
        ? { kind: 'help', command: 'openapi' }
        : { kind: 'openapi' };
    case 'help':
      return parseHelp(rest);
    case 'serve': {
      const cmd = parseServe(rest, env);
      return cmd.kind === 'help' ? { kind: 'help', command: 'serve' } : cmd;
    }
  }
  if (first !== undefined && !first.startsWith('-')) {
    throw new CliUsageError(`unknown command "${first}" (see timock --help)`);
  }
  return parseServe(argv, env);
}
