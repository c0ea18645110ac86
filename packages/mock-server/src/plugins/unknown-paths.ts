import { ADMIN_PREFIX, GETAPPINFO_PATH } from '@timock/schema';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { quoted } from '../api/reasons.js';
import { type Refusal, sendFailure } from '../api/refusals.js';
import { newRequestState } from '../request-state.js';

/** What {@link unknownPaths} needs. */
export interface UnknownPathsOptions {
  /** Whether the admin API is served (its unknown paths then get its own 404). */
  admin: boolean;
  /** The server's clock, epoch ms. */
  now: () => number;
}

/**
 * Unknown paths answer 60009, before their body is read; those under `/__admin`, when the admin API is
 * served, reach its own 404.
 */
export const unknownPaths = fp(
  (server: FastifyInstance, options: UnknownPathsOptions, done: (err?: Error) => void) => {
    server.addHook('onRequest', (request, reply, next) => {
      if (request.is404 && !(options.admin && isAdminUrl(request.url))) {
        request.timock = newRequestState(request.query, options.now());
        void sendFailure(request, reply, unknownPath(request.url));
        return;
      }
      next();
    });
    server.setNotFoundHandler((request, reply) => sendFailure(request, reply, unknownPath(request.url)));
    done();
  },
  { name: 'timock-unknown-paths' },
);

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
