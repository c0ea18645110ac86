import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { REGION_IDS } from '@timock/schema';
import { startMockTarget } from './mock-target.js';
import { formatReport, REPORTERS, type ReporterName } from './reporters.js';
import { runContract } from './run.js';
import { type TargetInput, TargetSchema } from './target.js';

const HELP = `timock-contract: run the getappinfo contract suite against the timock fake or a real endpoint

Usage:
  timock-contract                                   run against the fake, started in-process
  timock-contract --base-url URL --sdkappid N --secret-key K [--identifier ID]
  timock-contract --region singapore --sdkappid N --usersig SIG

Options:
  --target mock|real     mock (default without --base-url/--region) starts the fake in-process
  --base-url URL         the origin to test (e.g. http://127.0.0.1:8080)
  --region R             a real region: ${REGION_IDS.join(', ')}
  --sdkappid N           the app (env TIM_SDKAPPID)
  --secret-key K         the app's key: the suite signs its own UserSigs (env TIM_SECRET_KEY)
  --usersig SIG          a ready UserSig instead of a key (env TIM_USERSIG)
  --identifier ID        the admin account (default administrator; env TIM_IDENTIFIER)
  --mock                 treat --base-url as a timock fake: every check strict
  --aggressive           also run the rate-limit burst (never by default against a real endpoint)
  --only PREFIX          only checks whose id starts with PREFIX (repeatable), e.g. --only auth.
  --reporter R           pretty (default), json or junit
  --output FILE          write the report to FILE instead of standard output
  --ca FILE              trust this PEM CA certificate (an HTTPS fake with its own certificate)
  --help, --version

Exit code: 0 when every strict check passes, 1 when one fails, 2 on bad usage.
Against a real endpoint, checks of behaviour the vendor does not document are observations.
`;

class UsageError extends Error {
  override name = 'UsageError';
}

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      target: { type: 'string' },
      'base-url': { type: 'string' },
      region: { type: 'string' },
      sdkappid: { type: 'string' },
      'secret-key': { type: 'string' },
      usersig: { type: 'string' },
      identifier: { type: 'string' },
      mock: { type: 'boolean' },
      aggressive: { type: 'boolean' },
      only: { type: 'string', multiple: true },
      reporter: { type: 'string', default: 'pretty' },
      output: { type: 'string' },
      ca: { type: 'string' },
      help: { type: 'boolean' },
      version: { type: 'boolean' },
    },
  });
  return values;
}

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let values: ReturnType<typeof parse>;
  try {
    values = parse(argv);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (values.version) {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  const reporter = values.reporter as ReporterName;
  if (!REPORTERS.includes(reporter))
    throw new UsageError(`--reporter must be one of ${REPORTERS.join(', ')}`);
  const baseUrl = values['base-url'] ?? env.TIM_BASE_URL;
  const region = values.region ?? env.TIM_REGION;
  const kind = values.target ?? (baseUrl || region ? 'real' : 'mock');
  if (kind !== 'mock' && kind !== 'real') throw new UsageError('--target must be mock or real');

  let target: TargetInput;
  let stop = async () => {};
  if (kind === 'mock' && !baseUrl) {
    const mock = await startMockTarget();
    target = mock.target;
    stop = mock.close;
  } else {
    const sdkappid = values.sdkappid ?? env.TIM_SDKAPPID;
    if (!sdkappid || !/^\d+$/.test(sdkappid))
      throw new UsageError('--sdkappid (or TIM_SDKAPPID) must be a positive integer');
    let ca: string | undefined;
    if (values.ca) {
      try {
        ca = readFileSync(values.ca, 'utf8');
      } catch {
        throw new UsageError(`--ca ${values.ca}: cannot read the file`);
      }
    }
    const input = {
      kind: values.mock || kind === 'mock' ? 'mock' : 'real',
      baseUrl,
      region,
      sdkappid: Number(sdkappid),
      identifier: values.identifier ?? env.TIM_IDENTIFIER,
      secretKey: values['secret-key'] ?? env.TIM_SECRET_KEY,
      userSig: values.usersig ?? env.TIM_USERSIG,
      ca,
    };
    const parsed = TargetSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new UsageError(`${issue.path.join('.') || 'target'}: ${issue.message}`);
    }
    target = input as TargetInput;
  }
  const progress = process.stderr.isTTY && !values.output ? process.stderr : undefined;
  try {
    let n = 0;
    const report = await runContract(target, {
      aggressive: values.aggressive,
      only: values.only,
      onResult: (r) => progress?.write(`\r\u001b[2K${++n} checks run (${r.id})`),
    });
    progress?.write('\r\u001b[2K');
    const color = !values.output && process.stdout.isTTY && !env.NO_COLOR;
    const text = formatReport(report, reporter, color);
    if (values.output) writeFileSync(values.output, text);
    else process.stdout.write(text);
    return report.ok ? 0 : 1;
  } finally {
    await stop();
  }
}

main(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`timock-contract: ${err.message} (see --help)\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`timock-contract: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
