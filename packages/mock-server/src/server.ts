import http from 'node:http';
import type https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { ADMIN_PREFIX, GETAPPINFO_PATH } from '@timock/schema';
import Fastify, {
  type FastifyError,
  type FastifyHttpOptions,
  type FastifyHttpsOptions,
  type FastifyInstance,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import { failureBody } from './api/answers.js';
import { AppRegistry } from './api/apps.js';
import { newRequestState, type Refusal, registerGetAppInfo, sendFailure } from './api/getappinfo.js';
import type { OwnErrorCode } from './api/own-codes.js';
import { quoted } from './api/reasons.js';
import type { ControlMode, MockControls } from './control/controls.js';
import { installControlPlane } from './control/install.js';
import { type RedisOptions, resolveServerOptions, type ServerOptions } from './options.js';
import { registerDocs } from './plugins/docs.js';
import { loggerConfig, logsAt, redactUrl, requestChildLogger, requestLineWriter } from './plugins/logging.js';
import { CacheBudget } from './state/lru.js';
import { RedisStore } from './state/redis/store.js';
import { MemoryStore, type StateStore } from './state/store.js';

/**
 * Builds the fake getappinfo server. It never listens: call `listen`, use `inject()` in tests, or use
 * {@link startServer}. Its typed controls are `server.timock` (`faults`, `journal`, `clock`, `data`, `reset()`). Everything stateful (apps, rate limiters, faker instances, caches, the clock)
 * belongs to the returned instance; two servers share nothing.
 *
 * @throws {@link InvalidOptionsError} when the options are invalid (checked once, here).
 * @example
 * const app = buildServer({ now: () => Date.parse('2025-03-10T04:00:00Z') });
 * const res = await app.inject({ method: 'POST', url: '/v4/openconfigsvr/getappinfo?...', payload: '{}' });
 */
export function buildServer(options: ServerOptions = {}): FastifyInstance {
  const opts = resolveServerOptions(options);
  const logging = loggerConfig(opts.logger);

  // Node checks header and request deadlines on a timer (default every 30 s): tie it to the deadlines.
  const nodeHttp = {
    headersTimeout: opts.headersTimeout,
    connectionsCheckingInterval: Math.min(1000, Math.max(10, Math.floor(opts.headersTimeout / 4))),
    // Node would answer a request without `Host` with a bare HTTP 400; the route answers it instead.
    requireHostHeader: false,
  };
  const fastifyOptions: FastifyServerOptions = {
    logger: logging.logger,
    // Fastify skips the per-request child when there is no logger, unless a factory is given.
    ...(logging.logger === false ? {} : { childLoggerFactory: requestChildLogger }),
    requestTimeout: opts.requestTimeout,
    keepAliveTimeout: opts.keepAliveTimeout,
    connectionTimeout: opts.connectionTimeout,
    // While closing, requests on already-open connections are still answered (with `Connection: close`).
    return503OnClosing: false,
    clientErrorHandler: answerClientError,
    // One line per request comes from our own onResponse hook (with the redacted URL and the code).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: opts.bodyLimit,
    // A URL the router cannot decode is an invalid resource, answered with an envelope.
    frameworkErrors: (error, request, reply) => {
      if (logsAt(request.log, 'debug'))
        request.log.debug({ code: error.code, url: redactUrl(request.url) }, 'framework error');
      void sendFailure(request, reply, { code: 60009, reason: 'the URL cannot be decoded' });
    },
  };
  const server = (opts.https
    ? Fastify({
        ...(fastifyOptions as FastifyHttpsOptions<https.Server>),
        https: { ...opts.https, ...nodeHttp },
      })
    : Fastify({
        ...fastifyOptions,
        http: nodeHttp,
      } as FastifyHttpOptions<http.Server>)) as unknown as FastifyInstance;

  server.decorateRequest('timock', null);

  // Shared state (rate limits) lives in the store: in memory by default, in Redis for replicas.
  const store: StateStore = opts.redis
    ? new RedisStore({ ...opts.redis, log: server.log })
    : new MemoryStore();
  // One byte budget for every app's cached answers together.
  const limits = { ...opts, budget: new CacheBudget(opts.cacheBudget) };
  const registry = new AppRegistry(opts.seed, opts.apps, limits, store);
  if (opts.redis) {
    server.addHook('onReady', () => store.open());
    server.addHook('onClose', () => store.close());
  }

  // Readiness: not while draining (a close began), nor while the shared store cannot be reached.
  let draining = false;
  const notReady = async () =>
    draining
      ? 'draining'
      : store.check().then(
          () => undefined,
          () => 'store unreachable' as const,
        );

  // Faults and the journal hook in around the routes; every time-based rule reads the server's clock.
  const { now } = installControlPlane(server, registry, opts, store.control, notReady).serverClock;

  // Every body is read as raw bytes, whatever its content type: the route decides what is valid.
  // `application/json` gets the same parser by name too: Fastify caches a parser found by name, while
  // the catch-all alone made it parse the content-type header again on every request.
  server.removeAllContentTypeParsers();
  const rawBody = (_request: unknown, body: Buffer, done: (err: null, body: Buffer) => void) =>
    done(null, body);
  server.addContentTypeParser('application/json', { parseAs: 'buffer' }, rawBody);
  server.addContentTypeParser('*', { parseAs: 'buffer' }, rawBody);

  // Every method Node parses reaches the route (PROPFIND, LOCK, ... too), so that one rule decides a
  // method other than POST (`fidelity.methodCheck`). CONNECT never reaches a request handler.
  for (const method of http.METHODS) {
    if (method !== 'CONNECT' && !server.supportedMethods.includes(method)) server.addHttpMethod(method);
  }

  // Unknown paths answer 60009 before their body is read (those under the admin API, its own 404).
  server.addHook('onRequest', (request, reply, done) => {
    if (request.is404 && !(opts.admin && isAdminUrl(request.url))) {
      request.timock = newRequestState(request.query, now());
      void sendFailure(request, reply, unknownPath(request.url));
      return;
    }
    done();
  });
  server.setNotFoundHandler((request, reply) => sendFailure(request, reply, unknownPath(request.url)));

  server.setErrorHandler((error: FastifyError, request, reply) => {
    // Body errors (too large, bad length, ...) reach here only after the query checks passed.
    if (typeof error.code === 'string' && error.code.startsWith('FST_ERR_CTP_')) {
      const reason =
        error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? `body is larger than ${opts.bodyLimit} bytes`
          : `body cannot be read (${error.code})`;
      return sendFailure(request, reply, { code: 130001, reason });
    }
    request.log.error({ err: error }, 'unexpected error');
    return sendFailure(request, reply, {
      code: 70500,
      reason: 'unexpected error in the fake (see the server log)',
    });
  });

  registerGetAppInfo(server, { registry, now, fidelity: opts.fidelity });
  if (opts.docs) registerDocs(server, { apps: opts.apps, now, admin: opts.admin });

  // Graceful close (drain). Once closing, Node keeps an answered keep-alive connection open until it
  // idles out and no longer enforces request deadlines: so connections close as soon as their answer is
  // sent, and whatever is still open `drainTimeout` ms after the close began is dropped.
  let drain: NodeJS.Timeout | undefined;
  server.addHook('preClose', (done) => {
    draining = true;
    server.server.keepAliveTimeout = 1;
    drain = setTimeout(() => server.server.closeAllConnections(), opts.drainTimeout);
    drain.unref();
    done();
  });
  server.addHook('onClose', (_instance, done) => {
    clearTimeout(drain);
    done();
  });

  if (logging.logger !== false) {
    // One line per request, written asynchronously; what is still buffered is written out on close.
    const writeLine = requestLineWriter(server.log, logging.plain);
    server.addHook('onResponse', (request, reply, done) => {
      writeLine(request, request.timock, reply.elapsedTime);
      done();
    });
    server.addHook('onClose', (_instance, done) => {
      logging.flush();
      done();
    });
  }
  return server;
}

/** The refusal of a path the fake does not serve (60009), naming the path (never the query). */
function unknownPath(url: string): Refusal {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  return { code: 60009, reason: `no API at ${quoted(path)} (this fake serves /${GETAPPINFO_PATH})` };
}

/** True for `/__admin` and every URL under it. */
function isAdminUrl(url: string): boolean {
  const next = url.charCodeAt(ADMIN_PREFIX.length);
  return url.startsWith(ADMIN_PREFIX) && (Number.isNaN(next) || next === 0x2f || next === 0x3f);
}

/**
 * Answers what Node's HTTP parser refuses before Fastify sees a request (malformed request line or
 * headers, headers too large, a request not received within `headersTimeout`/`requestTimeout`) with an
 * envelope, HTTP 200 and `Connection: close`, like the vendor's gateway: 60008 for a timeout, else 60002.
 */
function answerClientError(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  this.log.debug({ code: error.code }, 'client error');
  // A response already under way on this socket cannot be followed by another one.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const code: OwnErrorCode = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 60008 : 60002;
  const body = failureBody(code);
  socket.end(
    `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** The options of {@link startServer}: the server's options plus where to listen. */
export type StartServerOptions = ServerOptions & {
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
  /** Port; default 0 (any free port). */
  port?: number;
};

/**
 * A listening fake, with its typed controls (`faults`, `journal`, `clock`, `data`, `reset()`): they
 * answer at once (`M` = `sync`), or, with the `redis` option, with Promises (`async`, see `ControlMode`).
 */
export interface StartedServer<M extends ControlMode = 'sync'> extends MockControls<M> {
  /** The base URL, without a trailing slash, e.g. `http://127.0.0.1:54321`. */
  url: string;
  /** The Fastify instance. */
  server: FastifyInstance;
  /** Stops accepting connections, lets in-flight requests finish, and resolves when closed. */
  close(): Promise<void>;
}

/** The host part of a listening server's URL: a wildcard address becomes its loopback. */
export function urlHost(host: string, address: AddressInfo): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return address.family === 'IPv6' ? `[${address.address}]` : address.address;
}

/**
 * Builds the server and listens (default `127.0.0.1`, port 0 = any free port). The result carries the
 * fake's typed controls, so a test steers it without HTTP calls. With `redis` in the call, they return
 * Promises and show every replica's state (`StartedServer<'async'>`).
 *
 * @example
 * const mock = await startServer();
 * mock.faults.add({ errorCode: 130011, times: 1 }); // the next call fails with a backend error
 * // ... point your client at mock.url ...
 * mock.journal.list({ code: 0 });                   // what the fake saw
 * await mock.close();
 */
export function startServer(
  options: StartServerOptions & { redis: string | RedisOptions },
): Promise<StartedServer<'async'>>;
export function startServer(options?: StartServerOptions): Promise<StartedServer>;
export async function startServer(options: StartServerOptions = {}): Promise<StartedServer<ControlMode>> {
  const { host = '127.0.0.1', port = 0, ...serverOptions } = options;
  const server = buildServer(serverOptions);
  try {
    await server.listen({ host, port });
  } catch (error) {
    await server.close().catch(() => undefined);
    throw error;
  }
  const address = server.server.address() as AddressInfo;
  const protocol = serverOptions.https ? 'https' : 'http';
  const { faults, journal, clock, data, reset } = server.timock;
  return {
    url: `${protocol}://${urlHost(host, address)}:${address.port}`,
    server,
    close: () => server.close(),
    faults,
    journal,
    clock,
    data,
    reset,
  };
}
