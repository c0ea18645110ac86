import { ADMIN_PREFIX, type AdminError } from '@timock/schema';
import {
  ADMIN_OPERATION_IDS,
  ADMIN_OPERATIONS,
  type AdminAnswer,
  type AdminBody,
  type AdminOperation,
  type AdminOperationId,
  type AdminParams,
  type AdminQuery,
  NO_INPUT,
} from '@timock/schema/admin';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { ControlError, type ControlErrorCode, isControlError, isStoreUnavailable } from '../errors.js';
import { jsonErrorReason } from '../plugins/redaction.js';
import { type AdminAccess, bearerMatches, isLoopback } from './access.js';
import { type AdminHandlers, type AdminInput, adminHandlers, type NotReady } from './admin-handlers.js';
import { parseInput } from './input.js';
import type { ControlPlane } from './plane.js';

export type { NotReady } from './admin-handlers.js';

/** Largest admin request body, in bytes (a days document for every field of 30 days fits easily). */
const ADMIN_BODY_LIMIT = 1 << 20;

const STATUS_OF: Record<ControlErrorCode, number> = {
  TIMOCK_INVALID_INPUT: 400,
  TIMOCK_UNKNOWN_APP: 404,
  TIMOCK_UNKNOWN_FAULT: 404,
  TIMOCK_DUPLICATE_APP: 409,
  TIMOCK_LIMIT_REACHED: 409,
};

/** The readiness probe: it answers every caller (it tells only whether the fake can serve). */
const READY_URL = `${ADMIN_PREFIX}${ADMIN_OPERATIONS.adminReady.path}`;

const refuse = (reply: FastifyReply, status: number, body: AdminError) => reply.code(status).send(body);

/** The refusal of a path that names no admin operation. */
const noOperation = (request: FastifyRequest, reply: FastifyReply) =>
  refuse(reply, 404, { error: `no admin operation ${request.method} ${request.url.replace(/\?.*$/s, '')}` });

/** The JSON of a raw body (the server reads every body as bytes); an empty body is `{}`. */
function jsonBody(body: unknown): unknown {
  if (!Buffer.isBuffer(body) || body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new ControlError('TIMOCK_INVALID_INPUT', `the body is not JSON: ${jsonErrorReason(error)}`);
  }
}

/** Checks who calls: the token when one is set, else a loopback address; the readiness probe answers all. */
function guard(admin: FastifyInstance, access: AdminAccess): void {
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
      error: 'the admin API answers loopback callers only; start the fake with --admin-token to allow others',
    });
  });
}

/** Answers a failed call: its {@link ControlError} status, 503 for the shared store, else 500. */
function handleErrors(admin: FastifyInstance): void {
  admin.setErrorHandler((error: FastifyError | ControlError, request, reply) => {
    if (isControlError(error)) {
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
  admin.setNotFoundHandler(noOperation);
}

/** An operation of the table, with the types its request parts parse to. */
interface Operation<P, Q, B> extends Omit<AdminOperation, 'params' | 'query' | 'body'> {
  params: z.ZodType<P>;
  query: z.ZodType<Q>;
  body: z.ZodType<B>;
}

/** The table, each operation typed by its own parts (so that a generic id keeps them apart). */
const OPERATIONS: {
  [K in AdminOperationId]: Operation<AdminParams<K>, AdminQuery<K>, AdminBody<K>>;
} = ADMIN_OPERATIONS;

/** True for the schema of a request part the operation does not take. */
const absent = (schema: z.ZodType): boolean => schema === NO_INPUT;

/**
 * Registers one operation of the table: its query and body are checked against the table's schemas
 * (400 with the issues), a path parameter that does not match its pattern names no operation (404).
 */
function registerOperation<P, Q, B, R>(
  admin: FastifyInstance,
  id: string,
  op: Operation<P, Q, B>,
  handler: (input: AdminInput<P, Q, B>, reply: FastifyReply) => Promise<R>,
): void {
  const what = op.input ?? id;
  admin.route({
    method: op.method,
    url: op.path.replace(/\{(\w+)\}/g, ':$1'),
    ...(op.method === 'post' || op.method === 'put' ? { bodyLimit: ADMIN_BODY_LIMIT } : {}),
    handler: async (request, reply) => {
      const params = op.params.safeParse(absent(op.params) ? undefined : request.params);
      if (!params.success) return noOperation(request, reply);
      const query = parseInput(op.query, absent(op.query) ? undefined : request.query, what);
      const body = parseInput(op.body, absent(op.body) ? undefined : jsonBody(request.body), what);
      reply.code(op.status);
      return handler({ params: params.data, query, body }, reply);
    },
  });
}

/**
 * Registers the admin API under `/__admin` from the operations table of `@timock/schema/admin` (JSON in,
 * JSON out). With a token, every call needs `Authorization: Bearer <token>` (401 otherwise, compared in
 * constant time); without one, only loopback callers are answered (403 otherwise), except by `GET
 * /ready`, the readiness probe. Refusals are `{ "error": "...", "issues"?: [...] }`; an unknown path or
 * method is a 404 refusal.
 *
 * @param notReady - why the fake cannot serve now, for `GET /ready`
 */
export function registerAdminRoutes(
  server: FastifyInstance,
  plane: ControlPlane,
  access: AdminAccess,
  notReady: NotReady,
): void {
  const handlers: AdminHandlers = adminHandlers(plane, notReady);
  server.register(
    async (admin) => {
      guard(admin, access);
      handleErrors(admin);
      // Generic in the id, so that each operation's handler is checked against its own schemas.
      const register = <K extends AdminOperationId>(id: K) =>
        registerOperation<AdminParams<K>, AdminQuery<K>, AdminBody<K>, AdminAnswer<K>>(
          admin,
          id,
          OPERATIONS[id],
          handlers[id],
        );
      for (const id of ADMIN_OPERATION_IDS) register(id);
    },
    { prefix: ADMIN_PREFIX },
  );
}
