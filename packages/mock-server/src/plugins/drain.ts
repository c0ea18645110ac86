import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { StateStore } from '../state/store.js';

/** What {@link drain} needs. */
export interface DrainOptions {
  /** How long in-flight requests may run on once a close began, in ms; then their connections drop. */
  drainTimeout: number;
  /** Called when the close begins (readiness then says `draining`). */
  onDrain: () => void;
}

/**
 * Graceful close. Once closing, Node keeps an answered keep-alive connection open until it idles out
 * and no longer enforces request deadlines: so connections close as soon as their answer is sent, and
 * whatever is still open `drainTimeout` ms after the close began is dropped.
 */
export const drain = fp(
  (server: FastifyInstance, options: DrainOptions, done: (err?: Error) => void) => {
    let deadline: NodeJS.Timeout | undefined;
    server.addHook('preClose', (next) => {
      options.onDrain();
      server.server.keepAliveTimeout = 1;
      deadline = setTimeout(() => server.server.closeAllConnections(), options.drainTimeout);
      deadline.unref();
      next();
    });
    server.addHook('onClose', (_instance, next) => {
      clearTimeout(deadline);
      next();
    });
    done();
  },
  { name: 'timock-drain' },
);

/** Why the fake cannot serve now (`GET /__admin/ready`), and the call that marks the start of a drain. */
export interface Readiness {
  /** `draining` once a close began, `store unreachable` while the shared store fails its check. */
  notReady(): Promise<'draining' | 'store unreachable' | undefined>;
  /** Marks the start of a drain (pass it as {@link DrainOptions.onDrain}). */
  onDrain(): void;
}

/** The readiness of a server whose shared state lives in `store`. */
export function readiness(store: Pick<StateStore, 'check'>): Readiness {
  let draining = false;
  return {
    notReady: async () =>
      draining
        ? 'draining'
        : store.check().then(
            () => undefined,
            () => 'store unreachable' as const,
          ),
    onDrain: () => {
      draining = true;
    },
  };
}
