import type { FastifyRequest } from 'fastify';
import type { LoggerOption } from './options.js';

/** What replaces a secret in a log line. */
export const REDACTED = '[redacted]';

/** True when a raw query parameter name decodes to `usersig` in any letter case (`user%73ig` too). */
function isUserSigName(raw: string): boolean {
  let name = raw.replaceAll('+', ' ');
  try {
    name = decodeURIComponent(name);
  } catch {
    // a bad escape: the query parser keeps such a name as it is
  }
  return name.toLowerCase() === 'usersig';
}

/**
 * The URL with the value of every `usersig` query parameter replaced by `[redacted]`: its name in any
 * letter case and percent-encoded or not, as the query parser would read it.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const parts = url.slice(q + 1).split('&');
  for (const [i, part] of parts.entries()) {
    const eq = part.indexOf('=');
    if (eq >= 0 && isUserSigName(part.slice(0, eq))) parts[i] = `${part.slice(0, eq)}=${REDACTED}`;
  }
  return `${url.slice(0, q + 1)}${parts.join('&')}`;
}

/**
 * Why a JSON text did not parse, without the excerpt of the text that V8 quotes in some of its
 * messages (`Unexpected token 'x', ..."secret": x}" is not valid JSON`): that excerpt may hold a key.
 */
export function jsonErrorReason(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  if (message.startsWith('Unexpected token')) return 'unexpected token';
  return /^[\w ,'{}:[\]-]+$/.test(message) ? message : 'not valid JSON';
}

/** Object paths that pino censors in every log line. */
const REDACT_PATHS = [
  'usersig',
  '*.usersig',
  'req.query.usersig',
  'secretKey',
  '*.secretKey',
  'apps[*].secretKey',
  '*.apps[*].secretKey',
  'https.key',
  'headers.authorization',
  'req.headers.authorization',
  'adminToken',
  '*.adminToken',
  'req.headers["x-timock-admin-token"]',
];

/**
 * The Fastify logger configuration for a `logger` option: `false` stays off; otherwise pino at level
 * `info` (unless given) with redaction of UserSigs and secret keys, and a request serializer that strips
 * `usersig` from the URL.
 */
export function loggerConfig(option: LoggerOption): false | Record<string, unknown> {
  if (option === false) return false;
  const given = option === true ? {} : option;
  const givenSerializers = (given.serializers as Record<string, unknown> | undefined) ?? {};
  return {
    level: 'info',
    ...given,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    serializers: {
      req: (req: FastifyRequest) => ({ method: req.method, url: redactUrl(req.url), reqId: req.id }),
      ...givenSerializers,
    },
  };
}
