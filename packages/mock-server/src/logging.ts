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

/** A query parameter in a URL or in text quoting one: `?name=value` or `&name=value`. */
const QUERY_PARAMETER = /([?&])([^=&#?\s'"]*)=([^&#\s'"]*)/g;

/**
 * The URL (or any text that quotes URLs, like an error message) with the value of every `usersig`
 * query parameter replaced by `[redacted]`: its name in any letter case and percent-encoded or not, as
 * the query parser would read it.
 */
export function redactUrl(text: string): string {
  if (!text.includes('=')) return text;
  return text.replace(QUERY_PARAMETER, (whole, lead: string, name: string) =>
    isUserSigName(name) ? `${lead}${name}=${REDACTED}` : whole,
  );
}

/** An error as a log line shows it: its type, code, and message and stack with any UserSig redacted. */
function errorSerializer(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  return {
    type: error.name,
    message: redactUrl(error.message),
    stack: error.stack === undefined ? undefined : redactUrl(error.stack),
    ...(code !== undefined ? { code } : {}),
    ...(statusCode !== undefined ? { statusCode } : {}),
  };
}

/**
 * Why a JSON text did not parse, without the excerpt of the text that V8 quotes in some of its
 * messages (`Unexpected token 'x', ..."secret": x}" is not valid JSON`): that excerpt may hold a key.
 */
export function jsonErrorReason(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  if (message.startsWith('Unexpected token')) return 'unexpected token';
  return /^[\w ,'{}:[\]()-]+$/.test(message) ? message : 'not valid JSON';
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
 * `info` (unless given) with redaction of UserSigs and secret keys, a request serializer that strips
 * `usersig` from the URL, and an error serializer that strips it from messages and stacks.
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
      err: errorSerializer,
      ...givenSerializers,
    },
  };
}
