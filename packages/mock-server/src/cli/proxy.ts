/** `timock proxy`: forward to an upstream and check each answer against the contract. */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ADMIN_PREFIX, REGION_IDS, regionOrigin } from '@timock/schema';
import type { HelpSpec, Paint } from '@timock/terminal';
import { z } from 'zod';
import { type StartedProxy, startProxy } from '../proxy/proxy.js';
import {
  CliUsageError,
  EXIT_CODES,
  HELP_FLAG,
  listenUsageError,
  parseFlags,
  readFlagFile,
  upstreamFlag,
} from './flags.js';
import { checkOptionFlags, givenOptionFlags, optionFlag } from './option-flags.js';
import { ServeCliOptionsSchema } from './serve.js';

const { host, port } = ServeCliOptionsSchema.shape;

/** What `timock proxy` takes besides its upstream and files: where it listens, how long it waits. */
export const ProxyCliOptionsSchema = z.strictObject({
  host,
  port: port
    .unwrap()
    .default(9000)
    .meta(z.globalRegistry.get(port) ?? {}),
  timeoutMs: z
    .number()
    .int()
    .min(1)
    .max(600_000)
    .default(10_000)
    .meta({ description: 'upstream headers and body timeout, in ms' }),
});

const P = ProxyCliOptionsSchema.shape;

/** Every flag of `timock proxy`, in help order. */
export const PROXY_FLAGS = {
  upstream: {
    type: 'string',
    value: 'URL',
    help: 'forward to this origin, e.g. a staging gateway or a fake',
  },
  region: { type: 'string', value: 'R', help: `forward to the vendor's region: ${REGION_IDS.join(', ')}` },
  host: optionFlag('host', P.host, { value: 'HOST' }),
  port: optionFlag('port', P.port, { value: 'PORT' }),
  record: {
    type: 'string',
    value: 'FILE',
    help: 'write each full pull that passes every check to FILE, a fixture for timock --fixtures',
  },
  ca: { type: 'string', value: 'FILE', help: 'PEM CA certificate to trust for the upstream' },
  timeout: optionFlag('timeoutMs', P.timeoutMs, { value: 'MS' }),
  https: {
    type: 'boolean',
    help: 'listen with HTTPS, with --cert and --key (as clients reach the real gateway)',
  },
  cert: { type: 'string', value: 'FILE', help: 'PEM certificate for --https' },
  key: { type: 'string', value: 'FILE', help: 'PEM private key for --https' },
  help: HELP_FLAG,
} as const;

type ProxyListen = z.output<typeof ProxyCliOptionsSchema>;

/** `timock proxy`: forward to an upstream and check each answer against the contract. */
export interface ProxyCommand extends ProxyListen {
  kind: 'proxy';
  /** The origin to forward to (`--upstream`, or the origin of `--region`). */
  upstream: string;
  /** Fixture file to write passing full pulls to (`--record`). */
  record: string | undefined;
  /** PEM CA certificate to trust for the upstream (`--ca`). */
  ca: string | undefined;
  /** PEM certificate and key to listen with HTTPS (`--https --cert --key`). */
  https: { cert: string; key: string } | undefined;
}

/** `--https`, `--cert` and `--key` of the proxy: all three or none. */
function httpsFlags(values: { https?: boolean; cert?: string; key?: string }) {
  if (values.https !== true && (values.cert !== undefined || values.key !== undefined)) {
    throw new CliUsageError('--cert and --key go with --https');
  }
  if (values.https !== true) return undefined;
  if (values.cert === undefined || values.key === undefined) {
    throw new CliUsageError('proxy --https needs --cert FILE and --key FILE');
  }
  return { cert: readFlagFile('--cert', values.cert), key: readFlagFile('--key', values.key) };
}

/** Parses `timock proxy ...`. */
export function parseProxy(args: readonly string[]): ProxyCommand | { kind: 'help'; command: 'proxy' } {
  const { values } = parseFlags(args, PROXY_FLAGS);
  if (values.help) return { kind: 'help', command: 'proxy' };
  const target = upstreamFlag('proxy', values);
  const upstream = 'baseUrl' in target ? target.baseUrl : regionOrigin(target.region);
  const given = givenOptionFlags(PROXY_FLAGS, values, {});
  const listen = { host: undefined, port: undefined, timeoutMs: undefined };
  const options = checkOptionFlags(ProxyCliOptionsSchema, given, listen) as ProxyListen;
  if (values.record === '') throw new CliUsageError('--record must name a file');
  if (values.record !== undefined && !existsSync(dirname(resolve(values.record)))) {
    throw new CliUsageError(`--record ${values.record}: its directory does not exist`);
  }
  const ca = values.ca === undefined ? undefined : readFlagFile('--ca', values.ca);
  return {
    kind: 'proxy',
    https: httpsFlags(values),
    upstream,
    ...options,
    record: values.record,
    ca,
  };
}

/**
 * `timock proxy`: starts the proxy, prints where it listens and where the journal and summary are, then
 * one line per call on standard output; the summary follows when it is closed.
 */
export async function runProxy(
  cmd: ProxyCommand,
  outLine: (line: string) => void,
  paint: Paint,
): Promise<{ proxy: StartedProxy; drainTimeout: number }> {
  let proxy: StartedProxy;
  try {
    proxy = await startProxy({
      upstream: cmd.upstream,
      host: cmd.host,
      port: cmd.port,
      timeoutMs: cmd.timeoutMs,
      ...(cmd.ca !== undefined ? { ca: cmd.ca } : {}),
      ...(cmd.record !== undefined ? { record: cmd.record } : {}),
      ...(cmd.https !== undefined ? { https: cmd.https } : {}),
      log: outLine,
    });
  } catch (error) {
    throw listenUsageError(error, cmd.host, cmd.port) ?? error;
  }
  outLine(
    `timock proxy at ${paint('cyan', paint('bold', proxy.url))} forwarding to ${cmd.upstream}; every getappinfo answer is checked against the contract`,
  );
  outLine(`journal: ${proxy.url}${ADMIN_PREFIX}/requests; summary: ${proxy.url}${ADMIN_PREFIX}/contract`);
  if (cmd.record !== undefined) outLine(`recording full pulls that pass to ${cmd.record}`);
  // A call in flight ends within the upstream timeout: the proxy's close waits that long at most.
  return { proxy, drainTimeout: cmd.timeoutMs };
}

/** What `timock proxy --help` shows. */
export const PROXY_HELP: HelpSpec = {
  summary:
    'timock proxy: forward calls to the real endpoint unchanged and check every getappinfo answer against the contract',
  usage: ['timock proxy (--upstream URL | --region R) [--host H] [--port P] [--record FILE] [--ca FILE]'],
  flags: PROXY_FLAGS,
  examples: [
    [
      'check what Singapore answers your app (point the app at http://127.0.0.1:9000)',
      'timock proxy --region singapore',
    ],
    [
      'a staging gateway with its own CA, recording a fixture as answers pass',
      'timock proxy --upstream https://im-gw.staging.example --ca ca.pem --host 0.0.0.0 --record app.json',
    ],
  ],
  notes: [
    'The proxy never signs or changes a call; the app sends its own UserSig, which is redacted in everything the proxy writes.',
    'One line per call on standard output; GET /__admin/requests and /__admin/contract (loopback callers) show the journal and the summary, which is also printed on exit.',
    'An upstream that is unreachable, slow or fails TLS gets the app an HTTP 502.',
    EXIT_CODES,
  ],
};
