import type { FastifyBaseLogger, FastifyRequest, FastifyServerOptions } from 'fastify';
import { destination, type Level, type Logger, symbols } from 'pino';
import type { LoggerOption } from '../options.js';
import { errorSerializer, REDACTED, redactUrl } from './redaction.js';

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

/** A Fastify logger configuration, and how to write out what it still holds. */
export interface LoggerSetup {
  /** Fastify's `logger` option. */
  logger: false | Record<string, unknown>;
  /**
   * True when the caller gave no pino option but `level` and `stream`: pino then writes its standard
   * line, which {@link requestLineWriter} may write itself, without pino's per-line machinery.
   */
  plain: boolean;
  /** Writes out, synchronously, the lines still buffered (call it when the server closes). */
  flush(): void;
}

/**
 * Where log lines go: pino writes each JSON line to `stream`; `flush()` (also on the stream, so that a
 * server given the stream flushes it when it closes) writes out what is pending.
 */
export interface LineSink {
  readonly stream: { write(line: string): boolean; flush(): void };
  flush(): void;
}

/** How long a line may wait for others before the batch is written, ms. */
const LINE_BATCH_MS = 50;
/** A batch this large is written at once, characters. */
const LINE_BATCH_CHARS = 64 * 1024;

/**
 * Lines to stdout without a write per line: lines gather for at most {@link LINE_BATCH_MS} ms (or
 * {@link LINE_BATCH_CHARS} characters) and go out in one asynchronous write (pino's `destination`,
 * `sync: false`): under load one write carries hundreds of lines. `flush()` writes out, synchronously,
 * whatever is still pending.
 */
export function stdoutLines(): LineSink {
  const out = destination({ dest: 1, sync: false });
  let pending = '';
  let timer: NodeJS.Timeout | undefined;
  const writeOut = () => {
    clearTimeout(timer);
    timer = undefined;
    const text = pending;
    pending = '';
    if (text !== '') out.write(text);
  };
  const flush = () => {
    writeOut();
    try {
      out.flushSync();
    } catch {
      // a closed or broken stdout: nothing more can be written
    }
  };
  return {
    stream: {
      write(line) {
        pending += line;
        if (pending.length >= LINE_BATCH_CHARS) writeOut();
        else if (timer === undefined) timer = setTimeout(writeOut, LINE_BATCH_MS).unref();
        return true;
      },
      flush,
    },
    flush,
  };
}

/**
 * The Fastify logger configuration for a `logger` option: `false` stays off; otherwise pino at level
 * `info` (unless given) with redaction of UserSigs and secret keys, a request serializer that strips
 * `usersig` from the URL, and an error serializer that strips it from messages and stacks. Without a
 * `stream` of the caller's, lines go to stdout asynchronously, in batches (at most 50 ms late);
 * `flush()` writes out the rest (the server calls it when it closes).
 */
export function loggerConfig(option: LoggerOption): LoggerSetup {
  if (option === false) return { logger: false, plain: false, flush: () => undefined };
  const given = option === true ? {} : option;
  const givenSerializers = (given.serializers as Record<string, unknown> | undefined) ?? {};
  const own = given.stream === undefined ? stdoutLines() : undefined;
  return {
    logger: {
      level: 'info',
      ...given,
      ...(own ? { stream: own.stream } : {}),
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      serializers: {
        req: (req: FastifyRequest) => ({ method: req.method, url: redactUrl(req.url), reqId: req.id }),
        err: errorSerializer,
        ...givenSerializers,
      },
    },
    plain: Object.keys(given).every((k) => k === 'level' || k === 'stream'),
    flush: () => {
      if (own) return own.flush();
      // A caller's stream with a flush() (a LineSink's) is flushed when the server closes, as ours is.
      const { flush } = given.stream as { flush?: unknown };
      if (typeof flush === 'function') flush.call(given.stream);
    },
  };
}

/** The fields of a request line, as the route left them. */
export interface RequestLineFields {
  sdkappid?: string | undefined;
  identifier?: string | undefined;
  code?: number | undefined;
  /** Why the request was refused or faulted (set only then). */
  reason?: string | undefined;
}

/** A JSON string value, or nothing for `undefined` (pino leaves such keys out). */
const field = (name: string, value: string | number | undefined): string =>
  value === undefined ? '' : `,"${name}":${typeof value === 'number' ? value : JSON.stringify(value)}`;

/**
 * The writer of the one line per request (`request completed`, level `info`): method, URL with the
 * UserSig redacted, sdkappid, identifier, code, the reason of a refusal or fault, and response time.
 * Nothing is computed when the logger's level discards `info`. The line's fields are built here and
 * hold no secret, so its logger skips pino's redaction paths (the costliest part of a line); everything
 * else stays redacted. With `plain` (no pino option but `level` and `stream`), the line is written
 * straight to the logger's stream as pino would write it (same keys, same order), without building an
 * object for pino to serialize.
 */
export function requestLineWriter(
  log: FastifyBaseLogger,
  plain = false,
): (request: FastifyRequest, fields: RequestLineFields | null, elapsedMs: number) => void {
  const lines = log.child({}, { redact: { paths: [] } });
  const stream = (log as unknown as Record<symbol, { write(line: string): unknown } | undefined>)[
    symbols.streamSym
  ];
  const bindings = (log as unknown as Record<symbol, unknown>)[symbols.chindingsSym];
  if (plain && stream !== undefined && typeof bindings === 'string') {
    return (request, fields, elapsedMs) => {
      if (!logsAt(lines, 'info')) return;
      stream.write(
        `{"level":30,"time":${Date.now()}${bindings},"reqId":${JSON.stringify(request.id)}` +
          `,"method":${JSON.stringify(request.method)},"url":${JSON.stringify(redactUrl(request.url))}` +
          field('sdkappid', fields?.sdkappid) +
          field('identifier', fields?.identifier) +
          field('code', fields?.code) +
          field('reason', fields?.reason) +
          `,"responseTimeMs":${Math.round(elapsedMs * 1000) / 1000},"msg":"request completed"}\n`,
      );
    };
  }
  return (request, fields, elapsedMs) => {
    if (!logsAt(lines, 'info')) return;
    lines.info(
      {
        reqId: request.id,
        method: request.method,
        url: redactUrl(request.url),
        sdkappid: fields?.sdkappid,
        identifier: fields?.identifier,
        code: fields?.code,
        reason: fields?.reason,
        responseTimeMs: Math.round(elapsedMs * 1000) / 1000,
      },
      'request completed',
    );
  };
}

/**
 * Fastify's per-request logger: a stand-in that makes the real child (with the request's `reqId`) only
 * when something is logged through it. Most requests log nothing through `request.log` (their one line
 * comes from the request-log plugin), and a pino child per request cost a tenth of a logged request.
 */
export const requestChildLogger: NonNullable<FastifyServerOptions['childLoggerFactory']> = (
  logger,
  bindings,
  options,
) => {
  for (const _ in options) return logger.child(bindings, options);
  return new LazyChildLogger(logger, bindings) as unknown as FastifyBaseLogger;
};

type LogMethod = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** A logger that becomes `parent.child(bindings)` on first use; levels are read from the parent until then. */
class LazyChildLogger {
  readonly #parent: FastifyBaseLogger;
  readonly #bindings: Record<string, unknown>;
  #child: FastifyBaseLogger | undefined;

  constructor(parent: FastifyBaseLogger, bindings: Record<string, unknown>) {
    this.#parent = parent;
    this.#bindings = bindings;
  }

  /** The real child, made now if it was not yet. */
  get #log(): FastifyBaseLogger {
    if (this.#child === undefined) this.#child = this.#parent.child(this.#bindings);
    return this.#child;
  }

  get level(): string {
    return (this.#child ?? this.#parent).level;
  }

  set level(level: string) {
    this.#log.level = level;
  }

  isLevelEnabled(level: string): boolean {
    return logsAt(this.#child ?? this.#parent, level as Level);
  }

  #write(level: LogMethod, args: unknown[]): void {
    if (!this.isLevelEnabled(level)) return;
    (this.#log[level] as (...a: unknown[]) => void)(...args);
  }

  fatal(...args: unknown[]): void {
    this.#write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.#write('error', args);
  }
  warn(...args: unknown[]): void {
    this.#write('warn', args);
  }
  info(...args: unknown[]): void {
    this.#write('info', args);
  }
  debug(...args: unknown[]): void {
    this.#write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.#write('trace', args);
  }
  silent(): void {}

  child(bindings: Record<string, unknown>, options?: Record<string, unknown>): FastifyBaseLogger {
    return this.#log.child(bindings, options);
  }
}

/**
 * True when `log` writes lines of `level`: check it before building a line. The fake's loggers are
 * pino's; with logging off, Fastify's stand-in writes nothing at any level.
 */
export function logsAt(log: FastifyBaseLogger, level: Level): boolean {
  const { isLevelEnabled } = log as Partial<Logger>;
  return typeof isLevelEnabled === 'function' && isLevelEnabled.call(log, level);
}
