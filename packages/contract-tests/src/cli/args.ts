import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type FidelityInput, fidelityFromSettings, REGION_IDS, SDKAPPID_PATTERN } from '@timock/schema';
import { formatHelp, type HelpFlag, joinNegativeValues, type Paint } from '@timock/terminal';
import { REPORTERS, type ReporterName } from '../reporters.js';
import { CHECKS } from '../run.js';
import { type TargetInput, TargetSchema } from '../target.js';

/** A bad flag, value or combination: the CLI prints its message on one line and exits 2. */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
  /** Always `TIMOCK_CONTRACT_USAGE`. */
  readonly code = 'TIMOCK_CONTRACT_USAGE';
}

/** True for a {@link CliUsageError}, from either build (recognised by its `code`, not `instanceof`). */
export function isCliUsageError(error: unknown): error is CliUsageError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === 'TIMOCK_CONTRACT_USAGE'
  );
}

/** One flag of `timock-contract`: its parseArgs type, the value it takes, its environment variable and meaning. */
export type CliFlag = HelpFlag;

/**
 * Every flag of `timock-contract`, in help order. The parser, the help text, the README's table and
 * the test of the CI example all derive from this table.
 */
export const CLI_FLAGS = {
  target: {
    type: 'string',
    value: 'mock|real',
    help: 'mock: every check strict (default without --base-url/--region: the fake started in-process); real: project-defined checks are observations',
  },
  'base-url': {
    type: 'string',
    value: 'URL',
    env: 'TIM_BASE_URL',
    help: 'the origin to test, e.g. http://127.0.0.1:8080',
  },
  region: { type: 'string', value: 'R', env: 'TIM_REGION', help: `a real region: ${REGION_IDS.join(', ')}` },
  sdkappid: { type: 'string', value: 'N', env: 'TIM_SDKAPPID', help: 'the app' },
  'secret-key': {
    type: 'string',
    value: 'K',
    env: 'TIM_SECRET_KEY',
    help: "the app's key: the suite signs its own UserSigs (prefer the variable)",
  },
  usersig: {
    type: 'string',
    value: 'SIG',
    env: 'TIM_USERSIG',
    help: 'a ready UserSig instead of the key (the checks that need the key are skipped)',
  },
  identifier: {
    type: 'string',
    value: 'ID',
    env: 'TIM_IDENTIFIER',
    help: 'the admin account (default administrator)',
  },
  aggressive: {
    type: 'boolean',
    help: 'also run the rate-limit burst (never by default against a real endpoint)',
  },
  only: {
    type: 'string',
    multiple: true,
    value: 'PREFIX',
    help: 'only checks whose id starts with PREFIX (repeatable), e.g. --only auth.',
  },
  reporter: { type: 'string', value: 'R', help: `${REPORTERS.join(', ')} (default pretty)` },
  output: { type: 'string', value: 'FILE', help: 'write the report to FILE instead of standard output' },
  ca: {
    type: 'string',
    value: 'FILE',
    help: 'trust this PEM CA certificate (an HTTPS fake with its own certificate)',
  },
  strict: {
    type: 'boolean',
    help: 'the fake runs the strict fidelity profile (timock --strict); in-process, start it so',
  },
  fidelity: {
    type: 'string',
    multiple: true,
    value: 'NAME=VALUE',
    help: 'one fidelity setting of the fake, as timock --fidelity takes it (repeatable); in-process, start it so',
  },
  help: { type: 'boolean', short: 'h', help: 'print this help' },
  version: { type: 'boolean', short: 'v', help: 'print the version' },
} as const satisfies Record<string, CliFlag>;

/** A flag name of `timock-contract` (without the leading `--`). */
export type CliFlagName = keyof typeof CLI_FLAGS;

/** The `--help` text, generated from {@link CLI_FLAGS}; headings bold when `paint` colours. */
export function helpText(paint?: Paint): string {
  return formatHelp(
    {
      summary:
        'timock-contract: run the getappinfo contract suite against the timock fake or a real endpoint',
      usage: [
        'timock-contract                                  against the fake, started in-process',
        'timock-contract --target mock --base-url URL --sdkappid N --secret-key K',
        '                                                 against a fake started separately (timock)',
        'timock-contract --region singapore --sdkappid N  against a real endpoint (key from TIM_SECRET_KEY)',
      ],
      flags: CLI_FLAGS,
      examples: [
        ['every check against the fake, started in-process', 'timock-contract'],
        [
          'a fake started with timock, the rate-limit burst too, a JUnit report for CI',
          'timock-contract --target mock --base-url http://127.0.0.1:8080 --sdkappid 1400000000 --secret-key "$KEY" --aggressive --reporter junit --output contract.xml',
        ],
        [
          'the real endpoint in Singapore, only the shape and auth checks, JSON to a pipe',
          'TIM_SECRET_KEY="$KEY" timock-contract --region singapore --sdkappid 1400123456 --only shape. --only auth. --reporter json | jq .counts',
        ],
      ],
      notes: [
        'Progress goes to standard error (one updating line on a terminal; with --aggressive, one line per check elsewhere).',
        'Exit code: 0 when every strict check passes, 1 when one fails, 2 on bad usage.',
        'Against a real endpoint, checks of behaviour the vendor does not document are observations.',
      ],
    },
    paint,
  );
}

/** What the command line asks for. */
export type CliCommand =
  | { kind: 'help' }
  | { kind: 'version' }
  | {
      kind: 'run';
      /** The target, or `in-process` to start the fake. */
      target: TargetInput | 'in-process';
      reporter: ReporterName;
      output?: string;
      aggressive: boolean;
      only?: string[];
      /** How the fake is set (`--strict`, `--fidelity`): what the fidelity checks expect of a fake. */
      fidelity: FidelityInput;
    };

/** Flags that only make sense with an external target. */
const TARGET_FLAGS = ['sdkappid', 'secret-key', 'usersig', 'identifier', 'ca'] as const;

/**
 * Turns the command line (without `node` and the script) and the environment into a {@link CliCommand}.
 * Flags win over environment variables; an empty variable counts as unset.
 *
 * @throws {@link CliUsageError} with a one-line message for any bad flag, value or combination.
 */
export function parseCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CliCommand {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: joinNegativeValues(argv, CLI_FLAGS),
      options: CLI_FLAGS,
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    // parseArgs explains how to pass a positional that starts with '-': keep the first sentence.
    throw new CliUsageError((err as Error).message.split('. ')[0]!.replace(/\.$/, ''));
  }
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const get = (name: CliFlagName): string | undefined => {
    const flag = values[name] as string | undefined;
    const fromEnv = 'env' in CLI_FLAGS[name] ? env[(CLI_FLAGS[name] as CliFlag).env!] : undefined;
    return flag ?? (fromEnv || undefined);
  };

  const reporter = (values.reporter as string | undefined) ?? 'pretty';
  if (!(REPORTERS as readonly string[]).includes(reporter))
    throw new CliUsageError(`--reporter must be one of ${REPORTERS.join(', ')}, not "${reporter}"`);
  const only = values.only as string[] | undefined;
  for (const prefix of only ?? []) {
    if (!CHECKS.some((c) => c.id.startsWith(prefix)))
      throw new CliUsageError(`--only ${prefix} matches no check (ids look like shape.order, auth.expired)`);
  }
  const settings = ((values.fidelity as string[] | undefined) ?? []).map((text) => ({
    source: '--fidelity',
    text,
  }));
  const read = fidelityFromSettings({}, settings, values.strict === true);
  if ('problem' in read) throw new CliUsageError(read.problem);
  const fidelity: FidelityInput = read.fidelity;
  const common = {
    reporter: reporter as ReporterName,
    output: values.output as string | undefined,
    aggressive: values.aggressive === true,
    only,
    fidelity,
  };

  const baseUrl = get('base-url');
  const region = get('region');
  const kind = (values.target as string | undefined) ?? (baseUrl || region ? 'real' : 'mock');
  if (kind !== 'mock' && kind !== 'real')
    throw new CliUsageError(`--target must be mock or real, not "${kind}"`);
  if (baseUrl && region) throw new CliUsageError('give --base-url or --region, not both');
  if (kind === 'mock' && region)
    throw new CliUsageError('--target mock needs --base-url (a region is a real endpoint)');
  if (kind === 'mock' && !baseUrl) {
    // Credentials of a real app and no endpoint: never a green run against a fake nobody asked for.
    if (values.target === undefined && env.TIM_SDKAPPID && (env.TIM_SECRET_KEY || env.TIM_USERSIG)) {
      throw new CliUsageError(
        `TIM_SDKAPPID and ${env.TIM_SECRET_KEY ? 'TIM_SECRET_KEY' : 'TIM_USERSIG'} are set but no endpoint: add --region R (or TIM_REGION) or --base-url URL (or TIM_BASE_URL); --target mock runs the in-process fake`,
      );
    }
    const stray = TARGET_FLAGS.find((f) => values[f] !== undefined);
    if (stray)
      throw new CliUsageError(
        `--${stray} needs --base-url or --region (without them the fake runs in-process)`,
      );
    return { kind: 'run', target: 'in-process', ...common };
  }

  if (baseUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(baseUrl);
    } catch {}
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
      throw new CliUsageError(`--base-url must be an http:// or https:// URL, not "${baseUrl}"`);
  }
  if (region !== undefined && !(REGION_IDS as readonly string[]).includes(region))
    throw new CliUsageError(`--region must be one of ${REGION_IDS.join(', ')}, not "${region}"`);
  const sdkappid = get('sdkappid');
  if (sdkappid === undefined) throw new CliUsageError('--sdkappid (or TIM_SDKAPPID) is required');
  if (!SDKAPPID_PATTERN.test(sdkappid))
    throw new CliUsageError(`--sdkappid must be a positive integer, not "${sdkappid}"`);
  const secretKey = get('secret-key');
  const userSig = get('usersig');
  if (!secretKey && !userSig)
    throw new CliUsageError('--secret-key or --usersig (or TIM_SECRET_KEY / TIM_USERSIG) is required');
  let ca: string | undefined;
  const caFile = values.ca as string | undefined;
  if (caFile !== undefined) {
    try {
      ca = readFileSync(caFile, 'utf8');
    } catch (err) {
      throw new CliUsageError(
        `--ca ${caFile}: cannot read the file (${(err as NodeJS.ErrnoException).code})`,
      );
    }
    if (!ca.includes('-----BEGIN CERTIFICATE-----'))
      throw new CliUsageError(`--ca ${caFile}: not a PEM certificate`);
  }
  const target: TargetInput = {
    kind,
    baseUrl,
    region,
    sdkappid: Number(sdkappid),
    identifier: get('identifier'),
    secretKey,
    userSig,
    ca,
    fidelity,
  };
  const parsed = TargetSchema.safeParse(target);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CliUsageError(`${issue.path.join('.') || 'target'}: ${issue.message}`);
  }
  return { kind: 'run', target, ...common };
}
