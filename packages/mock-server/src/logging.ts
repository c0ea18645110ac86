import type { FastifyRequest } from 'fastify';
import type { LoggerOption } from './options.js';

/** What replaces a secret in a log line. */
export const REDACTED = '[redacted]';

const USERSIG_IN_QUERY = /([?&]usersig=)[^&#]*/gi;

/** The URL with the value of every `usersig` query parameter (any letter case) replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  return url.replace(USERSIG_IN_QUERY, `$1${REDACTED}`);
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
