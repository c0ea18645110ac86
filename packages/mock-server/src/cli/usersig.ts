import { signUserSig } from '@timock/client';
import type { HelpSpec, Paint } from '@timock/terminal';
/** `timock usersig`: print a UserSig, or inspect one (`timock usersig inspect USERSIG`). */
import { DEMO_APP } from '../options.js';
import {
  type CliEnv,
  CliUsageError,
  EXIT_CODES,
  HELP_FLAG,
  integer,
  parseFlags,
  readFlag,
  SECRET_KEY_FLAG,
  sdkappidFlag,
} from './flags.js';
import { inspectReport, reportLines, type UserSigInspectCommand } from './inspect.js';

/** Every flag of `timock usersig`, in help order. */
export const USERSIG_FLAGS = {
  sdkappid: { type: 'string', value: 'N', help: 'the app' },
  'secret-key': SECRET_KEY_FLAG,
  identifier: { type: 'string', value: 'ID', help: 'the account the UserSig is for, e.g. administrator' },
  expire: { type: 'string', value: 'SECONDS', help: 'lifetime (default 86400)' },
  json: { type: 'boolean', help: 'inspect only: print the inspection as one JSON object' },
  help: HELP_FLAG,
} as const;

/** `timock usersig`. */
export interface UserSigCommand {
  kind: 'usersig';
  sdkappid: number;
  secretKey: string;
  identifier: string;
  expire: number;
}

type UserSigHelp = { kind: 'help'; command: 'usersig' };

function parseInspect(args: readonly string[], env: CliEnv): UserSigInspectCommand | UserSigHelp {
  const { values, positionals } = parseFlags(args, USERSIG_FLAGS, true);
  if (values.help) return { kind: 'help', command: 'usersig' };
  if (values.expire !== undefined) throw new CliUsageError('usersig inspect takes no --expire');
  if (positionals.length !== 1 || positionals[0]!.trim() === '') {
    throw new CliUsageError(
      `usersig inspect takes one UserSig, got ${positionals.length === 0 ? 'none' : positionals.length}`,
    );
  }
  const secretKey = readFlag('secret-key', SECRET_KEY_FLAG, values, env)?.text;
  if (values.identifier === '') throw new CliUsageError('--identifier must not be empty');
  return {
    kind: 'usersig-inspect',
    usersig: positionals[0]!.trim(),
    sdkappid: values.sdkappid === undefined ? undefined : sdkappidFlag(values.sdkappid),
    secretKey: secretKey === '' ? undefined : secretKey,
    identifier: values.identifier,
    json: values.json === true,
  };
}

/** Parses `timock usersig ...` and `timock usersig inspect ...`; the key may come from `TIMOCK_SECRET_KEY`. */
export function parseUserSig(
  args: readonly string[],
  env: CliEnv,
): UserSigCommand | UserSigInspectCommand | UserSigHelp {
  if (args[0] === 'inspect') return parseInspect(args.slice(1), env);
  const { values } = parseFlags(args, USERSIG_FLAGS);
  if (values.help) return { kind: 'help', command: 'usersig' };
  if (values.json) throw new CliUsageError('--json is for usersig inspect');
  const secretKey = readFlag('secret-key', SECRET_KEY_FLAG, values, env)?.text;
  if (values.sdkappid === undefined) throw new CliUsageError('usersig needs --sdkappid');
  if (secretKey === undefined || secretKey === '') throw new CliUsageError('usersig needs --secret-key');
  if (values.identifier === undefined || values.identifier === '') {
    throw new CliUsageError('usersig needs --identifier');
  }
  return {
    kind: 'usersig',
    sdkappid: sdkappidFlag(values.sdkappid),
    secretKey,
    identifier: values.identifier,
    expire: integer('--expire', values.expire ?? '86400', 1, 0xffffffff),
  };
}

/** `timock usersig`: the UserSig, signed with tls-sig-api-v2 (the only line printed). */
export function runUserSig(cmd: UserSigCommand): string {
  return signUserSig({
    sdkappid: cmd.sdkappid,
    secretKey: cmd.secretKey,
    identifier: cmd.identifier,
    lifetimeSeconds: cmd.expire,
  });
}

/** `timock usersig inspect`: the lines to print (or one JSON object) and the exit code (0 valid, 1 not). */
export function runInspect(cmd: UserSigInspectCommand, paint: Paint): { lines: string[]; exitCode: number } {
  const nowSeconds = Math.floor(Date.now() / 1000);
  const report = inspectReport(cmd, nowSeconds);
  const lines = cmd.json ? [JSON.stringify(report, null, 2)] : reportLines(report, cmd, nowSeconds, paint);
  return { lines, exitCode: report.valid ? 0 : 1 };
}

const DEMO = `--sdkappid ${DEMO_APP.sdkappid} --secret-key ${DEMO_APP.secretKey}`;

/** What `timock usersig --help` shows. */
export const USERSIG_HELP: HelpSpec = {
  summary:
    'timock usersig: print a UserSig, signed with tls-sig-api-v2 (the output is only the UserSig); or inspect one',
  usage: [
    'timock usersig --sdkappid N --secret-key K --identifier ID [--expire SECONDS]',
    'timock usersig inspect USERSIG [--secret-key K] [--sdkappid N] [--identifier ID] [--json]',
  ],
  flags: USERSIG_FLAGS,
  examples: [
    ['a UserSig for the public demo app, valid 24 h', `timock usersig ${DEMO} --identifier administrator`],
    [
      'your app, the key from the environment, valid 10 minutes',
      'TIMOCK_SECRET_KEY="$TIM_SECRET_KEY" timock usersig --sdkappid 1400123456 --identifier administrator --expire 600',
    ],
    ['into a shell variable, for curl', `SIG="$(timock usersig ${DEMO} --identifier administrator)"`],
    [
      'why is this UserSig refused? (raw or percent-encoded, as copied from a URL)',
      'TIMOCK_SECRET_KEY="$TIM_SECRET_KEY" timock usersig inspect "$SIG" --sdkappid 1400123456 --identifier administrator',
    ],
  ],
  notes: [
    'inspect decodes the UserSig and prints its version, SDKAppID, identifier, issue and expiry times and',
    'userbuf; with a key it verifies the HMAC, with --sdkappid/--identifier it says whether they match.',
    'It never prints the key. Exit codes of inspect: 0 valid, 1 invalid (with the reason), 2 bad usage.',
    EXIT_CODES,
  ],
};
