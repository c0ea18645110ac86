import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { sendFailure } from '../api/refusals.js';

/** What {@link errorAnswers} needs. */
export interface ErrorAnswersOptions {
  /** The largest body accepted, in bytes (named in the reason of a larger one). */
  bodyLimit: number;
}

/**
 * Errors become envelopes: a body Fastify cannot read (too large, bad length, ...) 130001, anything
 * else 70500 with the error in the server log.
 */
export const errorAnswers = fp(
  (server: FastifyInstance, options: ErrorAnswersOptions, done: (err?: Error) => void) => {
    server.setErrorHandler((error: FastifyError, request, reply) => {
      // Body errors reach here only after the query checks passed.
      if (typeof error.code === 'string' && error.code.startsWith('FST_ERR_CTP_')) {
        const reason =
          error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
            ? `body is larger than ${options.bodyLimit} bytes`
            : `body cannot be read (${error.code})`;
        return sendFailure(request, reply, { code: 130001, reason });
      }
      request.log.error({ err: error }, 'unexpected error');
      return sendFailure(request, reply, {
        code: 70500,
        reason: 'unexpected error in the fake (see the server log)',
      });
    });
    done();
  },
  { name: 'timock-error-answers' },
);
