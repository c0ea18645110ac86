/** Starting what `timock serve` parsed: the logger, the certificate, the server and its start-up banner. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signUserSig } from '@timock/client';
import {
  ADMIN_PREFIX,
  FIDELITY_NAMES,
  FIDELITY_PROFILES,
  type FidelityInput,
  GETAPPINFO_PATH,
  resolveFidelity,
} from '@timock/schema';
import type { Paint } from '@timock/terminal';
import pkg from '../../package.json' with { type: 'json' };
import { DEMO_APP, ServerOptionsSchema } from '../options.js';
import { stdoutLines } from '../plugins/logging.js';
import { readableLines } from '../plugins/readable-lines.js';
import { type StartedServer, startServer } from '../server.js';
import { redactRedisUrl } from '../state/redis/connection.js';
import { configPermissionWarning } from './config-file.js';
import { CliUsageError, listenUsageError } from './flags.js';
import type { CliOutput } from './output.js';
import { adminLoopbackOnly, type ServeCommand } from './serve.js';

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

/** The banner's lines about the served apps and fixtures (keys hidden except the public demo key). */
function appLines(cmd: ServeCommand, paint: Paint): string[] {
  const list = cmd.options.apps ?? [DEMO_APP];
  const lines = [paint('bold', `apps (${list.length}):`)];
  for (const app of list) {
    const isDemo = app.sdkappid === DEMO_APP.sdkappid && app.secretKey === DEMO_APP.secretKey;
    const name = [app.appName, app.company && `(${app.company})`].filter(Boolean).join(' ');
    lines.push(
      `  ${app.sdkappid}${name ? ` ${name}` : ''}; admins: ${app.admins.join(', ')}; ` +
        `limit ${app.rateLimitPerSecond ?? 200}/s` +
        (isDemo ? `; secret key (public demo key): ${paint('yellow', app.secretKey)}` : ''),
    );
  }
  (cmd.options.fixtures ?? []).forEach((fixture, i) => {
    const known = list.some((a) => a.sdkappid === fixture.sdkappid);
    lines.push(
      `  ${fixture.sdkappid} serves ${fixture.days.length} recorded days from ${cmd.fixturePaths[i]} (recorded ${fixture.recordedAt})` +
        (known ? '' : `; admins: ${fixture.admins.join(', ')}; signed with the public demo key`),
    );
  });
  return lines;
}

/**
 * The banner's ready-to-paste curl. It carries a UserSig only when signed with the public demo key; for
 * an app with its own key it shows how to sign one (a UserSig of a private key is never printed).
 */
function curlLines(cmd: ServeCommand, url: string, nowMs: number, paint: Paint, certFile?: string): string[] {
  const list = cmd.options.apps ?? [DEMO_APP];
  const target = list.find((a) => a.secretKey === DEMO_APP.secretKey) ?? list[0];
  if (!target) return [];
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
  const trust = certFile !== undefined ? ` --cacert ${shellQuote(certFile)}` : cmd.options.https ? ' -k' : '';
  const curl = (address: string) =>
    `  ${paint('green', `curl -sS${trust} -X POST ${address} -H 'Content-Type: application/json' -d '{}'`)}`;
  const address = `${url}/${GETAPPINFO_PATH}?${query}`;
  if (demoKey) return [paint('bold', 'try it (UserSig valid for 24 h):'), curl(shellQuote(address))];
  return [
    paint('bold', 'try it (sign a UserSig with the app key; no UserSig of a private key is printed):'),
    `  USERSIG=$(TIMOCK_SECRET_KEY=... timock usersig --sdkappid ${target.sdkappid} --identifier ${shellQuote(identifier)})`,
    curl(`"${address.replace('usersig=USERSIG', 'usersig=$USERSIG')}"`),
  ];
}

/**
 * The start-up text: URL, apps (keys hidden except the public demo key) and a ready-to-paste curl,
 * coloured by `paint`. With `certFile` (a generated certificate), a line names it and the curl trusts it.
 */
export function banner(
  cmd: ServeCommand,
  url: string,
  nowMs: number,
  paint: Paint,
  certFile?: string,
): string[] {
  const { options } = cmd;
  const lines = [`timock ${packageVersion()} serving getappinfo at ${paint('cyan', paint('bold', url))}`];
  if (certFile !== undefined) {
    lines.push(
      `self-signed certificate written to ${paint('cyan', certFile)} (trust it: timock-contract --ca FILE, curl --cacert FILE)`,
    );
  }
  if (options.now !== undefined) lines.push(`clock frozen at ${new Date(options.now()).toISOString()}`);
  const fidelity = fidelityLine(options.fidelity ?? {});
  if (fidelity !== undefined) lines.push(fidelity);
  if (options.redis !== undefined) {
    const { url, keyPrefix = 'timock' } =
      typeof options.redis === 'string' ? { url: options.redis } : options.redis;
    lines.push(`state shared in redis at ${redactRedisUrl(url)} (key prefix "${keyPrefix}")`);
  }
  lines.push(...appLines(cmd, paint));
  if (options.admin === false) lines.push('admin API: off (--no-admin)');
  else {
    const who = options.adminToken
      ? 'token required'
      : adminLoopbackOnly(options)
        ? 'loopback callers only: set --admin-token to steer it from elsewhere'
        : 'loopback callers only';
    lines.push(`admin API: ${paint('cyan', `${url}${ADMIN_PREFIX}`)} (${who})`);
  }
  return [...lines, ...curlLines(cmd, url, nowMs, paint, certFile)];
}

/** Invalid server options (e.g. a cross-field rule) as one usage line; any other error as it is. */
function invalidOptions(error: unknown, configPath: string | undefined): unknown {
  if ((error as { code?: unknown }).code !== 'TIMOCK_INVALID_OPTIONS') return error;
  const where = configPath ? `config file ${configPath}: ` : '';
  return new CliUsageError(`${where}${(error as { issues: string[] }).issues.join('; ')}`);
}

/**
 * Starts the server `timock serve` parsed: request lines a person reads on a terminal (JSON lines
 * elsewhere or when asked), then the banner.
 *
 * @returns the running server and its drain deadline in ms
 */
export async function startServe(
  cmd: ServeCommand,
  output: CliOutput,
  paints: { out: Paint; err: Paint },
): Promise<{ server: StartedServer; drainTimeout: number }> {
  const format = cmd.logFormat ?? (output.outIsTty ? 'pretty' : 'json');
  const sink =
    cmd.logLevel === 'silent'
      ? undefined
      : format === 'pretty'
        ? readableLines(paints.out, (text) => output.outLine(text.trimEnd()))
        : stdoutLines();
  const options = {
    ...cmd.options,
    logger: sink === undefined ? false : { level: cmd.logLevel, stream: sink.stream },
  };
  if (cmd.configPath !== undefined) {
    const warning = configPermissionWarning(cmd.configPath, options);
    if (warning) output.errLine(paints.err('yellow', `timock: ${warning}`));
  }
  let certFile: string | undefined;
  if (cmd.selfSigned) {
    options.https = await selfSignedCertificate();
    certFile = writeCertificateFile(options.https.cert as string);
  }
  let server: StartedServer;
  try {
    server = await startServer(options);
  } catch (error) {
    throw listenUsageError(error, options.host, options.port) ?? invalidOptions(error, cmd.configPath);
  }
  try {
    // The lines logged while starting go out first: the banner is never cut by a log line.
    sink?.flush();
    const nowMs = options.now?.() ?? Date.now();
    for (const line of banner(cmd, server.url, nowMs, paints.out, certFile)) output.outLine(line);
  } catch (error) {
    await server.close();
    throw error;
  }
  return { server, drainTimeout: ServerOptionsSchema.shape.drainTimeout.parse(options.drainTimeout) };
}
