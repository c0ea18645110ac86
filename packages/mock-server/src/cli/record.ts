import { writeFileSync } from 'node:fs';
import { createClient, isTimTransportError } from '@timock/client';
import { type Fixture, FixtureSchema, SuccessEnvelopeSchema } from '@timock/schema';
import type { RecordCommand } from './args.js';

/** A command that ran but failed (e.g. the upstream refused): one line on stderr, exit code 1. */
export class CliFailure extends Error {
  override readonly name = 'CliFailure';
  /** Always `TIMOCK_CLI_FAILURE`. */
  readonly code = 'TIMOCK_CLI_FAILURE';
}

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
