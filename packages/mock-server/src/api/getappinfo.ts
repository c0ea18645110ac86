import { randomBytes } from 'node:crypto';
import { type Fidelity, GETAPPINFO_PATH } from '@timock/schema';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import fp from 'fastify-plugin';
import { newRequestState } from '../request-state.js';
import { withRequestId } from './answers.js';
import { type AppRegistry, AppState } from './apps.js';
import { checkCaller, findApp } from './checks.js';
import { bodyReason, createFieldSetReader } from './field-sets.js';
import { quoted } from './reasons.js';
import { JSON_TYPE, sendFailure, sendStoreFailure } from './refusals.js';
import { beijingDayNumber } from './time.js';

/** The collaborators of the route. */
export interface GetAppInfoDeps {
  registry: AppRegistry;
  now: () => number;
  /** The behaviours where reality is unknown (resolved `fidelity` option). */
  fidelity: Fidelity;
}

/**
 * Continues a request once the rate limiter has answered: 60007, a caller check's code, 60008 for a
 * method other than POST, or on to the handler.
 */
function admit(
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
  app: AppState,
  accepted: boolean,
): void {
  if (!accepted) {
    const { sdkappid, rateLimitPerSecond } = app.config;
    sendFailure(request, reply, {
      code: 60007,
      reason: `rate limit: ${rateLimitPerSecond} calls within the last second for app ${sdkappid}`,
    });
    return;
  }
  const state = request.timock!;
  const refusal = checkCaller(app, request.query as Record<string, unknown>, state.nowMs);
  if (refusal !== undefined) {
    sendFailure(request, reply, refusal);
    return;
  }
  // A method other than POST that passed every check (`fidelity.methodCheck` `last`): its body is never read.
  if (request.method !== 'POST') {
    const reason = `method ${quoted(request.method)} is not POST (checked after every other check: methodCheck last)`;
    sendFailure(request, reply, { code: 60008, reason });
    return;
  }
  state.app = app;
  done();
}

/** `Id-<32 hex>-O-Seq-<n>`, the shape of the `RequestId` newer gateways send (evidence D7). */
function requestIds(): () => string {
  let seq = 0;
  return () => `Id-${randomBytes(16).toString('hex')}-O-Seq-${++seq}`;
}

/**
 * Registers `/v4/openconfigsvr/getappinfo` for every method. The query checks run in the route's
 * `onRequest` hook (so a refused request never has its body read); the handler only looks up the field
 * set and the cached answer, and sends its pre-encoded bytes (a `Buffer`: no per-request encoding).
 * A method other than POST that passed every check gets 60008 (`fidelity.methodCheck` `last`).
 */
export const getAppInfoRoute = fp(registerGetAppInfo, { name: 'timock-getappinfo' });

function registerGetAppInfo(
  server: FastifyInstance,
  deps: GetAppInfoDeps,
  done: (err?: Error) => void,
): void {
  const { registry, now, fidelity } = deps;
  const fieldSet = createFieldSetReader(fidelity);
  // The newest day of `Result` is yesterday, or today with `includeToday`: the answer is keyed by the day after it.
  const dayAfterNewest = fidelity.includeToday ? 1 : 0;
  const nextRequestId = fidelity.successRequestId ? requestIds() : undefined;
  server.route({
    method: server.supportedMethods,
    url: `/${GETAPPINFO_PATH}`,
    onRequest: (request, reply, done) => {
      const query = request.query as Record<string, unknown>;
      const state = newRequestState(query, now());
      request.timock = state;
      const app = findApp(request.method, query, registry, fidelity);
      if (!(app instanceof AppState)) {
        sendFailure(request, reply, app);
        return;
      }
      // The in-memory limiter answers at once; a shared store answers with a Promise.
      const accepted = app.limiter.tryAcquire(state.nowMs);
      if (typeof accepted === 'boolean') {
        admit(request, reply, done, app, accepted);
        return;
      }
      accepted.then(
        (ok) => admit(request, reply, done, app, ok),
        (error: unknown) => sendStoreFailure(request, reply, error),
      );
    },
    handler: (request, reply) => {
      const state = request.timock!;
      const mask = fieldSet(request.body);
      if (mask === undefined) {
        return sendFailure(request, reply, { code: 130001, reason: bodyReason(request.body, fidelity) });
      }
      state.code = 0;
      state.fields = mask;
      const answer = state.app!.answer(beijingDayNumber(state.nowMs) + dayAfterNewest, mask);
      const body = nextRequestId ? withRequestId(answer, nextRequestId()) : answer;
      // No content-length of our own: Fastify measures every payload anyway (Buffer.byteLength of a
      // Buffer is its length) and would correct a stale one.
      return reply.header('content-type', JSON_TYPE).send(body);
    },
  });
  done();
}
