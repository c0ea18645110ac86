import http from 'node:http';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

const rawBody = (_request: unknown, body: Buffer, done: (err: null, body: Buffer) => void) =>
  done(null, body);

/**
 * Every request reaches the routes as it came: its body as raw bytes whatever its content type (the
 * route decides what is valid), and every method Node parses (PROPFIND, LOCK, ... too), so that one
 * rule decides a method other than POST (`fidelity.methodCheck`). CONNECT never reaches a handler.
 */
export const rawBodies = fp(
  (server: FastifyInstance, _options: Record<never, never>, done: (err?: Error) => void) => {
    server.removeAllContentTypeParsers();
    // `application/json` gets the same parser by name too: Fastify caches a parser found by name, while
    // the catch-all alone made it parse the content-type header again on every request.
    server.addContentTypeParser('application/json', { parseAs: 'buffer' }, rawBody);
    server.addContentTypeParser('*', { parseAs: 'buffer' }, rawBody);
    for (const method of http.METHODS) {
      if (method !== 'CONNECT' && !server.supportedMethods.includes(method)) server.addHttpMethod(method);
    }
    done();
  },
  { name: 'timock-raw-bodies' },
);
