import type { Day } from '@timock/schema';
import { AppDataset } from './dataset.js';
import { ALL_FIELDS, type FieldMask, successBody } from './envelope.js';
import { LruCache } from './lru.js';
import type { ResolvedAppConfig } from './options.js';
import { SlidingWindowLimiter } from './rate-limit.js';
import { inspectUserSig, type UserSigInspection } from './usersig.js';

/** One number per (Beijing day, field mask): masks are below `ALL_FIELDS + 1`, so no two pairs collide. */
const answerKey = (today: number, mask: FieldMask): number => today * (ALL_FIELDS + 1) + mask;

/** Cache sizes for each app's state. */
export interface AppStateLimits {
  /** Verified-UserSig inspections kept per app. */
  sigCacheSize: number;
  /** Serialized answers kept per app (one per Beijing day and field set). */
  answerCacheSize: number;
}

/**
 * Everything the server keeps for one app: its configuration, rate limiter, generated data and caches.
 * Replacing an app replaces all of it, so no cache can outlive a change of key or data.
 */
export class AppState {
  /** The app's validated configuration. */
  readonly config: ResolvedAppConfig;
  /** The admin identifiers, for the 60010 check. */
  readonly admins: ReadonlySet<string>;
  /** The per-app sliding-window limiter (60007). */
  readonly limiter: SlidingWindowLimiter;
  /** The app's generated data. */
  readonly dataset: AppDataset;
  /**
   * Clock-independent UserSig inspections, keyed by the UserSig alone (no per-request key string),
   * each with the identifier it was checked for: see {@link AppState.inspect}.
   */
  readonly #sigCache: LruCache<string, { identifier: string; inspection: UserSigInspection }>;
  /** Serialized answers, keyed by {@link answerKey}. */
  readonly #answers: LruCache<number, Buffer>;
  #windowDay = Number.NaN;
  #window: Day[] = [];

  constructor(seed: number, config: ResolvedAppConfig, limits: AppStateLimits) {
    this.config = config;
    this.admins = new Set(config.admins);
    this.limiter = new SlidingWindowLimiter(config.rateLimitPerSecond);
    this.dataset = new AppDataset(seed, config);
    this.#sigCache = new LruCache(limits.sigCacheSize);
    this.#answers = new LruCache(limits.answerCacheSize);
  }

  /**
   * The inspection of `usersig` sent with `identifier`, computed once per (UserSig, identifier) and then
   * served from the cache. A UserSig seen with another identifier is inspected again and replaces the entry.
   */
  inspect(usersig: string, identifier: string): UserSigInspection {
    const cached = this.#sigCache.get(usersig);
    if (cached !== undefined && cached.identifier === identifier) return cached.inspection;
    const inspection = inspectUserSig(usersig, {
      sdkappid: this.config.sdkappid,
      identifier,
      secretKey: this.config.secretKey,
    });
    this.#sigCache.set(usersig, { identifier, inspection });
    return inspection;
  }

  /** The 30 days ending the day before `today` (a Beijing day number), newest first; the latest window is kept. */
  window(today: number): Day[] {
    if (today !== this.#windowDay) {
      this.#window = this.dataset.window(today);
      this.#windowDay = today;
    }
    return this.#window;
  }

  /** The serialized success answer for (`today`, `mask`), built once and then served from the cache. */
  answer(today: number, mask: FieldMask): Buffer {
    const key = answerKey(today, mask);
    let body = this.#answers.get(key);
    if (body === undefined) {
      body = successBody(this.window(today), mask);
      this.#answers.set(key, body);
    }
    return body;
  }
}

/** The apps a server serves, by SDKAppID. One per server. */
export class AppRegistry {
  readonly #apps = new Map<number, AppState>();

  constructor(seed: number, apps: readonly ResolvedAppConfig[], limits: AppStateLimits) {
    for (const config of apps) this.#apps.set(config.sdkappid, new AppState(seed, config, limits));
  }

  /** The app with this SDKAppID, or `undefined`. */
  get(sdkappid: number): AppState | undefined {
    return this.#apps.get(sdkappid);
  }

  /** Every app, in configuration order. */
  list(): AppState[] {
    return [...this.#apps.values()];
  }
}
