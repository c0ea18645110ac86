import type { Faker } from '@faker-js/faker';
import type { Day, Fidelity } from '@timock/schema';
import type { ResolvedAppConfig } from '../options.js';
import { BudgetedLru, type CacheBudget, LruCache } from '../state/lru.js';
import { MemoryStore, type RateLimiter, type StateStore } from '../state/store.js';
import { ALL_FIELDS, type FieldMask, successBody, successHead } from './answers.js';
import { AppDataset, datasetFaker } from './dataset.js';
import { inspectUserSig, type UserSigInspection } from './usersig.js';

/** One number per (Beijing day, field mask): masks are below `ALL_FIELDS + 1`, so no two pairs collide. */
const answerKey = (today: number, mask: FieldMask): number => today * (ALL_FIELDS + 1) + mask;

/** Longer UserSigs are inspected every time, so that distinct long junk cannot fill the cache. */
export const MAX_CACHED_USERSIG_LENGTH = 1024;

/** Cache sizes for each app's state, and how its success answers start. */
export interface AppStateLimits {
  /** `successActionStatus` decides the head of every success answer ({@link successHead}). */
  fidelity: Pick<Fidelity, 'successActionStatus'>;
  /** Verified-UserSig inspections kept per app. */
  sigCacheSize: number;
  /** Serialized answers kept per app (one per Beijing day and field set), within `budget`. */
  answerCacheSize: number;
  /** The bytes of serialized answers and generated days kept by every app together (one per server). */
  budget: CacheBudget;
  /** The generator every app of the server shares (see {@link datasetFaker}); the registry makes one when absent. */
  faker?: Faker | undefined;
}

/** Generated windows kept per app (today's, and tomorrow's across midnight), within the budget. */
const FIGURES_PER_APP = 2;

/** Where an app's answers come from instead of its generated data (overrides, fixtures: see `admin/data.ts`). */
export interface AnswerSource {
  /** The serialized success answer for (`today`, a Beijing day number; `mask`), starting with `head`. */
  body(today: number, mask: FieldMask, head: string): Buffer;
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
  /**
   * Clock-independent UserSig inspections, keyed by the UserSig alone (no per-request key string),
   * each with the identifier it was checked for: see {@link AppState.inspect}.
   */
  readonly #sigCache: LruCache<string, { identifier: string; inspection: UserSigInspection }>;
  /** Serialized answers, keyed by {@link answerKey}, within the server's byte budget. */
  readonly #answers: BudgetedLru<number>;
  /** The generated 30-day windows, compact ({@link AppDataset.figures}), by `today`, within the same budget. */
  readonly #figures: BudgetedLru<number, Float64Array>;
  /** How every success answer of this app starts ({@link successHead}). */
  readonly #head: string;
  #source: AnswerSource | undefined;

  constructor(
    seed: number,
    config: ResolvedAppConfig,
    limits: AppStateLimits,
    store: StateStore = new MemoryStore(),
  ) {
    this.config = config;
    this.admins = new Set(config.admins);
    this.limiter = store.limiter(config.sdkappid, config.rateLimitPerSecond);
    this.dataset = new AppDataset(seed, config, limits.faker);
    this.#sigCache = new LruCache(limits.sigCacheSize);
    this.#answers = new BudgetedLru(limits.answerCacheSize, limits.budget);
    this.#figures = new BudgetedLru(FIGURES_PER_APP, limits.budget);
    this.#head = successHead(limits.fidelity);
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
    if (usersig.length <= MAX_CACHED_USERSIG_LENGTH) this.#sigCache.set(usersig, { identifier, inspection });
    return inspection;
  }

  /**
   * The 30 days ending the day before `today` (a Beijing day number; the route passes tomorrow with
   * `fidelity.includeToday`), newest first. Drawn from the compact window kept within the budget (drawn
   * again, identical, after an eviction); the records themselves are not kept.
   */
  window(today: number): Day[] {
    let figures = this.#figures.get(today);
    if (figures === undefined) {
      figures = this.dataset.figures(today);
      this.#figures.set(today, figures);
    }
    return this.dataset.days(figures, today);
  }

  /** Drops the cached answers and windows (their bytes go back to the budget). */
  dropAnswers(): void {
    this.#answers.clear();
    this.#figures.clear();
  }

  /** Answers from `source` from now on (`undefined`: the generated data again); drops the cached answers. */
  setSource(source: AnswerSource | undefined): void {
    this.#source = source;
    this.#answers.clear();
  }

  /** The serialized success answer for (`today`, `mask`), built once and then served from the cache. */
  answer(today: number, mask: FieldMask): Buffer {
    const key = answerKey(today, mask);
    let body = this.#answers.get(key);
    if (body === undefined) {
      body = this.#source
        ? this.#source.body(today, mask, this.#head)
        : successBody(this.window(today), mask, this.#head);
      this.#answers.set(key, body);
    }
    return body;
  }
}

/** The apps a server serves, by SDKAppID. One per server. */
export class AppRegistry {
  readonly #apps = new Map<number, AppState>();

  /** Where the apps' rate limiters (and every app added later) keep their state. */
  readonly store: StateStore;
  /** The cache limits of every app (added later too), with the server's one byte budget and generator. */
  readonly limits: AppStateLimits;

  constructor(
    seed: number,
    apps: readonly ResolvedAppConfig[],
    limits: AppStateLimits,
    store: StateStore = new MemoryStore(),
  ) {
    this.store = store;
    this.limits = limits.faker ? limits : { ...limits, faker: datasetFaker() };
    for (const config of apps)
      this.#apps.set(config.sdkappid, new AppState(seed, config, this.limits, store));
  }

  /** The app with this SDKAppID, or `undefined`. */
  get(sdkappid: number): AppState | undefined {
    return this.#apps.get(sdkappid);
  }

  /** Every app, in configuration order. */
  list(): AppState[] {
    return [...this.#apps.values()];
  }

  /** Serves one more app (replacing any app with its SDKAppID, whose cached answers are dropped). */
  add(app: AppState): void {
    this.#apps.get(app.config.sdkappid)?.dropAnswers();
    this.#apps.set(app.config.sdkappid, app);
  }

  /** Stops serving every app (their cached answers are dropped). */
  clear(): void {
    for (const app of this.#apps.values()) app.dropAnswers();
    this.#apps.clear();
  }
}
