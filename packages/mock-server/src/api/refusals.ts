import type { ErrorCode, ErrorInfoValues } from '@timock/schema';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isStoreUnavailable } from '../errors.js';
import { failureBody } from './answers.js';
import type { OwnErrorCode } from './own-codes.js';

/** A refusal: its code, why (one line, no secret), and the values its `ErrorInfo` names (70014: both SDKAppIDs). */
export interface Refusal {
  code: OwnErrorCode;
  reason: string;
  values?: ErrorInfoValues;
}

/** `content-type` of every answer. */
export const JSON_TYPE = 'application/json';

/** Sends the failure envelope of a refusal the fake answers on its own (HTTP 200, `application/json`). */
export function sendFailure(request: FastifyRequest, reply: FastifyReply, refusal: Refusal): FastifyReply {
  return sendInjectedFailure(request, reply, refusal.code, refusal.reason, refusal.values);
}

/**
 * Sends the failure envelope of any catalogue code: a fault's `errorCode` (HTTP 200, `application/json`),
 * and records `reason` in the request's state (after a fault's own reason, when one fired first).
 * A text naming values takes them from `values`, else the request's `sdkappid`.
 */
export function sendInjectedFailure(
  request: FastifyRequest,
  reply: FastifyReply,
  code: ErrorCode,
  reason: string,
  values?: ErrorInfoValues,
): FastifyReply {
  const state = request.timock;
  if (state) {
    state.code = code;
    state.reason =
      state.reason === undefined || state.reason === reason ? reason : `${state.reason}; ${reason}`;
  }
  // The request's state names its `sdkappid`: the values of an injected 70014 (nothing is allocated).
  const body = failureBody(code, values ?? state ?? undefined);
  return reply.code(200).header('content-type', JSON_TYPE).send(body);
}

/** A shared store failed: 70500 (its outage is logged once by the store; anything else is logged here). */
export function sendStoreFailure(request: FastifyRequest, reply: FastifyReply, error: unknown): void {
  if (!isStoreUnavailable(error)) request.log.error({ err: error }, 'state store error');
  sendFailure(request, reply, { code: 70500, reason: 'the shared state store failed (see the server log)' });
}
