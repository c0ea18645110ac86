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
import { newRequestState } from '../request-state.js';
import { type AdminAccess, mayExplain, mayOverride } from './access.js';
import type { MockControls } from './controls.js';
import { FaultActions } from './fault-actions.js';
import { type FaultAction, parseFaultHeader } from './faults.js';
import type { ControlPlane } from './plane.js';

type Hook = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void;

/** Where the vendor's API routes live; only they are faulted. */
const API_PREFIX = '/v4/';

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

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
  const actions = new FaultActions(journal, clock.now);

  // Typed for the default mode, in memory (see `FastifyInstance.timock`); with replicas its calls return Promises.
  server.decorate('timock', plane.controls as MockControls);
  server.decorateRequest('timockFault', null);
  server.decorateRequest('timockStart', 0);

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
      actions.act(request, reply, fromHeader ?? fire(target), go);
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
      actions.act(request, reply, fire(target), () => handler.call(this, request, reply));
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
      journal.write(
        state,
        request.method,
        reply.statusCode,
        actions.latency(request, reply),
        request.timockFault,
      );
    }
    done(null, payload);
  });

  // A close lets delayed requests finish (the server drops what is left at its drain deadline); once
  // every connection is gone, the timers of dropped ones are cleared.
  server.addHook('onClose', (_instance, done) => {
    actions.dropDelayed();
    done();
  });
}
