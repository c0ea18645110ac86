import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signUserSig } from '@timock/client';
import {
  ADMIN_PREFIX,
  buildOpenApiDocument,
  FIDELITY_NAMES,
  FIDELITY_PROFILES,
  type FidelityInput,
  GETAPPINFO_PATH,
  resolveFidelity,
} from '@timock/schema';
import { colorEnabled, type Paint, painter } from '@timock/terminal';
import pkg from '../../package.json' with { type: 'json' };
import { DEMO_APP, type ServerOptions, ServerOptionsSchema } from '../options.js';
import { readableLines, stdoutLines } from '../plugins/logging.js';
import type { StartedProxy } from '../proxy/proxy.js';
import { type StartedServer, startServer } from '../server.js';
import { redactRedisUrl } from '../state/redis/connection.js';
import {
  adminLoopbackOnly,
  CliUsageError,
  type Command,
  configPermissionWarning,
  helpText,
  listenUsageError,
  parseCommand,
  type ServeCommand,
} from './args.js';
import { inspectReport, reportLines } from './inspect.js';
import { runProxy } from './proxy.js';
import { CliFailure, record } from './record.js';

/** Where the CLI writes: one call per line. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
  /** True when `out` is a terminal: human output is coloured (see {@link colorEnabled}). */
  readonly outIsTty?: boolean;
  /** True when `err` is a terminal: error lines are coloured. */
  readonly errIsTty?: boolean;
}

/** How each stream of a {@link CliOutput} is coloured. */
export interface CliPaints {
  out: Paint;
  err: Paint;
}

const PLAIN: CliPaints = { out: painter(false), err: painter(false) };

/**
 * What a CLI run ends with: an exit code now, or a running server or proxy (the caller handles signals)
 * and its drain deadline in ms (how long a close lets requests in flight finish).
 */
export type CliResult =
  | { exitCode: number }
  | { server: StartedServer; drainTimeout: number }
  | { proxy: StartedProxy; drainTimeout: number };

/** The package version (package.json is inlined into the bundle at build time). */
export function packageVersion(): string {
  return pkg.version;
}

async function selfSignedCertificate(): Promise<{ key: string; cert: string }> {
  const { generate } = await import('selfsigned');
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/**
 * Writes a generated certificate (PEM; never its key) to `cert.pem` in a new private temporary
 * directory, so that clients can trust it (`timock-contract --ca FILE`, `curl --cacert FILE`).
 *
 * @returns the file's path
 */
export function writeCertificateFile(cert: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'timock-https-')), 'cert.pem');
  writeFileSync(file, cert);
  return file;
}

/**
 * The banner's fidelity line, e.g. `fidelity: strict profile; arrayBody=all-fields`: the profile and each
 * setting that differs from it; `undefined` when every setting is the `evidence` profile's (the default).
 */
export function fidelityLine(input: FidelityInput): string | undefined {
  const resolved = resolveFidelity(input);
  const differs = (base: Readonly<Record<string, unknown>>) =>
    FIDELITY_NAMES.filter((n) => resolved[n] !== base[n]);
  if (differs(FIDELITY_PROFILES.evidence).length === 0) return undefined;
  const profile = input.profile ?? 'evidence';
  const settings = differs(FIDELITY_PROFILES[profile]).map((n) => `${n}=${resolved[n]}`);
  return `fidelity: ${[`${profile} profile`, ...settings].join('; ')}`;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The start-up text: URL, apps (keys hidden except the public demo key) and a ready-to-paste curl,
 * coloured by `paint` (plain by default). The curl carries a UserSig only when it is signed with the
 * public demo key; for an app with its own key it shows how to sign one (a UserSig is a credential:
 * it is never printed for a private key). With `certFile` (a generated certificate), a line names it and
 * the curl trusts it.
 */
export function banner(
  cmd: ServeCommand,
  url: string,
  apps: ServerOptions['apps'],
  nowMs: number,
  paint: Paint = PLAIN.out,
  certFile?: string,
): string[] {
  const lines = [`timock ${packageVersion()} serving getappinfo at ${paint('cyan', paint('bold', url))}`];
  if (certFile !== undefined) {
    lines.push(
      `self-signed certificate written to ${paint('cyan', certFile)} (trust it: timock-contract --ca FILE, curl --cacert FILE)`,
    );
  }
  if (cmd.now !== undefined) lines.push(`clock frozen at ${new Date(cmd.now).toISOString()}`);
  const fidelity = fidelityLine(cmd.fidelity);
  if (fidelity !== undefined) lines.push(fidelity);
  const redis = cmd.redis ?? cmd.config?.redis;
  if (redis !== undefined) {
    const { url, keyPrefix = 'timock' } = typeof redis === 'string' ? { url: redis } : redis;
    lines.push(`state shared in redis at ${redactRedisUrl(url)} (key prefix "${keyPrefix}")`);
  }
  const list = apps ?? [DEMO_APP];
  lines.push(paint('bold', `apps (${list.length}):`));
  for (const app of list) {
    const isDemo = app.sdkappid === DEMO_APP.sdkappid && app.secretKey === DEMO_APP.secretKey;
    const name = [app.appName, app.company && `(${app.company})`].filter(Boolean).join(' ');
    lines.push(
      `  ${app.sdkappid}${name ? ` ${name}` : ''}; admins: ${app.admins.join(', ')}; ` +
        `limit ${app.rateLimitPerSecond ?? 200}/s` +
        (isDemo ? `; secret key (public demo key): ${paint('yellow', app.secretKey)}` : ''),
    );
  }
  for (const { path, fixture } of cmd.fixtures) {
    const known = list.some((a) => a.sdkappid === fixture.sdkappid);
    lines.push(
      `  ${fixture.sdkappid} serves ${fixture.days.length} recorded days from ${path} (recorded ${fixture.recordedAt})` +
        (known ? '' : `; admins: ${fixture.admins.join(', ')}; signed with the public demo key`),
    );
  }
  if (!cmd.admin) lines.push('admin API: off (--no-admin)');
  else {
    const who = cmd.adminToken
      ? 'token required'
      : adminLoopbackOnly(cmd)
        ? 'loopback callers only: set --admin-token to steer it from elsewhere'
        : 'loopback callers only';
    lines.push(`admin API: ${paint('cyan', `${url}${ADMIN_PREFIX}`)} (${who})`);
  }
  const target = list.find((a) => a.secretKey === DEMO_APP.secretKey) ?? list[0];
  if (target) {
    const identifier = target.admins[0]!;
    const demoKey = target.secretKey === DEMO_APP.secretKey;
    const query = new URLSearchParams({
      sdkappid: String(target.sdkappid),
      identifier,
      usersig: demoKey
        ? signUserSig({
            sdkappid: target.sdkappid,
            secretKey: target.secretKey,
            identifier,
            nowMs,
          })
        : 'USERSIG',
      random: String(Math.floor(Math.random() * 2 ** 32)),
      contenttype: 'json',
    });
    const curl = (address: string) =>
      `  ${paint(
        'green',
        `curl -sS${certFile !== undefined ? ` --cacert ${shellQuote(certFile)}` : cmd.https ? ' -k' : ''} -X POST ${address} -H 'Content-Type: application/json' -d '{}'`,
      )}`;
    const address = `${url}/${GETAPPINFO_PATH}?${query}`;
    if (demoKey) {
      lines.push(paint('bold', 'try it (UserSig valid for 24 h):'), curl(shellQuote(address)));
    } else {
      lines.push(
        paint('bold', 'try it (sign a UserSig with the app key; no UserSig of a private key is printed):'),
        `  USERSIG=$(TIMOCK_SECRET_KEY=... timock usersig --sdkappid ${target.sdkappid} --identifier ${shellQuote(identifier)})`,
        curl(`"${address.replace('usersig=USERSIG', 'usersig=$USERSIG')}"`),
      );
    }
  }
  return lines;
}

/** Invalid server options (from the config file) as one usage line; any other error as it is. */
function invalidOptions(error: unknown, configPath: string | undefined): unknown {
  if ((error as { code?: unknown }).code !== 'TIMOCK_INVALID_OPTIONS') return error;
  const where = configPath ? `config file ${configPath}: ` : '';
  return new CliUsageError(`${where}${(error as { issues: string[] }).issues.join('; ')}`);
}

async function serve(cmd: ServeCommand, output: CliOutput, paints: CliPaints): Promise<CliResult> {
  const apps = cmd.config?.apps;
  // Request lines a person reads on a terminal, JSON lines (batched) elsewhere or when asked.
  const format = cmd.logFormat ?? (output.outIsTty ? 'pretty' : 'json');
  const sink =
    cmd.logLevel === 'silent'
      ? undefined
      : format === 'pretty'
        ? readableLines(paints.out, (text) => output.out(text.trimEnd()))
        : stdoutLines();
  const options: ServerOptions = {
    ...cmd.config,
    ...(cmd.seed !== undefined ? { seed: cmd.seed } : {}),
    ...(cmd.now !== undefined ? { now: () => cmd.now! } : {}),
    ...cmd.timeouts,
    logger: sink === undefined ? false : { level: cmd.logLevel, stream: sink.stream },
    ...(cmd.redis !== undefined ? { redis: cmd.redis } : {}),
    admin: cmd.admin,
    ...(cmd.adminToken !== undefined ? { adminToken: cmd.adminToken } : {}),
    ...(cmd.journalSize !== undefined ? { journalSize: cmd.journalSize } : {}),
    ...(cmd.cacheBudget !== undefined ? { cacheBudget: cmd.cacheBudget } : {}),
    fixtures: cmd.fixtures.map((f) => f.fixture),
    fidelity: cmd.fidelity,
  };
  if (cmd.configPath !== undefined && cmd.config !== undefined) {
    const warning = configPermissionWarning(cmd.configPath, cmd.config);
    if (warning) output.err(paints.err('yellow', `timock: ${warning}`));
  }
  let certFile: string | undefined;
  if (cmd.https === 'self-signed') {
    options.https = await selfSignedCertificate();
    certFile = writeCertificateFile(options.https.cert as string);
  } else if (cmd.https) options.https = cmd.https;
  let server: StartedServer;
  try {
    server = await startServer({ ...options, host: cmd.host, port: cmd.port });
  } catch (error) {
    throw listenUsageError(error, cmd.host, cmd.port) ?? invalidOptions(error, cmd.configPath);
  }
  try {
    // The lines logged while starting go out first: the banner is never cut by a log line.
    sink?.flush();
    for (const line of banner(cmd, server.url, apps, cmd.now ?? Date.now(), paints.out, certFile))
      output.out(line);
  } catch (error) {
    await server.close();
    throw error;
  }
  const drainTimeout = ServerOptionsSchema.shape.drainTimeout.parse(options.drainTimeout);
  return { server, drainTimeout };
}

/**
 * Runs one command; human output is coloured by `paints` (plain by default), machine output (`usersig`,
 * `openapi`) never. Usage and configuration problems surface as {@link CliUsageError}.
 */
export async function runCommand(cmd: Command, output: CliOutput, paints = PLAIN): Promise<CliResult> {
  switch (cmd.kind) {
    case 'help':
      output.out(helpText(cmd.command, paints.out).trimEnd());
      return { exitCode: 0 };
    case 'version':
      output.out(packageVersion());
      return { exitCode: 0 };
    case 'openapi':
      output.out(JSON.stringify(buildOpenApiDocument(), null, 2));
      return { exitCode: 0 };
    case 'usersig':
      output.out(
        signUserSig({
          sdkappid: cmd.sdkappid,
          secretKey: cmd.secretKey,
          identifier: cmd.identifier,
          lifetimeSeconds: cmd.expire,
        }),
      );
      return { exitCode: 0 };
    case 'usersig-inspect': {
      const nowSeconds = Math.floor(Date.now() / 1000);
      const report = inspectReport(cmd, nowSeconds);
      if (cmd.json) output.out(JSON.stringify(report, null, 2));
      else for (const line of reportLines(report, cmd, nowSeconds, paints.out)) output.out(line);
      return { exitCode: report.valid ? 0 : 1 };
    }
    case 'serve':
      return serve(cmd, output, paints);
    case 'proxy':
      return runProxy(cmd, output, paints.out);
    case 'record':
      output.out(
        paints.out('green', await record(cmd, (line) => output.err(paints.err('dim', `timock: ${line}`)))),
      );
      return { exitCode: 0 };
  }
}

/**
 * The whole CLI except the process glue: parses, runs, and turns every failure into one stderr line
 * (exit 2 for usage and configuration problems, 1 for a failed recording or anything unexpected), never
 * a stack trace. Colour follows each stream's TTY flag and `NO_COLOR`/`FORCE_COLOR` in `env`.
 */
export async function main(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  output: CliOutput,
): Promise<CliResult> {
  const paints: CliPaints = {
    out: painter(colorEnabled(output.outIsTty, env)),
    err: painter(colorEnabled(output.errIsTty, env)),
  };
  const fail = (text: string, exitCode: number) => {
    output.err(paints.err('red', `timock: ${text}`));
    return { exitCode };
  };
  try {
    return await runCommand(parseCommand(argv, env), output, paints);
  } catch (error) {
    if (error instanceof CliUsageError) return fail(error.message.replace(/\s*\n\s*/g, ' '), 2);
    if (error instanceof CliFailure) return fail(error.message.replace(/\s*\n\s*/g, ' '), 1);
    const message = error instanceof Error ? error.message : String(error);
    return fail(`unexpected error: ${message.split('\n')[0]}`, 1);
  }
}
