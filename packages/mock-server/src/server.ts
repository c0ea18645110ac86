import type http from 'node:http';
import type https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import Fastify, {
  type FastifyHttpOptions,
  type FastifyHttpsOptions,
  type FastifyInstance,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import { failureBody } from './api/answers.js';
import { AppRegistry } from './api/apps.js';
import { getAppInfoRoute } from './api/getappinfo.js';
import type { OwnErrorCode } from './api/own-codes.js';
import { sendFailure } from './api/refusals.js';
import type { ControlMode, MockControls } from './control/controls.js';
import { installControlPlane } from './control/install.js';
import {
  type RedisOptions,
  type ResolvedServerOptions,
  resolveServerOptions,
  type ServerOptions,
} from './options.js';
import { docs } from './plugins/docs.js';
import { drain, readiness } from './plugins/drain.js';
import { errorAnswers } from './plugins/error-answers.js';
import { type LoggerSetup, loggerConfig, logsAt, requestChildLogger } from './plugins/logging.js';
import { rawBodies } from './plugins/raw-bodies.js';
import { redactUrl } from './plugins/redaction.js';
import { requestLog } from './plugins/request-log.js';
import { storeLifecycle } from './plugins/store-lifecycle.js';
import { unknownPaths } from './plugins/unknown-paths.js';
import { CacheBudget } from './state/lru.js';
import { RedisStore } from './state/redis/store.js';
import { MemoryStore, type StateStore } from './state/store.js';

/**
 * Builds the fake getappinfo server. It never listens: call `listen`, use `inject()` in tests, or use
 * {@link startServer}. Its typed controls are `server.timock` (`faults`, `journal`, `clock`, `data`,
 * `reset()`). Everything stateful (apps, rate limiters, faker instances, caches, the clock) belongs to
 * the returned instance; two servers share nothing.
 *
 * @throws {@link InvalidOptionsError} when the options are invalid (checked once, here).
 * @example
 * const app = buildServer({ now: () => Date.parse('2025-03-10T04:00:00Z') });
 * const res = await app.inject({ method: 'POST', url: '/v4/openconfigsvr/getappinfo?...', payload: '{}' });
 */
export function buildServer(options: ServerOptions = {}): FastifyInstance {
  const opts = resolveServerOptions(options);
  const logging = loggerConfig(opts.logger);
  const server = createFastify(opts, logging);
  server.decorateRequest('timock', null);

  // Shared state (rate limits) lives in the store: in memory by default, in Redis for replicas.
  const store: StateStore = opts.redis
    ? new RedisStore({ ...opts.redis, log: server.log })
    : new MemoryStore();
  // One byte budget for every app's cached answers together.
  const registry = new AppRegistry(
    opts.seed,
    opts.apps,
    { ...opts, budget: new CacheBudget(opts.cacheBudget) },
    store,
  );

  const ready = readiness(store);
  // Every time-based rule reads the server's clock. The control plane owns it (set just below); the
  // plugins registered before the plane read it through `now`.
  let serverNow = opts.now;
  const now = () => serverNow();

  // Plugins load in this order, the control plane's admin API (a child context) after the first four,
  // so that it inherits how bodies are read and what an unknown path or an error answers.
  if (opts.redis) void server.register(storeLifecycle, { store });
  void server.register(rawBodies);
  void server.register(unknownPaths, { admin: opts.admin, now });
  void server.register(errorAnswers, { bodyLimit: opts.bodyLimit });
  // Faults and the journal hook in around the routes.
  serverNow = installControlPlane(server, registry, opts, store.control, ready.notReady).serverClock.now;
  void server.register(getAppInfoRoute, { registry, now: serverNow, fidelity: opts.fidelity });
  if (opts.docs) void server.register(docs, { apps: opts.apps, now: serverNow, admin: opts.admin });
  void server.register(drain, { drainTimeout: opts.drainTimeout, onDrain: ready.onDrain });
  if (logging.logger !== false) void server.register(requestLog, logging);
  return server;
}

/** The Fastify instance, with the server's deadlines, logger and answers to what Node or the router refuse. */
function createFastify(opts: ResolvedServerOptions, logging: LoggerSetup): FastifyInstance {
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
    // One line per request comes from the request-log plugin (with the redacted URL and the code).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: opts.bodyLimit,
    // A URL the router cannot decode is an invalid resource, answered with an envelope.
    frameworkErrors: (error, request, reply) => {
      if (logsAt(request.log, 'debug'))
        request.log.debug({ code: error.code, url: redactUrl(request.url) }, 'framework error');
      void sendFailure(request, reply, { code: 60009, reason: 'the URL cannot be decoded' });
    },
  };
  return (opts.https
    ? Fastify({
        ...(fastifyOptions as FastifyHttpsOptions<https.Server>),
        https: { ...opts.https, ...nodeHttp },
      })
    : Fastify({
        ...fastifyOptions,
        http: nodeHttp,
      } as FastifyHttpOptions<http.Server>)) as unknown as FastifyInstance;
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
