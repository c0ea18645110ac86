import { isTimError } from './errors.js';
import type { ResolvedRetryOptions, Sleep } from './options.js';

/**
 * The backoff before retry number `retry` (0 for the first retry), in ms: full jitter, a uniformly random
 * wait between 0 and `min(maxDelayMs, minDelayMs * 2^retry)`.
 *
 * @example
 * backoffDelay(2, { minDelayMs: 100, maxDelayMs: 2000, random: () => 0.5 }); // 200 (half of 400)
 */
export function backoffDelay(
  retry: number,
  policy: Pick<ResolvedRetryOptions, 'minDelayMs' | 'maxDelayMs' | 'random'>,
): number {
  const cap = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** retry);
  return Math.floor(policy.random() * cap);
}

/** What one attempt gets: its number (0 first) and the time left before the deadline, in ms. */
export interface AttemptInfo {
  attempt: number;
  remainingMs: number;
}

/**
 * Runs `attempt` until it succeeds, throws an error that is not retryable, runs out of retries, or the
 * next retry would start after the deadline. Only errors with `retryable: true` are retried. An abort of
 * `signal` stops at once with `signal.reason`. The error thrown carries `attempts`.
 */
export async function withRetry<T>(
  attempt: (info: AttemptInfo) => Promise<T>,
  policy: ResolvedRetryOptions,
  clock: { now: () => number; sleep: Sleep },
  signal?: AbortSignal,
): Promise<T> {
  const start = clock.now();
  for (let n = 0; ; n++) {
    try {
      return await attempt({ attempt: n, remainingMs: start + policy.deadlineMs - clock.now() });
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (isTimError(err)) err.attempts = n + 1;
      if (!isTimError(err) || !err.retryable || n >= policy.retries) throw err;
      const delay = backoffDelay(n, policy);
      if (clock.now() + delay - start >= policy.deadlineMs) throw err;
      await clock.sleep(delay, signal);
    }
  }
}

/** HTTP statuses worth a retry: the gateway's 502, 503 and 504. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

/**
 * Network error codes worth a retry: the connection was reset or closed under us, or a connect or DNS
 * lookup timed out. Refused connections, unknown hosts and TLS failures are configuration problems and
 * are not retried.
 */
export const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** The first error code found on `err` or its causes. */
export function networkCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && typeof e === 'object' && e !== null; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
