import { STATUS_CODES } from 'node:http';
import { ADMIN_TOKEN_HEADER, FAULT_HEADER, type Fidelity, REASON_HEADER } from '@timock/schema';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  RouteHandlerMethod,
} from 'fastify';
import { fieldMask } from '../api/answers.js';
import { parseRequestField } from '../api/field-sets.js';
import { sendInjectedFailure, sendStoreFailure } from '../api/refusals.js';
import { newRequestState } from '../request-state.js';
import { type AdminAccess, mayExplain, mayOverride } from './access.js';
import type { MockControls } from './controls.js';
import { type FaultAction, faultReason, parseFaultHeader } from './faults.js';
import type { ControlPlane } from './plane.js';

type Hook = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void;

/** Where the vendor's API routes live; only they are faulted. */
const API_PREFIX = '/v4/';

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** A gateway-like HTML page for an HTTP-status fault, e.g. `502 Bad Gateway`. */
export function gatewayPage(status: number): string {
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  return `<html><head><title>${title}</title></head><body><h1>${title}</h1><hr>timock</body></html>\n`;
}

const queryOf = (request: FastifyRequest) => (request.query ?? {}) as Record<string, unknown>;

/**
 * Hooks the control plane into the server at one place, around the routes: faults before each API
 * route's own checks (and, for rules naming `fields`, before its handler, once the body is read), the
 * journal when the answer is sent; pending fault delays run on while the server drains (see `drainTimeout`).
 * With no fault in play, the request path pays a flag test (and a header lookup when the header is
 * allowed) and an O(1) journal write.
 *
 * @param access - who may use the per-request fault header; `undefined` ignores the header (admin API off)
 * @param fidelity - how the route reads a body (`[]`, `{"RequestField":null}`), for rules naming `fields`
 */
export function attachControlPlane(
  server: FastifyInstance,
  plane: ControlPlane,
  access: AdminAccess | undefined,
  fidelity: Pick<Fidelity, 'arrayBody' | 'nullRequestField'>,
): void {
  const { rules, requests: journal, serverClock: clock, fire } = plane;
  const delays = new Map<NodeJS.Timeout, FastifyRequest>();

  // Typed for the default mode, in memory (see `FastifyInstance.timock`); with replicas its calls return Promises.
  server.decorate('timock', plane.controls as MockControls);
  server.decorateRequest('timockFault', null);
  server.decorateRequest('timockStart', 0);
  /** Real ms since the request reached its route (Fastify's own timer runs only when logging). */
  const latency = (request: FastifyRequest, reply: FastifyReply) =>
    request.timockStart > 0 ? performance.now() - request.timockStart : reply.elapsedTime;

  /** Writes the journal entry of a dropped request (it never sends an answer). */
  const journalDrop = (request: FastifyRequest, reply: FastifyReply) => {
    const state = request.timock;
    if (state !== null) journal.write(state, request.method, 0, latency(request, reply), request.timockFault);
  };

  /** Lets the route answer, then sends only the first half of the body and destroys the connection. */
  const truncate = (reply: FastifyReply) => {
    const res = reply.raw;
    res.end = ((chunk?: unknown) => {
      const body = Buffer.isBuffer(chunk) ? chunk : Buffer.from(typeof chunk === 'string' ? chunk : '');
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
      journalDrop(request, reply);
      request.raw.destroy();
    } else if (action.errorCode !== undefined) {
      sendInjectedFailure(request, reply, action.errorCode, request.timock!.reason!);
    } else if (action.httpStatus !== undefined) {
      reply
        .code(action.httpStatus)
        .header('content-type', 'text/html; charset=utf-8')
        .send(gatewayPage(action.httpStatus));
    } else {
      if (action.truncate) truncate(reply);
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
    request.timock.reason = faultReason(action);
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

  /** The fault check before the route's own first `onRequest` step (`next`), or alone. */
  const beforeRoute = (path: string, next: Hook | undefined): Hook =>
    function faultsBeforeRoute(this: unknown, request, reply, done) {
      request.timockStart = performance.now();
      const go = next === undefined ? done : () => next.call(this, request, reply, done);
      if (!rules.armed && (access === undefined || request.headers[FAULT_HEADER] === undefined)) return go();
      const fromHeader = headerAction(request);
      if (typeof fromHeader === 'string') {
        const error = `invalid ${FAULT_HEADER} header: ${fromHeader}`;
        request.timock = newRequestState(request.query, clock.now());
        request.timock.reason = error;
        reply.code(400).send({ error });
        return;
      }
      const q = queryOf(request);
      const target = { sdkappid: q.sdkappid, identifier: q.identifier, path };
      act(request, reply, fromHeader ?? fire(target), go);
    };

  /** The check of rules naming `fields`, once the body is read, before the route's handler. */
  const afterBody = (path: string, handler: RouteHandlerMethod): RouteHandlerMethod =>
    function faultsAfterBody(this: FastifyInstance, request, reply) {
      if (!rules.armedForBody || request.timockFault !== null) return handler.call(this, request, reply);
      const fields = parseRequestField(request.body, fidelity);
      const q = queryOf(request);
      if (fields === undefined) return handler.call(this, request, reply);
      const target = {
        sdkappid: q.sdkappid,
        identifier: q.identifier,
        path,
        fields: fieldMask(fields ?? undefined),
      };
      act(request, reply, fire(target), () => handler.call(this, request, reply));
    };

  // Each API route (under /v4/) gets the fault checks wrapped around its first step and its handler
  // (cheaper on the hot path than extra hooks); the admin API and the docs pages are never faulted.
  server.addHook('onRoute', (route) => {
    if (!route.url.startsWith(API_PREFIX)) return;
    const [first, ...rest] = asArray(route.onRequest) as Hook[];
    route.onRequest = [beforeRoute(route.url, first), ...rest];
    route.handler = afterBody(route.url, route.handler);
  });

  // The journal writes when the answer is sent (an onResponse hook would make Fastify listen to every
  // response's events, a cost on each request); latency is measured up to that point.
  // A refused or faulted request's reason goes into a header for callers of the admin API only.
  server.addHook('onSend', (request, reply, payload, done) => {
    const state = request.timock;
    if (state !== null) {
      if (state.reason !== undefined && access !== undefined && mayExplain(access, request)) {
        reply.header(REASON_HEADER, state.reason);
      }
      journal.write(state, request.method, reply.statusCode, latency(request, reply), request.timockFault);
    }
    done(null, payload);
  });

  // A close lets delayed requests finish (the server drops what is left at its drain deadline); once
  // every connection is gone, the timers of dropped ones are cleared.
  server.addHook('onClose', (_instance, done) => {
    for (const [timer, request] of delays) {
      clearTimeout(timer);
      request.raw.destroy();
    }
    delays.clear();
    done();
  });
}
