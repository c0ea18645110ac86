import { Api } from 'tls-sig-api-v2';
import { InvalidOptionsError } from './errors.js';

/** What {@link signUserSig} needs. */
export interface SignUserSigParams {
  /** The app's SDKAppID, a positive integer. */
  sdkappid: number;
  /** The app's secret key, as the console shows it. */
  secretKey: string;
  /** The account to sign for, e.g. `administrator`. */
  identifier: string;
  /** Lifetime of the UserSig, in seconds (a non-negative integer). Default `86400` (one day). */
  lifetimeSeconds?: number;
  /**
   * The signing time, in milliseconds since the Unix epoch (`TLS.time` is its whole seconds). Default: the
   * real clock.
   */
  nowMs?: number;
}

/** The default lifetime of a signed UserSig, in seconds (one day). */
const DEFAULT_LIFETIME_SECONDS = 86_400;

/**
 * Signs a UserSig with the vendor's official `tls-sig-api-v2` package: the one signer of timock (the
 * fake's `timock usersig` command and start banner, and `@timock/mock-server`'s `signUserSig`, use it).
 *
 * The package reads the clock from `Date.now()` and takes no time parameter. To honour `nowMs`,
 * `Date.now` is swapped for the duration of this one synchronous call and restored in `finally`; no
 * other JavaScript can run in between, so nothing else ever observes the swap.
 *
 * @throws RangeError for an `sdkappid` that is not a positive integer, a `lifetimeSeconds` that is not a
 * non-negative integer, or a `nowMs` that is negative or not finite.
 * @example
 * const sig = signUserSig({ sdkappid: 1400000000, secretKey, identifier: 'administrator', nowMs: Date.now() });
 */
export function signUserSig(params: SignUserSigParams): string {
  const { sdkappid, secretKey, identifier, lifetimeSeconds = DEFAULT_LIFETIME_SECONDS, nowMs } = params;
  if (!Number.isSafeInteger(sdkappid) || sdkappid <= 0)
    throw new RangeError('sdkappid must be a positive integer');
  if (!Number.isSafeInteger(lifetimeSeconds) || lifetimeSeconds < 0) {
    throw new RangeError('lifetimeSeconds must be a non-negative integer');
  }
  const api = new Api(sdkappid, secretKey);
  if (nowMs === undefined) return api.genUserSig(identifier, lifetimeSeconds);
  if (!Number.isFinite(nowMs) || nowMs < 0) throw new RangeError('nowMs must be a non-negative number');
  const realNow = Date.now;
  Date.now = () => nowMs;
  try {
    return api.genUserSig(identifier, lifetimeSeconds);
  } finally {
    Date.now = realNow;
  }
}

/** A source of UserSigs: returns one that is valid now. */
export type UserSigSource = () => string;

/** What {@link createUserSigSource} needs. */
export interface UserSigSourceOptions {
  sdkappid: number;
  identifier: string;
  /** Sign with this key... */
  secretKey?: string | undefined;
  /** ...or always use this fixed UserSig. */
  userSig?: string | undefined;
  /** Lifetime of each signed UserSig, in seconds. */
  lifetimeSeconds: number;
  /** The clock, in milliseconds since the Unix epoch. */
  now: () => number;
}

/**
 * A UserSig source. With a fixed `userSig`, returns it. With a `secretKey`, signs once and reuses the
 * UserSig until less than 10% of its lifetime is left, then signs a new one.
 */
export function createUserSigSource(options: UserSigSourceOptions): UserSigSource {
  const { secretKey, userSig } = options;
  if (secretKey === undefined) {
    if (userSig === undefined) {
      throw new InvalidOptionsError(['secretKey: give exactly one of secretKey and userSig'], {
        subject: 'client options',
      });
    }
    return () => userSig;
  }
  const lifetimeMs = options.lifetimeSeconds * 1000;
  let current: { sig: string; expiresAtMs: number } | undefined;
  return () => {
    const nowMs = options.now();
    if (current === undefined || current.expiresAtMs - nowMs < lifetimeMs / 10) {
      const sig = signUserSig({
        sdkappid: options.sdkappid,
        secretKey,
        identifier: options.identifier,
        lifetimeSeconds: options.lifetimeSeconds,
        nowMs,
      });
      // TLS.time is the whole second of signing; the server counts the lifetime from it.
      current = { sig, expiresAtMs: Math.floor(nowMs / 1000) * 1000 + lifetimeMs };
    }
    return current.sig;
  };
}
