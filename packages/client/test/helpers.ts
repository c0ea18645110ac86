import { createHmac, timingSafeEqual } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import {
  EXAMPLE_FULL_RESPONSE,
  type UserSigDocument,
  UserSigDocumentSchema,
  userSigContent,
} from '@timock/schema';
import { MockAgent } from 'undici';
import type { Sleep } from '../src/options.js';

/** The demo app of the reference and of `@timock/mock-server`. */
export const APP = {
  sdkappid: 1400000000,
  secretKey: '4bd5f421d42f92390a839616f68545c92c4c4b55efc8d62ca74d17b130b81ed9',
} as const;

/** The reference's test key. */
export const REFERENCE_KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';

export const CHINA = 'https://console.tim.qq.com';
export const PATH = '/v4/openconfigsvr/getappinfo';

/**
 * A fake clock whose `sleep` never waits for real time: when the event loop has nothing else to do
 * (a `setImmediate` turn), time jumps to the earliest pending sleep and wakes it.
 */
export function fakeClock(startMs = 1_700_000_000_000) {
  let t = startMs;
  const timers: Array<{ at: number; wake: () => void }> = [];
  const sleeps: number[] = [];
  let scheduled = false;
  const fire = () => {
    scheduled = false;
    timers.sort((a, b) => a.at - b.at);
    const first = timers[0];
    if (!first) return;
    t = Math.max(t, first.at);
    while (timers[0] && timers[0].at <= t) timers.shift()?.wake();
    if (timers.length > 0) schedule();
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(fire);
  };
  const sleep: Sleep = (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      sleeps.push(ms);
      if (signal?.aborted) return reject(signal.reason);
      const timer = {
        at: t + ms,
        wake: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        timers.splice(timers.indexOf(timer), 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      timers.push(timer);
      schedule();
    });
  return {
    now: () => t,
    set: (ms: number) => {
      t = ms;
    },
    advance: (ms: number) => {
      t += ms;
    },
    sleep,
    /** Every duration asked of `sleep`, in order. */
    sleeps,
  };
}

/** What the fake saw of one request. */
export interface SeenRequest {
  origin: string | undefined;
  path: string;
  method: string;
  query: URLSearchParams;
  /** The raw query string, to check the encoding. */
  rawQuery: string;
  headers: Record<string, string>;
  body: string;
  /** The clock's time when the request reached the fake (with `scriptedAgent`'s `now`). */
  at: number;
}

/** What a MockAgent reply callback receives (undici does not export the type from its entry). */
interface ReplyOptions {
  path: string;
  method: string;
  headers?: Headers | Record<string, string>;
  origin?: string;
  body?: unknown;
}

function seen(opts: ReplyOptions, at: number): SeenRequest {
  const [path = '', rawQuery = ''] = opts.path.split('?');
  const headers: Record<string, string> = {};
  const h = opts.headers;
  const entries = h instanceof Headers ? [...h.entries()] : Object.entries(h ?? {});
  for (const [k, v] of entries) headers[k.toLowerCase()] = String(v);
  return {
    origin: opts.origin,
    path,
    method: opts.method,
    query: new URLSearchParams(rawQuery),
    rawQuery,
    headers,
    body: typeof opts.body === 'string' ? opts.body : String(opts.body),
    at,
  };
}

/** One scripted answer: a status (default 200) and a body (object = JSON, string = as is). */
export interface Answer {
  status?: number;
  body: object | string;
}

/**
 * A `MockAgent` (no network) for `origin` that records each request and answers from `answers` in
 * order, repeating the last one. `now` stamps each request's arrival.
 */
export function scriptedAgent(answers: Answer[], origin = CHINA, now: () => number = Date.now) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const requests: SeenRequest[] = [];
  const scope = agent
    .get(origin)
    .intercept({ path: (p) => p.startsWith(PATH), method: 'POST' })
    .reply((opts) => {
      requests.push(seen(opts, now()));
      const a = answers[Math.min(requests.length - 1, answers.length - 1)] as Answer;
      return {
        statusCode: a.status ?? 200,
        data: typeof a.body === 'string' ? a.body : JSON.stringify(a.body),
        responseOptions: { headers: { 'content-type': 'application/json' } },
      };
    })
    .persist();
  return { agent, requests, scope };
}

/** The documented full answer (one day). */
export const FULL = EXAMPLE_FULL_RESPONSE;

/** A failure envelope as the gateway (and the fake) sends it: exactly these three keys. */
export const failure = (code: number, info = `error ${code}`) => ({
  ActionStatus: 'FAIL',
  ErrorCode: code,
  ErrorInfo: info,
});

/** Decodes a UserSig as the vendor's verifiers do: undo the URL-safe base64, inflate, parse. */
export function decodeUserSig(userSig: string): UserSigDocument {
  const b64 = userSig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
  return UserSigDocumentSchema.parse(JSON.parse(inflateSync(Buffer.from(b64, 'base64')).toString('utf8')));
}

/**
 * Verifies a UserSig per the reference (section 4): identifier and SDKAppID match, not expired, and the
 * HMAC-SHA256 of the content, keyed with the secret key's UTF-8 bytes, matches in constant time.
 */
export function verifyUserSig(
  userSig: string,
  key: string,
  identifier: string,
  sdkappid: number,
  nowSeconds: number,
): 'ok' | 'identifier' | 'sdkappid' | 'expired' | 'hmac' {
  const doc = decodeUserSig(userSig);
  if (doc['TLS.identifier'] !== identifier) return 'identifier';
  if (doc['TLS.sdkappid'] !== sdkappid) return 'sdkappid';
  if (nowSeconds > doc['TLS.time'] + doc['TLS.expire']) return 'expired';
  const content = userSigContent(
    identifier,
    sdkappid,
    doc['TLS.time'],
    doc['TLS.expire'],
    doc['TLS.userbuf'],
  );
  const expected = createHmac('sha256', key).update(content).digest();
  const actual = Buffer.from(doc['TLS.sig'], 'base64');
  return actual.length === expected.length && timingSafeEqual(actual, expected) ? 'ok' : 'hmac';
}

/** The largest number of times within any half-open window [t, t + 1000). */
export function maxPerWindow(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while ((sorted[hi] as number) - (sorted[lo] as number) >= 1000) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}
