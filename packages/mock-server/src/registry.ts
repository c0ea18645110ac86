import type { Day } from '@timock/schema';
import { AppDataset } from './dataset.js';
import { type FieldMask, successBody } from './envelope.js';
import { LruCache } from './lru.js';
import type { ResolvedAppConfig } from './options.js';
import { MemoryStore, type RateLimiter, type StateStore } from './store.js';
import type { UserSigInspection } from './usersig.js';

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
  /** The per-app sliding-window limiter (60007), from the server's state store. */
  readonly limiter: RateLimiter;
  /** The app's generated data. */
  readonly dataset: AppDataset;
  /** Clock-independent UserSig inspections, keyed by identifier + "\n" + UserSig. */
  readonly sigCache: LruCache<string, UserSigInspection>;
  readonly #answers: LruCache<string, Buffer>;
  #windowDay = Number.NaN;
  #window: Day[] = [];

  constructor(
    seed: number,
    config: ResolvedAppConfig,
    limits: AppStateLimits,
    store: StateStore = new MemoryStore(),
  ) {
    this.config = config;
    this.admins = new Set(config.admins);
    this.limiter = store.limiter(config.sdkappid, config.rateLimitPerSecond);
    this.dataset = new AppDataset(seed, config);
    this.sigCache = new LruCache(limits.sigCacheSize);
    this.#answers = new LruCache(limits.answerCacheSize);
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
    const key = `${today}:${mask}`;
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

  constructor(
    seed: number,
    apps: readonly ResolvedAppConfig[],
    limits: AppStateLimits,
    store: StateStore = new MemoryStore(),
  ) {
    for (const config of apps) this.#apps.set(config.sdkappid, new AppState(seed, config, limits, store));
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
