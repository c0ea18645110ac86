import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { type LoggerSetup, requestLineWriter } from './logging.js';

/**
 * One line per request, written asynchronously (nothing is built for a level that discards it); what is
 * still buffered is written out on close. Register it only with a logger.
 */
export const requestLog = fp(
  (server: FastifyInstance, logging: LoggerSetup, done: (err?: Error) => void) => {
    const writeLine = requestLineWriter(server.log, logging.plain);
    server.addHook('onResponse', (request, reply, next) => {
      writeLine(request, request.timock, reply.elapsedTime);
      next();
    });
    server.addHook('onClose', (_instance, next) => {
      logging.flush();
      next();
    });
    done();
  },
  { name: 'timock-request-log' },
);
