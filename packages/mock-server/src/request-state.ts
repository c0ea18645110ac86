import type { FieldMask } from './api/answers.js';
import type { AppState } from './api/apps.js';

/** What the server learns about one request as it goes (for the log line and the journal). */
export interface RequestState {
  /** The `sdkappid` query value as sent (when it is a single value). */
  sdkappid: string | undefined;
  /** The `identifier` query value as sent (when it is a single value). */
  identifier: string | undefined;
  /** The answer's `ErrorCode` (0 = success); `undefined` until answered. */
  code: number | undefined;
  /** The requested field set, once the body is read (for the journal). */
  fields: FieldMask | undefined;
  /** The app, once found and authorised. */
  app: AppState | undefined;
  /** The clock reading for this request, epoch ms. */
  nowMs: number;
  /** Why the request was refused or faulted (set only then; never holds a key, a UserSig or a token). */
  reason: string | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** timock's per-request state; `null` before the route's first hook runs. */
    timock: RequestState | null;
    /** The id of the fault that fired for this request (`header` for the header), or `null`. */
    timockFault: string | null;
    /** `performance.now()` when the request reached its API route (0 before), for the journal's latency. */
    timockStart: number;
  }
}

/** A query value when it was given once (a repeated name parses as an array). */
export const single = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A fresh {@link RequestState} for a request, with the query's `sdkappid` and `identifier` (for logging). */
export function newRequestState(query: unknown, nowMs: number): RequestState {
  const q = (query ?? {}) as Record<string, unknown>;
  return {
    sdkappid: single(q.sdkappid),
    identifier: single(q.identifier),
    code: undefined,
    fields: undefined,
    app: undefined,
    nowMs,
    reason: undefined,
  };
}
