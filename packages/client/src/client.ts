import { randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  type DayOf,
  FIELD_NAMES,
  type FieldName,
  isFieldName,
  isUsualSuccessEnvelope,
  MAX_RANDOM,
  SuccessEnvelopeSchema,
} from '@timock/schema';
import { type Dispatcher, Pool } from 'undici';
import type { z } from 'zod';
import {
  InvalidOptionsError,
  type ResponseIssue,
  TimApiError,
  TimResponseError,
  TimTransportError,
  type TransportErrorCode,
} from './errors.js';
import { type ClientOptions, ClientOptionsSchema, type ResolvedClientOptions } from './options.js';
import { networkCode, RETRYABLE_NETWORK_CODES, RETRYABLE_STATUSES, withRetry } from './retry.js';
import { Throttle } from './throttle.js';
import { createUserSigSource } from './usersig.js';

/** Options of one call. */
export interface CallOptions {
  /** Aborts the call (including retries and throttle waits); the call then rejects with `signal.reason`. */
  signal?: AbortSignal;
}

/** Options of {@link TimClient.getAppInfo}. */
export interface GetAppInfoOptions<F extends readonly FieldName[] | undefined = undefined>
  extends CallOptions {
  /**
   * The fields to pull (`RequestField`); `Date` always comes. Absent or empty: every field. Pass a
   * literal (or `as const`) array to get days typed to exactly those fields.
   */
  fields?: F;
}

/** One HTTP exchange, untouched: what {@link TimClient.raw} returns. */
export interface RawResponse {
  /** The HTTP status (200 for every answer of the API, success or failure). */
  status: number;
  /** The response headers, names in lower case. */
  headers: Record<string, string | string[] | undefined>;
  /** The whole body as text. */
  text: string;
  /**
   * The body parsed as JSON, not validated (success or failure envelope, or anything else the server
   * sent); `undefined` when the body is not JSON. Check it with `ResponseEnvelopeSchema` if needed.
   */
  envelope: unknown;
}

/** A getappinfo client. Create it with {@link createClient}; {@link TimClient.close} it when done. */
export interface TimClient {
  /** The URL called, without query, e.g. `https://console.tim.qq.com/v4/openconfigsvr/getappinfo`. */
  readonly endpoint: string;
  /**
   * Pulls the app's daily figures (the last 30 days, newest first), validated by the schema; every
   * value is a string as the API sends it (see {@link toNumbers}). Retries per the retry policy.
   *
   * @throws {@link TimApiError} for a non-zero `ErrorCode`, {@link TimTransportError} for network
   *   failures, timeouts and non-200 statuses, {@link TimResponseError} for a body of another shape;
   *   `signal.reason` when `signal` aborts.
   * @example
   * const days = await client.getAppInfo({ fields: ['ChainIncrease', 'ChainDecrease'] });
   * days[0]?.ChainIncrease; // string; days[0].Date is 'YYYYMMDD'
   */
  getAppInfo<const F extends readonly FieldName[] | undefined = undefined>(
    options?: GetAppInfoOptions<F>,
  ): Promise<DayOf<F>[]>;
  /**
   * Sends one request (signed, throttled, with the timeout; never retried) and returns the answer
   * untouched, whatever its status or shape. `body` is sent as is when a string, else as JSON; default `{}`.
   *
   * @throws {@link TimTransportError} for network failures and timeouts only; `signal.reason` on abort.
   * @example
   * const { status, envelope } = await client.raw({ RequestField: ['AppName'] });
   */
  raw(body?: string | object, options?: CallOptions): Promise<RawResponse>;
  /**
   * Closes the client: pending throttle waits reject, new calls reject with `TIM_ERR_CLOSED`, and the
   * client's own connection pool closes after its in-flight requests. A `dispatcher` passed in options is
   * left open.
   */
  close(): Promise<void>;
}

/** The fields a full pull must bring. */
const ALL_FIELDS: ReadonlySet<string> = new Set(FIELD_NAMES);

/**
 * Cancels one exchange: undici accepts an EventEmitter with `aborted` and `reason` as a request's
 * `signal`. Per call it costs a fraction of an `AbortController` (plus `AbortSignal.any` when the caller
 * passes a signal), whose listeners made a measurable part of the client's overhead per call.
 */
class Cancel extends EventEmitter {
  aborted = false;
  reason: unknown = undefined;

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.emit('abort');
  }
}

/** How many characters of a body an error keeps. */
const BODY_PREFIX_CHARS = 256;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const toIssues = (issues: readonly z.core.$ZodIssue[]): ResponseIssue[] =>
  issues.map((i) => ({
    path: i.path.filter((p): p is string | number => typeof p !== 'symbol'),
    message: i.message,
  }));

/**
 * Creates a client. Options are checked once (see {@link ClientOptionsSchema}); bad options throw an
 * {@link InvalidOptionsError} (`code` `TIMOCK_INVALID_OPTIONS`, one `issues` line per problem, `cause`
 * the `ZodError`), the same error as the fake's.
 *
 * @example
 * const client = createClient({ sdkappid: 1400000000, secretKey: process.env.TIM_SECRET_KEY!, region: 'singapore' });
 * const days = await client.getAppInfo();
 * await client.close();
 */
export function createClient(options: ClientOptions): TimClient {
  const parsed = ClientOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw InvalidOptionsError.fromZod(parsed.error, 'client options');
  }
  return new Client(parsed.data);
}

class Client implements TimClient {
  readonly endpoint: string;
  readonly #o: ResolvedClientOptions;
  readonly #dispatcher: Dispatcher;
  readonly #ownPool: Pool | undefined;
  readonly #throttle: Throttle | undefined;
  readonly #userSig: () => string;
  /** Secrets that must never appear in an error: the key and the UserSigs handed out lately. */
  readonly #secrets = new Set<string>();
  #closed = false;

  constructor(o: ResolvedClientOptions) {
    this.#o = o;
    this.endpoint = `${o.origin}${o.path}`;
    this.#ownPool = o.dispatcher === undefined ? new Pool(o.origin) : undefined;
    this.#dispatcher = o.dispatcher ?? (this.#ownPool as Pool);
    this.#throttle =
      o.rateLimitPerSecond === false ? undefined : new Throttle(o.rateLimitPerSecond, o.now, o.sleep);
    if (o.secretKey !== undefined) this.#secrets.add(o.secretKey);
    const source = createUserSigSource({
      sdkappid: o.sdkappid,
      identifier: o.identifier,
      secretKey: o.secretKey,
      userSig: o.userSig,
      lifetimeSeconds: o.userSigLifetimeSeconds,
      now: o.now,
    });
    this.#userSig = () => {
      const sig = source();
      if (!this.#secrets.has(sig)) {
        // Keep the key and the last few UserSigs: older ones can no longer show up in an answer.
        if (this.#secrets.size > 4) {
          const oldest = [...this.#secrets].find((s) => s !== o.secretKey);
          if (oldest !== undefined) this.#secrets.delete(oldest);
        }
        this.#secrets.add(sig);
      }
      return sig;
    };
  }

  async getAppInfo<const F extends readonly FieldName[] | undefined = undefined>(
    options: GetAppInfoOptions<F> = {},
  ): Promise<DayOf<F>[]> {
    const fields = [...new Set<string>(options.fields ?? [])];
    const unknown = fields.filter((f) => !isFieldName(f));
    if (unknown.length > 0) {
      const issues = unknown.map((name) => `fields: unknown field name ${JSON.stringify(name)}`);
      throw new InvalidOptionsError(issues, { subject: 'getAppInfo options' });
    }
    const body = JSON.stringify(fields.length > 0 ? { RequestField: fields } : {});
    const required = fields.length > 0 ? new Set(fields) : ALL_FIELDS;
    const { signal } = options;
    return withRetry(
      async ({ remainingMs }) => this.#interpret(await this.#send(body, signal, remainingMs), required),
      this.#o.retry,
      this.#o,
      signal,
    ) as Promise<DayOf<F>[]>;
  }

  raw(body: string | object = {}, options: CallOptions = {}): Promise<RawResponse> {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return this.#send(text, options.signal, this.#o.timeoutMs);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#throttle?.close(new TimTransportError('TIM_ERR_CLOSED', 'the client is closed'));
    await this.#ownPool?.close();
  }

  /** Removes the key and UserSigs from text that goes into an error. */
  #redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets) {
      out = out.split(secret).join('[redacted]');
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret) out = out.split(encoded).join('[redacted]');
    }
    return out.replace(/(usersig=)[^&\s"']*/gi, '$1[redacted]');
  }

  #prefix(text: string): string {
    return this.#redact(text.slice(0, BODY_PREFIX_CHARS));
  }

  #query(): string {
    const o = this.#o;
    return (
      `sdkappid=${o.sdkappid}` +
      `&identifier=${encodeURIComponent(o.identifier)}` +
      `&usersig=${encodeURIComponent(this.#userSig())}` +
      `&random=${randomInt(0, MAX_RANDOM + 1)}` +
      `&contenttype=json`
    );
  }

  #transportError(code: TransportErrorCode, message: string, cause?: unknown): TimTransportError {
    return new TimTransportError(code, this.#redact(message), {
      cause,
      retryable: code === 'TIM_ERR_TIMEOUT' || RETRYABLE_NETWORK_CODES.has(networkCode(cause) ?? ''),
    });
  }

  /** One throttled, signed, timed exchange; the body is always read to the end. */
  async #send(body: string, signal: AbortSignal | undefined, remainingMs: number): Promise<RawResponse> {
    if (this.#closed) throw this.#transportError('TIM_ERR_CLOSED', 'the client is closed');
    signal?.throwIfAborted();
    if (this.#throttle) {
      await this.#throttle.acquire(signal);
      signal?.throwIfAborted();
    }
    const timeoutMs = Math.max(1, Math.min(this.#o.timeoutMs, remainingMs));
    const cancel = new Cancel();
    const timer = setTimeout(() => {
      cancel.abort(
        this.#transportError('TIM_ERR_TIMEOUT', `no answer from ${this.endpoint} within ${timeoutMs} ms`),
      );
    }, timeoutMs);
    const onAbort = () => cancel.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const res = await this.#dispatcher.request({
        origin: this.#o.origin,
        path: `${this.#o.path}?${this.#query()}`,
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body,
        signal: cancel,
      });
      const text = await res.body.text();
      return { status: res.statusCode, headers: res.headers, text, envelope: parseJson(text) };
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (cancel.aborted) throw cancel.reason;
      const code = networkCode(err);
      if (this.#closed || code === 'UND_ERR_CLOSED' || code === 'UND_ERR_DESTROYED') {
        throw this.#transportError('TIM_ERR_CLOSED', 'the client is closed', err);
      }
      const detail = err instanceof Error ? err.message : String(err);
      throw this.#transportError(
        'TIM_ERR_NETWORK',
        `request to ${this.endpoint} failed${code ? ` (${code})` : ''}: ${detail}`,
        err,
      );
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Turns one exchange into days, or the error it reports. */
  #interpret(res: RawResponse, required: ReadonlySet<string>): unknown[] {
    if (res.status !== 200) {
      throw new TimTransportError('TIM_ERR_HTTP_STATUS', `${this.endpoint} answered HTTP ${res.status}`, {
        status: res.status,
        bodyPrefix: this.#prefix(res.text),
        retryable: RETRYABLE_STATUSES.has(res.status),
      });
    }
    const env = res.envelope;
    if (env === undefined) {
      throw new TimResponseError(
        [{ path: [], message: 'the body is not JSON' }],
        this.#prefix(res.text),
        200,
      );
    }
    if (typeof env === 'object' && env !== null && !Array.isArray(env)) {
      const { ErrorCode, ErrorInfo, RequestId } = env as Record<string, unknown>;
      if (typeof ErrorCode === 'number' && Number.isInteger(ErrorCode) && ErrorCode !== 0) {
        throw new TimApiError(
          ErrorCode,
          this.#redact(typeof ErrorInfo === 'string' ? ErrorInfo : ''),
          typeof RequestId === 'string' ? RequestId : undefined,
        );
      }
    }
    // The schema has no transforms: once it (or the equivalent fast check) accepts, the days are
    // returned as parsed, keys in the order the server sent them.
    const days = (env as { Result: Record<string, unknown>[] }).Result;
    if (isUsualSuccessEnvelope(env, required)) return days;
    const parsed = SuccessEnvelopeSchema.safeParse(env);
    if (!parsed.success) {
      throw new TimResponseError(toIssues(parsed.error.issues), this.#prefix(res.text), 200, {
        cause: parsed.error,
      });
    }
    const issues: ResponseIssue[] = [];
    days.forEach((day, i) => {
      for (const field of required) {
        if (day[field] === undefined) {
          issues.push({ path: ['Result', i, field], message: `the day lacks the field ${field}` });
        }
      }
    });
    if (issues.length > 0) throw new TimResponseError(issues, this.#prefix(res.text), 200);
    return days as unknown[];
  }
}
