/** `timock record`: pull one app's data once and write a fixture. */
import { accessSync, constants, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createClient, isTimTransportError } from '@timock/client';
import {
  type Fixture,
  FixtureSchema,
  REGION_IDS,
  type RegionId,
  SuccessEnvelopeSchema,
} from '@timock/schema';
import type { HelpSpec } from '@timock/terminal';
import { DEMO_APP } from '../options.js';
import {
  type CliEnv,
  CliFailure,
  CliUsageError,
  HELP_FLAG,
  parseFlags,
  readFlag,
  SECRET_KEY_FLAG,
  sdkappidFlag,
  upstreamFlag,
} from './flags.js';

/** Every flag of `timock record`, in help order. */
export const RECORD_FLAGS = {
  upstream: { type: 'string', value: 'URL', help: 'record from this origin, e.g. a fake or a proxy' },
  region: { type: 'string', value: 'R', help: `record from the vendor's region: ${REGION_IDS.join(', ')}` },
  sdkappid: { type: 'string', value: 'N', help: 'the app to record' },
  'secret-key': SECRET_KEY_FLAG,
  identifier: { type: 'string', value: 'ID', help: 'the admin account that signs (default administrator)' },
  out: {
    type: 'string',
    value: 'FILE',
    help: 'where to write the fixture (JSON; it holds no key or UserSig)',
  },
  help: HELP_FLAG,
} as const;

/** `timock record`: pull one app's data once and write a fixture. */
export interface RecordCommand {
  kind: 'record';
  /** The upstream: a base URL, or a region of the vendor. */
  upstream: { baseUrl: string } | { region: RegionId };
  sdkappid: number;
  secretKey: string;
  identifier: string;
  /** Where to write the fixture. */
  out: string;
}

/**
 * Checks, before anyone is called, that `timock record` can write `--out FILE`: its directory exists and
 * is writable, and the file, if it exists, is a writable file.
 *
 * @throws {@link CliUsageError} naming the file and the reason
 */
function checkWritable(path: string): void {
  const where = dirname(resolve(path));
  const stat = (p: string) => {
    try {
      return statSync(p);
    } catch {
      return undefined;
    }
  };
  const problem = (() => {
    const file = stat(path);
    if (file?.isDirectory()) return 'it is a directory';
    const dir = stat(where);
    if (dir === undefined) return `directory ${where} does not exist`;
    if (!dir.isDirectory()) return `${where} is not a directory`;
    try {
      accessSync(file === undefined ? where : path, constants.W_OK);
    } catch {
      return file === undefined ? `directory ${where} is not writable` : 'it is not writable';
    }
    return undefined;
  })();
  if (problem !== undefined) throw new CliUsageError(`cannot write --out ${path}: ${problem}`);
}

/** Parses `timock record ...`; the key may come from `TIMOCK_SECRET_KEY`. */
export function parseRecord(
  args: readonly string[],
  env: CliEnv,
): RecordCommand | { kind: 'help'; command: 'record' } {
  const { values } = parseFlags(args, RECORD_FLAGS);
  if (values.help) return { kind: 'help', command: 'record' };
  const secretKey = readFlag('secret-key', SECRET_KEY_FLAG, values, env)?.text;
  const upstream = upstreamFlag('record', values);
  if (values.sdkappid === undefined) throw new CliUsageError('record needs --sdkappid');
  if (secretKey === undefined || secretKey === '') throw new CliUsageError('record needs --secret-key');
  if (values.out === undefined || values.out === '') throw new CliUsageError('record needs --out FILE');
  checkWritable(values.out);
  if (values.identifier === '') throw new CliUsageError('--identifier must not be empty');
  return {
    kind: 'record',
    upstream,
    sdkappid: sdkappidFlag(values.sdkappid),
    secretKey,
    identifier: values.identifier ?? 'administrator',
    out: values.out,
  };
}

const DEMO = `--sdkappid ${DEMO_APP.sdkappid} --secret-key ${DEMO_APP.secretKey}`;

/** What `timock record --help` shows. */
export const RECORD_HELP: HelpSpec = {
  summary: "timock record: pull an app's last 30 days once (through @timock/client) into a fixture file",
  usage: [
    'timock record (--upstream URL | --region R) --sdkappid N --secret-key K [--identifier ID] --out FILE',
  ],
  flags: RECORD_FLAGS,
  examples: [
    [
      'record the demo app from a fake running on this machine',
      `timock record --upstream http://127.0.0.1:8080 ${DEMO} --out demo.json`,
    ],
    [
      'record your real app in Singapore, the key from the environment',
      'TIMOCK_SECRET_KEY="$TIM_SECRET_KEY" timock record --region singapore --sdkappid 1400123456 --out app.json',
    ],
    [
      'another admin account, through a recording proxy on this machine',
      'TIMOCK_SECRET_KEY="$KEY" timock record --upstream http://127.0.0.1:9000 --sdkappid 1400123456 --identifier ops --out app.json',
    ],
  ],
  notes: [
    'Serve a recording with timock --fixtures FILE.',
    'Progress goes to standard error; the last line, to standard output, names the file.',
    'Exit codes: 0 recorded, 2 bad usage or an --out FILE that cannot be written (checked before any call), 1 the upstream refused or could not be reached.',
  ],
};

/**
 * `timock record`: pulls every field of the app's last 30 days once through `@timock/client` and writes
 * a fixture (the days as the upstream sent them, in its key order, its app name and company, where and
 * when it was recorded). The fixture never holds the key or a UserSig.
 *
 * @param progress - told each step as it starts (`requesting ...`, `checking ...`, `writing ...`)
 * @returns the line to print
 * @throws {@link CliFailure} when the upstream cannot be reached or does not answer a success
 */
export async function record(
  cmd: RecordCommand,
  progress: (step: string) => void = () => {},
): Promise<string> {
  const client = createClient({
    sdkappid: cmd.sdkappid,
    secretKey: cmd.secretKey,
    identifier: cmd.identifier,
    ...cmd.upstream,
  });
  const source = 'baseUrl' in cmd.upstream ? cmd.upstream.baseUrl : cmd.upstream.region;
  let answer: Awaited<ReturnType<typeof client.raw>>;
  progress(`requesting every field of app ${cmd.sdkappid}'s last 30 days from ${source} ...`);
  try {
    answer = await client.raw({});
  } catch (error) {
    const detail = isTimTransportError(error) ? error.message : String(error);
    throw new CliFailure(`cannot record from ${source}: ${detail}`, { cause: error });
  } finally {
    await client.close();
  }
  const envelope = answer.envelope as
    | { ErrorCode?: unknown; ErrorInfo?: unknown; Result?: unknown }
    | undefined;
  if (answer.status !== 200) throw new CliFailure(`cannot record from ${source}: HTTP ${answer.status}`);
  if (envelope?.ErrorCode !== 0) {
    const info = typeof envelope?.ErrorInfo === 'string' ? ` (${envelope.ErrorInfo})` : '';
    throw new CliFailure(
      `cannot record from ${source}: it answered ErrorCode ${String(envelope?.ErrorCode)}${info}`,
    );
  }
  progress(`checking the answer (${answer.text.length} bytes) against the getappinfo schema ...`);
  const checked = SuccessEnvelopeSchema.safeParse(envelope);
  if (!checked.success)
    throw new CliFailure(`cannot record from ${source}: the answer is not a getappinfo success`);
  // The parsed JSON, not the schema's output: it keeps the upstream's key order and unknown fields.
  const days = envelope.Result as Fixture['days'];
  const first = days[0] as { AppName?: unknown; Company?: unknown } | undefined;
  const fixture: Fixture = FixtureSchema.parse({
    timockFixture: 1,
    sdkappid: cmd.sdkappid,
    admins: [cmd.identifier],
    ...(typeof first?.AppName === 'string' ? { appName: first.AppName } : {}),
    ...(typeof first?.Company === 'string' ? { company: first.Company } : {}),
    recordedAt: new Date().toISOString(),
    source,
    days,
  });
  progress(`writing ${days.length} days to ${cmd.out} ...`);
  writeFileSync(cmd.out, `${JSON.stringify({ ...fixture, days }, null, 2)}\n`);
  return `recorded ${days.length} days of app ${cmd.sdkappid} from ${source} to ${cmd.out}`;
}
