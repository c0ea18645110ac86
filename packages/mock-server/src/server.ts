import type https from 'node:https';
import type { AddressInfo } from 'node:net';
import Fastify, {
  type FastifyError,
  type FastifyHttpsOptions,
  type FastifyInstance,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import { loggerConfig, redactUrl } from './logging.js';
import { resolveServerOptions, type ServerOptions } from './options.js';
import { AppRegistry } from './registry.js';
import { newRequestState, registerGetAppInfo, sendFailure } from './routes/getappinfo.js';

/**
 * Builds the fake getappinfo server. It never listens: call `listen`, use `inject()` in tests, or use
 * {@link startServer}. Everything stateful (apps, rate limiters, faker instances, caches, the clock)
 * belongs to the returned instance; two servers share nothing.
 *
 * @throws {@link InvalidOptionsError} when the options are invalid (checked once, here).
 * @example
 * const app = buildServer({ now: () => Date.parse('2025-03-10T04:00:00Z') });
 * const res = await app.inject({ method: 'POST', url: '/v4/openconfigsvr/getappinfo?...', payload: '{}' });
 */
export function buildServer(options: ServerOptions = {}): FastifyInstance {
  const opts = resolveServerOptions(options);
  const registry = new AppRegistry(opts.seed, opts.apps, opts);
  const logging = opts.logger !== false;

  const fastifyOptions: FastifyServerOptions = {
    logger: loggerConfig(opts.logger),
    // One line per request comes from our own onResponse hook (with the redacted URL and the code).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: opts.bodyLimit,
    // A URL the router cannot decode is an invalid resource, answered with an envelope.
    frameworkErrors: (error, request, reply) => {
      request.log.debug({ err: error }, 'framework error');
      void sendFailure(request, reply, 60009);
    },
  };
  const server = (opts.https
    ? Fastify({ ...(fastifyOptions as FastifyHttpsOptions<https.Server>), https: opts.https })
    : Fastify(fastifyOptions)) as unknown as FastifyInstance;

  server.decorateRequest('timock', null);

  // Every body is read as raw bytes, whatever its content type: the route decides what is valid.
  // `application/json` gets the same parser by name too: Fastify caches a parser found by name, while
  // the catch-all alone made it parse the content-type header again on every request.
  server.removeAllContentTypeParsers();
  const rawBody = (_request: unknown, body: Buffer, done: (err: null, body: Buffer) => void) =>
    done(null, body);
  server.addContentTypeParser('application/json', { parseAs: 'buffer' }, rawBody);
  server.addContentTypeParser('*', { parseAs: 'buffer' }, rawBody);

  // Unknown paths answer 60009 before their body is read.
  server.addHook('onRequest', (request, reply, done) => {
    if (request.is404) {
      request.timock = newRequestState(request.query, opts.now());
      void sendFailure(request, reply, 60009);
      return;
    }
    done();
  });
  server.setNotFoundHandler((request, reply) => sendFailure(request, reply, 60009));

  server.setErrorHandler((error: FastifyError, request, reply) => {
    // Body errors (too large, bad length, ...) reach here only after the query checks passed.
    if (typeof error.code === 'string' && error.code.startsWith('FST_ERR_CTP_')) {
      return sendFailure(request, reply, 130001);
    }
    request.log.error({ err: error }, 'unexpected error');
    return sendFailure(request, reply, 70500);
  });

  registerGetAppInfo(server, { registry, now: opts.now });

  if (logging) {
    server.addHook('onResponse', (request, reply, done) => {
      const state = request.timock;
      request.log.info(
        {
          method: request.method,
          url: redactUrl(request.url),
          sdkappid: state?.sdkappid,
          identifier: state?.identifier,
          code: state?.code,
          responseTimeMs: Math.round(reply.elapsedTime * 1000) / 1000,
        },
        'request completed',
      );
      done();
    });
  }
  return server;
}

/** The options of {@link startServer}: the server's options plus where to listen. */
export type StartServerOptions = ServerOptions & {
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
  /** Port; default 0 (any free port). */
  port?: number;
};

/** A listening fake. */
export interface StartedServer {
  /** The base URL, without a trailing slash, e.g. `http://127.0.0.1:54321`. */
  url: string;
  /** The Fastify instance. */
  server: FastifyInstance;
  /** Stops accepting connections, lets in-flight requests finish, and resolves when closed. */
  close(): Promise<void>;
}

function urlHost(host: string, address: AddressInfo): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return address.family === 'IPv6' ? `[${address.address}]` : address.address;
}

/**
 * Builds the server and listens (default `127.0.0.1`, port 0 = any free port).
 *
 * @example
 * const mock = await startServer();
 * // ... point your client at mock.url ...
 * await mock.close();
 */
export async function startServer(options: StartServerOptions = {}): Promise<StartedServer> {
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
  return {
    url: `${protocol}://${urlHost(host, address)}:${address.port}`,
    server,
    close: () => server.close(),
  };
}
