import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { StateStore } from '../state/store.js';

/** The shared store opens when the server is ready and closes with it. */
export const storeLifecycle = fp(
  (server: FastifyInstance, options: { store: StateStore }, done: (err?: Error) => void) => {
    server.addHook('onReady', () => options.store.open());
    server.addHook('onClose', () => options.store.close());
    done();
  },
  { name: 'timock-store-lifecycle' },
);
