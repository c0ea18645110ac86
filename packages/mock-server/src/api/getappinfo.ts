import { randomBytes } from 'node:crypto';
import {
  type ErrorCode,
  type ErrorInfoValues,
  type Fidelity,
  GETAPPINFO_PATH,
  MAX_RANDOM,
  SDKAPPID_PATTERN,
} from '@timock/schema';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { isStoreUnavailable } from '../errors.js';
import { LruCache } from '../state/lru.js';
import { ALL_FIELDS, type FieldMask, failureBody, fieldMask, withRequestId } from './answers.js';
import { type AppRegistry, AppState } from './apps.js';
import type { OwnErrorCode } from './own-codes.js';
import { listed, quoted } from './reasons.js';
import { beijingDayNumber } from './time.js';
import { userSigReason, verdictAt } from './usersig.js';

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
  }
}

/** The collaborators of the route. */
export interface GetAppInfoDeps {
  registry: AppRegistry;
  now: () => number;
  /** The behaviours where reality is unknown (resolved `fidelity` option). */
  fidelity: Fidelity;
}

/** A refusal: its code, why (one line, no secret), and the values its `ErrorInfo` names (70014: both SDKAppIDs). */
export interface Refusal {
  code: OwnErrorCode;
  reason: string;
  values?: ErrorInfoValues;
}

/** `content-type` of every answer. */
const JSON_TYPE = 'application/json';
const RANDOM = /^\d{1,10}$/;

const single = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

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

/**
 * The query-string checks of the behaviour table before the rate limit, in order: method (60002, with
 * `fidelity.methodCheck` `first` only), `contenttype` (60002), `random` when present, or when missing
 * with `fidelity.requireRandom` (60002), `sdkappid` missing (60012), not numeric or unknown (70020).
 *
 * @returns the app when every check passes, else the refusal
 */
export function findApp(
  method: string,
  query: Readonly<Record<string, unknown>>,
  registry: AppRegistry,
  fidelity: Pick<Fidelity, 'methodCheck' | 'requireRandom'>,
): AppState | Refusal {
  if (method !== 'POST' && fidelity.methodCheck === 'first') {
    return { code: 60002, reason: `method ${quoted(method)} is not POST (methodCheck first)` };
  }
  if (query.contenttype !== 'json')
    return { code: 60002, reason: `contenttype ${shown(query.contenttype)}, not 'json'` };
  if (query.random !== undefined || fidelity.requireRandom) {
    const random = single(query.random);
    if (random === undefined || !RANDOM.test(random) || Number(random) > MAX_RANDOM) {
      return { code: 60002, reason: `random ${shown(query.random)}, not an integer 0..${MAX_RANDOM}` };
    }
  }
  const rawAppId = query.sdkappid;
  if (rawAppId === undefined || rawAppId === '')
    return { code: 60012, reason: 'sdkappid missing from the query' };
  const sdkappid = single(rawAppId);
  if (sdkappid === undefined || !SDKAPPID_PATTERN.test(sdkappid)) {
    return { code: 70020, reason: `sdkappid ${shown(rawAppId)} is not an SDKAppID (a positive integer)` };
  }
  const app = registry.get(Number(sdkappid));
  if (app !== undefined) return app;
  const served = registry.list().map((a) => a.config.sdkappid);
  return { code: 70020, reason: `no app ${sdkappid} (this fake serves ${listed(served)})` };
}

/** A query value as a reason shows it: quoted, `missing`, or `given N times`. */
function shown(value: unknown): string {
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return `given ${value.length} times`;
  return quoted(String(value));
}

/**
 * The checks after the rate limit, in order: UserSig (70002/70003/70014/70013/70001/70009), then admin
 * (60010).
 *
 * @returns the refusal, or `undefined` when the caller may read the app's data
 */
export function checkCaller(
  app: AppState,
  query: Readonly<Record<string, unknown>>,
  nowMs: number,
): Refusal | undefined {
  const usersig = single(query.usersig);
  if (usersig === undefined || usersig === '') {
    return { code: 70002, reason: usersig === '' ? 'usersig is empty' : `usersig ${shown(query.usersig)}` };
  }
  const identifier = single(query.identifier) ?? '';
  const inspection = app.inspect(usersig, identifier);
  const nowSeconds = Math.floor(nowMs / 1000);
  const verdict = verdictAt(inspection, nowSeconds);
  const { sdkappid, admins } = app.config;
  if (!verdict.ok) {
    const reason =
      userSigReason(inspection, nowSeconds, { sdkappid, identifier }) ?? `UserSig refused (${verdict.code})`;
    return verdict.usersigSdkappid === undefined
      ? { code: verdict.code, reason }
      : { code: verdict.code, reason, values: { sdkappid, usersigSdkappid: verdict.usersigSdkappid } };
  }
  if (!app.admins.has(identifier)) {
    return {
      code: 60010,
      reason: `identifier ${quoted(identifier)} is not an admin of app ${sdkappid} (admins: ${listed(admins)})`,
    };
  }
  return undefined;
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

/** A shared store failed: 70500 (its outage is logged once by the store; anything else is logged here). */
export function sendStoreFailure(request: FastifyRequest, reply: FastifyReply, error: unknown): void {
  if (!isStoreUnavailable(error)) request.log.error({ err: error }, 'state store error');
  sendFailure(request, reply, { code: 70500, reason: 'the shared state store failed (see the server log)' });
}

/**
 * Reads the request body (a raw Buffer from the server's catch-all parser) as the `RequestField`
 * field set: `null` for every field (no `RequestField`; also `[]` and `{"RequestField":null}` unless
 * `fidelity` refuses them); `undefined` (130001) for a body that is not JSON, not an object, or whose
 * `RequestField` is not an array of strings.
 */
export function parseRequestField(
  body: unknown,
  fidelity: Pick<Fidelity, 'arrayBody' | 'nullRequestField'>,
): string[] | null | undefined {
  const read = readRequestField(body, fidelity);
  return typeof read === 'string' ? undefined : read;
}

/** Why a body is refused with 130001 (call it only then): e.g. `body is not JSON`. */
export function bodyReason(
  body: unknown,
  fidelity: Pick<Fidelity, 'arrayBody' | 'nullRequestField'>,
): string {
  const read = readRequestField(body, fidelity);
  return typeof read === 'string' ? read : 'body refused';
}

/** {@link parseRequestField}, with the reason (a string) instead of `undefined`. */
function readRequestField(
  body: unknown,
  fidelity: Pick<Fidelity, 'arrayBody' | 'nullRequestField'>,
): string[] | null | string {
  if (!Buffer.isBuffer(body) || body.length === 0) return 'body is empty (send {} for every field)';
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return 'body is not JSON';
  }
  if (Array.isArray(parsed)) {
    if (parsed.length === 0 && fidelity.arrayBody === 'all-fields') return null;
    return parsed.length === 0
      ? 'body is [], not an object (arrayBody refuse)'
      : 'body is a JSON array, not an object';
  }
  if (parsed === null || typeof parsed !== 'object')
    return `body is JSON ${parsed === null ? 'null' : typeof parsed}, not an object`;
  if (!Object.hasOwn(parsed, 'RequestField')) return null;
  const list = (parsed as { RequestField: unknown }).RequestField;
  if (list === null) {
    return fidelity.nullRequestField === 'all-fields'
      ? null
      : 'RequestField is null, not an array (nullRequestField refuse)';
  }
  if (!Array.isArray(list)) return `RequestField is ${typeof list}, not an array`;
  if (!list.every((x) => typeof x === 'string'))
    return 'RequestField is an array with an item that is not a string';
  return list;
}

/** Bodies longer than this are parsed every time, never cached (a cache of them would hold much memory). */
const MAX_CACHED_BODY_BYTES = 1024;
/** How many distinct bodies a server remembers the field set of. */
const FIELD_SET_CACHE_SIZE = 256;
const INVALID = -1;

/**
 * The field set of a request body, by the body's text: `{}` is recognised without parsing, other short
 * bodies are parsed once and remembered (bounded), long ones parsed each time.
 *
 * @returns the {@link FieldMask}, or `undefined` for a body that is not a valid `RequestField` (130001)
 */
export function createFieldSetReader(
  fidelity: Pick<Fidelity, 'arrayBody' | 'nullRequestField'>,
): (body: unknown) => FieldMask | undefined {
  const cache = new LruCache<string, FieldMask>(FIELD_SET_CACHE_SIZE);
  const resolve = (body: unknown): FieldMask => {
    const fields = parseRequestField(body, fidelity);
    return fields === undefined ? INVALID : fieldMask(fields ?? undefined);
  };
  return (body) => {
    if (!Buffer.isBuffer(body)) return undefined;
    // `{}`: the full pull, the most common body.
    if (body.length === 2 && body[0] === 0x7b && body[1] === 0x7d) return ALL_FIELDS;
    let mask: FieldMask | undefined;
    if (body.length > MAX_CACHED_BODY_BYTES) mask = resolve(body);
    else {
      const text = body.toString('latin1'); // one char per byte: distinct bodies, distinct keys
      mask = cache.get(text);
      if (mask === undefined) {
        mask = resolve(body);
        cache.set(text, mask);
      }
    }
    return mask === INVALID ? undefined : mask;
  };
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
export function registerGetAppInfo(server: FastifyInstance, deps: GetAppInfoDeps): void {
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
}
