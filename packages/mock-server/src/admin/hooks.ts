import { STATUS_CODES } from 'node:http';
import { ADMIN_PREFIX, ADMIN_TOKEN_HEADER, FAULT_HEADER } from '@timock/schema';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { fieldMask } from '../envelope.js';
import { newRequestState, parseRequestField, sendFailure, sendStoreFailure } from '../routes/getappinfo.js';
import { type AdminAccess, mayOverride } from './access.js';
import type { ControlPlane, MockControls } from './control.js';
import { type FaultAction, parseFaultHeader } from './faults.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The id of the fault that fired for this request (`header` for the header), or `null`. */
    timockFault: string | null;
  }
  interface FastifyInstance {
    /** The fake's typed controls: faults, journal, clock, data, reset. */
    timock: MockControls;
  }
}

type Hook = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void;

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** A gateway-like HTML page for an HTTP-status fault, e.g. `502 Bad Gateway`. */
export function gatewayPage(status: number): string {
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  return `<html><head><title>${title}</title></head><body><h1>${title}</h1><hr>timock</body></html>\n`;
}

const queryOf = (request: FastifyRequest) => (request.query ?? {}) as Record<string, unknown>;

/**
 * Hooks the control plane into the server at one place, around the routes: faults before each API
 * route's own checks (and, for rules naming `fields`, once its body is read), the journal after every
 * answer, and cancellation of pending fault delays when the server closes. With no fault in play, the
 * only cost on the request path is a flag test (and a header lookup when the header is allowed).
 *
 * @param access - who may use the per-request fault header; `undefined` ignores the header (admin API off)
 */
export function attachControlPlane(
  server: FastifyInstance,
  plane: ControlPlane,
  access: AdminAccess | undefined,
): void {
  const { rules, requests: journal, serverClock: clock } = plane;
  const delays = new Map<NodeJS.Timeout, FastifyRequest>();

  server.decorate('timock', plane as MockControls);
  server.decorateRequest('timockFault', null);

  /** Writes the journal entry of a request whose answer never reaches `onResponse`. */
  const journalNow = (request: FastifyRequest, reply: FastifyReply, status: number) => {
    const state = request.timock;
    if (state === null) return;
    journal.write(state, request.method, status, reply.elapsedTime, request.timockFault);
    request.timock = null;
  };

  /** Lets the route answer, then sends only the first half of the body and destroys the connection. */
  const truncate = (request: FastifyRequest, reply: FastifyReply) => {
    const res = reply.raw;
    res.end = ((chunk?: unknown) => {
      const body = Buffer.isBuffer(chunk) ? chunk : Buffer.from(typeof chunk === 'string' ? chunk : '');
      journalNow(request, reply, res.statusCode);
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.destroy());
      return res;
    }) as typeof res.end;
  };

  const finish = (
    request: FastifyRequest,
    reply: FastifyReply,
    action: FaultAction,
    done: HookHandlerDoneFunction,
  ) => {
    if (action.drop) {
      reply.hijack();
      journalNow(request, reply, 0);
      request.raw.destroy();
    } else if (action.errorCode !== undefined) {
      sendFailure(request, reply, action.errorCode);
    } else if (action.httpStatus !== undefined) {
      reply
        .code(action.httpStatus)
        .header('content-type', 'text/html; charset=utf-8')
        .send(gatewayPage(action.httpStatus));
    } else {
      if (action.truncate) truncate(request, reply);
      done();
    }
  };

  const perform = (
    request: FastifyRequest,
    reply: FastifyReply,
    action: FaultAction,
    done: HookHandlerDoneFunction,
  ) => {
    request.timockFault = action.id;
    request.timock ??= newRequestState(request.query, clock.now());
    if (action.delayMs === 0) return finish(request, reply, action, done);
    const timer = setTimeout(() => {
      delays.delete(timer);
      finish(request, reply, action, done);
    }, action.delayMs);
    delays.set(timer, request);
  };

  /** Performs a fault, or goes on when none fired; with replicas, the firing may come as a Promise (70500 when it fails). */
  const act = (
    request: FastifyRequest,
    reply: FastifyReply,
    action: FaultAction | Promise<FaultAction | undefined> | undefined,
    done: HookHandlerDoneFunction,
  ) => {
    if (action === undefined) return done();
    if (!(action instanceof Promise)) return perform(request, reply, action, done);
    action.then(
      (fired) => (fired === undefined ? done() : perform(request, reply, fired, done)),
      (error: unknown) => {
        request.timock ??= newRequestState(request.query, clock.now());
        sendStoreFailure(request, reply, error);
      },
    );
  };

  /** The per-request header's action, `undefined` when absent or not allowed, or a reason it is invalid. */
  const headerAction = (request: FastifyRequest): FaultAction | string | undefined => {
    const raw = request.headers[FAULT_HEADER];
    if (raw === undefined || access === undefined) return undefined;
    if (!mayOverride(access, request.headers[ADMIN_TOKEN_HEADER], request.socket.remoteAddress))
      return undefined;
    return parseFaultHeader(Array.isArray(raw) ? raw.join(',') : raw);
  };

  const beforeRoute =
    (path: string): Hook =>
    (request, reply, done) => {
      if (!rules.armed && (access === undefined || request.headers[FAULT_HEADER] === undefined))
        return done();
      const fromHeader = headerAction(request);
      if (typeof fromHeader === 'string') {
        request.timock = newRequestState(request.query, clock.now());
        reply.code(400).send({ error: `invalid ${FAULT_HEADER} header: ${fromHeader}` });
        return;
      }
      const q = queryOf(request);
      const target = { sdkappid: q.sdkappid, identifier: q.identifier, path };
      act(request, reply, fromHeader ?? (rules.shared ? rules.fireShared(target) : rules.fire(target)), done);
    };

  const afterBody =
    (path: string): Hook =>
    (request, reply, done) => {
      if (!rules.armedForBody || request.timockFault !== null) return done();
      const fields = parseRequestField(request.body);
      if (fields === undefined) return done();
      const q = queryOf(request);
      const target = {
        sdkappid: q.sdkappid,
        identifier: q.identifier,
        path,
        fields: fieldMask(fields ?? undefined),
      };
      act(request, reply, rules.shared ? rules.fireShared(target) : rules.fire(target), done);
    };

  server.addHook('onRoute', (route) => {
    if (route.url.startsWith(ADMIN_PREFIX)) return;
    route.onRequest = [beforeRoute(route.url), ...asArray(route.onRequest)];
    route.preHandler = [...asArray(route.preHandler), afterBody(route.url)];
  });

  server.addHook('onResponse', (request, reply, done) => {
    const state = request.timock;
    if (state !== null)
      journal.write(state, request.method, reply.statusCode, reply.elapsedTime, request.timockFault);
    done();
  });

  server.addHook('preClose', (done) => {
    for (const [timer, request] of delays) {
      clearTimeout(timer);
      request.raw.destroy();
    }
    delays.clear();
    done();
  });
}
