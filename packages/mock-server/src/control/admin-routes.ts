import {
  ADMIN_PREFIX,
  type AdminError,
  JournalQuerySchema,
  type Ready,
  SDKAPPID_PATTERN,
} from '@timock/schema';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import pkg from '../../package.json' with { type: 'json' };
import { ControlError, type ControlErrorCode, isStoreUnavailable } from '../errors.js';
import { jsonErrorReason } from '../plugins/logging.js';
import { type AdminAccess, bearerMatches, isLoopback } from './access.js';
import { parseInput } from './input.js';
import type { ControlPlane } from './plane.js';

/** Largest admin request body, in bytes (a days document for every field of 30 days fits easily). */
const ADMIN_BODY_LIMIT = 1 << 20;

const STATUS_OF: Record<ControlErrorCode, number> = {
  TIMOCK_INVALID_INPUT: 400,
  TIMOCK_UNKNOWN_APP: 404,
  TIMOCK_UNKNOWN_FAULT: 404,
  TIMOCK_DUPLICATE_APP: 409,
  TIMOCK_LIMIT_REACHED: 409,
};

/** Why the fake cannot serve now (a {@link Ready} reason), `undefined` when it can. */
export type NotReady = () => Promise<(Ready & { status: 'not ready' })['reason'] | undefined>;

/** The readiness probe: it answers every caller (it tells only whether the fake can serve). */
const READY_URL = `${ADMIN_PREFIX}/ready`;

const refuse = (reply: FastifyReply, status: number, body: AdminError) => reply.code(status).send(body);

/** The JSON of a raw body (the server reads every body as bytes); an empty body is `{}`. */
function jsonBody(body: unknown): unknown {
  if (!Buffer.isBuffer(body) || body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new ControlError('TIMOCK_INVALID_INPUT', `the body is not JSON: ${jsonErrorReason(error)}`);
  }
}

function sdkappidParam(params: unknown): number {
  const text = (params as { sdkappid: string }).sdkappid;
  if (!SDKAPPID_PATTERN.test(text)) throw new ControlError('TIMOCK_UNKNOWN_APP', `no app ${text}`);
  return Number(text);
}

/**
 * Registers the admin API under `/__admin` (JSON in, JSON out). With a token, every call needs
 * `Authorization: Bearer <token>` (401 otherwise, compared in constant time); without one, only
 * loopback callers are answered (403 otherwise), except by `GET /ready`, the readiness probe. Refusals
 * are `{ "error": "...", "issues"?: [...] }`; an unknown path or method is a 404 refusal.
 *
 * @param notReady - why the fake cannot serve now, for `GET /ready`
 */
export function registerAdminRoutes(
  server: FastifyInstance,
  plane: ControlPlane,
  access: AdminAccess,
  notReady: NotReady,
): void {
  server.register(
    async (admin) => {
      admin.addHook('onRequest', (request, reply, done) => {
        if (request.routeOptions.url === READY_URL) return done();
        if (access.token !== undefined) {
          if (bearerMatches(request.headers.authorization, access.token)) return done();
          reply.header('www-authenticate', 'Bearer realm="timock admin"');
          return void refuse(reply, 401, {
            error: 'admin token required: send Authorization: Bearer <token>',
          });
        }
        if (isLoopback(request.socket.remoteAddress)) return done();
        return void refuse(reply, 403, {
          error:
            'the admin API answers loopback callers only; start the fake with --admin-token to allow others',
        });
      });

      admin.setErrorHandler((error: FastifyError | ControlError, request, reply) => {
        if (error instanceof ControlError) {
          const body: AdminError = { error: error.message };
          if (error.issues.length > 0) body.issues = [...error.issues];
          return refuse(reply, STATUS_OF[error.code], body);
        }
        if (isStoreUnavailable(error)) {
          return refuse(reply, 503, { error: `the shared state cannot be reached: ${error.message}` });
        }
        if (typeof error.code === 'string' && error.code.startsWith('FST_ERR_CTP_')) {
          return refuse(reply, error.statusCode ?? 400, { error: error.message });
        }
        request.log.error({ err: error }, 'admin error');
        return refuse(reply, 500, { error: 'internal error' });
      });

      const { faults, journal, clock, data, shared } = plane;
      const body = { bodyLimit: ADMIN_BODY_LIMIT };
      /** With replicas: answers once the change is shared with every replica. */
      const synced = async <T>(result: T): Promise<T> => {
        await shared?.settled();
        return result;
      };

      admin.get('/health', async () => ({
        status: 'ok',
        version: pkg.version,
        apps: data.apps().length,
        faults: plane.rules.activeCount,
        journal: { size: journal.size, capacity: journal.capacity },
        clock: clock.state(),
      }));
      admin.get('/ready', async (_request, reply): Promise<Ready> => {
        const reason = await notReady();
        if (reason === undefined) return { status: 'ready' };
        reply.code(503);
        return { status: 'not ready', reason };
      });
      admin.setNotFoundHandler((request, reply) =>
        refuse(reply, 404, {
          error: `no admin operation ${request.method} ${request.url.replace(/\?.*$/s, '')}`,
        }),
      );
      admin.post('/reset', body, async () => {
        plane.reset();
        return synced({ status: 'ok' });
      });

      admin.post('/faults', body, async (request, reply) =>
        reply.code(201).send(await synced(faults.add(jsonBody(request.body) as never))),
      );
      admin.get('/faults', async () => ({ faults: shared ? await shared.faults() : faults.list() }));
      admin.delete('/faults', async () => ({ removed: await synced(faults.remove()) }));
      admin.delete('/faults/:id', async (request) => ({
        removed: await synced(faults.remove((request.params as { id: string }).id)),
      }));

      // With replicas the journal is the shared one: every replica's requests.
      const filter = (query: unknown) => parseInput(JournalQuerySchema, query, 'journal filter');
      admin.get('/requests', async (request) => {
        const f = filter(request.query);
        return { requests: shared ? await shared.requests(f) : journal.list(f) };
      });
      admin.get('/requests/count', async (request) => {
        const f = filter(request.query);
        return { count: shared ? await shared.count(f) : journal.count(f) };
      });
      admin.delete('/requests', async () => ({ removed: shared ? await shared.clear() : journal.clear() }));

      admin.get('/clock', async () => clock.state());
      admin.put('/clock', body, async (request) => synced(clock.set(jsonBody(request.body) as never)));
      admin.delete('/clock', async () => synced(clock.reset()));

      admin.get('/apps', async () => ({ apps: data.apps() }));
      admin.post('/apps', body, async (request, reply) =>
        reply.code(201).send(data.addApp(jsonBody(request.body) as never)),
      );
      admin.put('/apps/:sdkappid/days', body, async (request) =>
        synced(data.set(sdkappidParam(request.params), jsonBody(request.body) as never)),
      );
      admin.delete('/apps/:sdkappid/days', async (request) =>
        synced(data.clear(sdkappidParam(request.params))),
      );
    },
    { prefix: ADMIN_PREFIX },
  );
}
