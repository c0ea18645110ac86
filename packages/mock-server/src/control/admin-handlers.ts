import { type Ready, SDKAPPID_PATTERN } from '@timock/schema';
import type { AdminAnswer, AdminBody, AdminOperationId, AdminParams, AdminQuery } from '@timock/schema/admin';
import type { FastifyReply } from 'fastify';
import pkg from '../../package.json' with { type: 'json' };
import { ControlError } from '../errors.js';
import type { ControlPlane } from './plane.js';

/** Why the fake cannot serve now (a {@link Ready} reason), `undefined` when it can. */
export type NotReady = () => Promise<(Ready & { status: 'not ready' })['reason'] | undefined>;

/** What an admin operation was called with: its path parameters, query and body, as parsed. */
export interface AdminInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
}

/** Does one admin operation; `reply` carries the table's success status, which it may change. */
export type AdminHandler<K extends AdminOperationId> = (
  input: AdminInput<AdminParams<K>, AdminQuery<K>, AdminBody<K>>,
  reply: FastifyReply,
) => Promise<AdminAnswer<K>>;

/** One handler per operation of the table (TypeScript refuses a missing one or a wrong answer). */
export type AdminHandlers = { [K in AdminOperationId]: AdminHandler<K> };

/** The SDKAppID of a path, or `TIMOCK_UNKNOWN_APP` (404) when it cannot name an app. */
function sdkappidOf(text: string): number {
  if (!SDKAPPID_PATTERN.test(text)) throw new ControlError('TIMOCK_UNKNOWN_APP', `no app ${text}`);
  return Number(text);
}

/**
 * The admin API's operations on a control plane: through its controls, the same ones `server.timock`
 * gives (so both read the same state; with replicas, the shared one, and a change answers once shared).
 */
export function adminHandlers(plane: ControlPlane, notReady: NotReady): AdminHandlers {
  const { faults, journal, clock, data, reset } = plane.controls;
  return {
    adminHealth: async () => ({
      status: 'ok',
      version: pkg.version,
      apps: (await data.apps()).length,
      faults: (await faults.list()).filter((rule) => rule.active).length,
      journal: { size: await journal.size, capacity: journal.capacity },
      clock: await clock.state(),
    }),
    adminReady: async (_input, reply) => {
      const reason = await notReady();
      if (reason === undefined) return { status: 'ready' };
      reply.code(503);
      return { status: 'not ready', reason };
    },
    adminReset: async () => {
      await reset();
      return { status: 'ok' };
    },
    addFault: async ({ body }) => faults.add(body),
    listFaults: async () => ({ faults: await faults.list() }),
    removeFaults: async () => ({ removed: await faults.remove() }),
    removeFault: async ({ params }) => ({ removed: await faults.remove(params.id) }),
    listRequests: async ({ query }) => ({ requests: await journal.list(query) }),
    countRequests: async ({ query }) => ({ count: await journal.count(query) }),
    clearRequests: async () => ({ removed: await journal.clear() }),
    getClock: async () => clock.state(),
    setClock: async ({ body }) => clock.set(body),
    resetClock: async () => clock.reset(),
    listApps: async () => ({ apps: await data.apps() }),
    addApp: async ({ body }) => data.addApp(body),
    overrideDays: async ({ params, body }) => data.set(sdkappidOf(params.sdkappid), body),
    clearDays: async ({ params }) => data.clear(sdkappidOf(params.sdkappid)),
  };
}
