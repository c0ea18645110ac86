import type {
  AppConfig,
  AppView,
  ClockInput,
  ClockState,
  DayOverride,
  DaysDocument,
  FaultRule,
  FaultView,
  JournalEntry,
  JournalFilter,
} from '@timock/schema';

/**
 * How a fake's controls answer, chosen once when it is built: `sync` (the default: one server, its
 * state in memory) answers at once; `async` (the `redis` option: replicas sharing their state) answers
 * with Promises, reading the shared state and resolving once a change is shared with every replica.
 */
export type ControlMode = 'sync' | 'async';

/** A control's result in each {@link ControlMode}. */
interface ResultIn<T> {
  sync: T;
  async: Promise<T>;
}

/** A control's result: the value in `sync` mode, a Promise of it in `async` mode (either, for `ControlMode`). */
export type ControlResult<T, M extends ControlMode> = ResultIn<T>[M];

/** `mock.faults`: fault rules. */
export interface FaultControls<M extends ControlMode = 'sync'> {
  /**
   * Adds a rule (see `FaultRule`); returns it with its `id`.
   *
   * @throws {@link ControlError} `TIMOCK_INVALID_INPUT`
   * @example
   * mock.faults.add({ errorCode: 130011, times: 2 }); // the next two calls answer 130011
   */
  add(rule: FaultRule): ControlResult<FaultView, M>;
  /** Every rule, with how many times it fired (on every replica) and whether it is still in play. */
  list(): ControlResult<FaultView[], M>;
  /**
   * Removes one rule, or all of them without `id`; returns how many were removed.
   *
   * @throws {@link ControlError} `TIMOCK_UNKNOWN_FAULT` for an unknown id
   */
  remove(id?: string): ControlResult<number, M>;
}

/** `mock.journal`: the bounded journal of requests (never a UserSig or key); with replicas, every replica's. */
export interface JournalControls<M extends ControlMode = 'sync'> {
  /** How many entries it keeps at most (`journalSize`). */
  readonly capacity: number;
  /** How many entries it holds. */
  readonly size: ControlResult<number, M>;
  /** The entries matching `filter` (`sdkappid`, `code`, `since` in epoch ms, `limit` = newest N), oldest first. */
  list(filter?: JournalFilter): ControlResult<JournalEntry[], M>;
  /** How many entries match `filter`. */
  count(filter?: JournalFilter): ControlResult<number, M>;
  /** Forgets every entry; returns how many there were. */
  clear(): ControlResult<number, M>;
}

/** A clock setting for `mock.clock.set`: as the admin API takes it, or `now` as a `Date` or epoch ms. */
export type ClockSetting = ClockInput | { now: Date | number; freeze?: boolean };

/** `mock.clock`: the server's clock (UserSig expiry, rate windows, the 30-day window, fault lifetimes). */
export interface ClockControls<M extends ControlMode = 'sync'> {
  /** The server's time, epoch ms (at once in every mode: it is the clock the server reads). */
  now(): number;
  /**
   * Freezes at an instant (`{ now }`; `freeze: false` keeps it running from there), runs with an offset
   * (`{ offsetMs }`) or moves by `{ advanceMs }`.
   *
   * @throws {@link ControlError} `TIMOCK_INVALID_INPUT`
   * @example
   * mock.clock.set({ now: new Date('2025-03-10T12:00:00+08:00') });
   */
  set(setting: ClockSetting): ControlResult<ClockState, M>;
  /** Moves the clock by `ms` (negative: back). */
  advance(ms: number): ControlResult<ClockState, M>;
  /** Back to the clock the server was started with. */
  reset(): ControlResult<ClockState, M>;
  /** The clock as the admin API shows it. */
  state(): ControlResult<ClockState, M>;
}

/** `mock.data`: apps and their figures. */
export interface DataControls<M extends ControlMode = 'sync'> {
  /**
   * Serves these figures for these days instead of the app's own; a bad document throws and changes nothing.
   *
   * @throws {@link ControlError} `TIMOCK_INVALID_INPUT` (with `issues`), `TIMOCK_UNKNOWN_APP`
   * @example
   * mock.data.set(1400000000, [{ Date: '20250309', ActiveUserNum: '0' }]);
   */
  set(sdkappid: number, days: DaysDocument | readonly DayOverride[]): ControlResult<AppView, M>;
  /** Back to the app's own (generated or recorded) days. */
  clear(sdkappid: number): ControlResult<AppView, M>;
  /**
   * Serves one more app (until a reset; with replicas, on this replica only: no key is shared).
   *
   * @throws {@link ControlError} `TIMOCK_INVALID_INPUT`, `TIMOCK_DUPLICATE_APP`
   */
  addApp(app: AppConfig): ControlResult<AppView, M>;
  /** The apps served (never their keys). */
  apps(): ControlResult<AppView[], M>;
}

/**
 * The typed controls of a fake, also returned by `startServer()`: no HTTP needed to steer it. The admin
 * API reads and changes the fake through them too, so both see the same state. In memory (`sync`, the
 * default) every call answers at once; with the `redis` option (`async`) every call but `clock.now()`
 * returns a Promise, resolved once the change is shared, and reads show every replica's state.
 *
 * @example
 * const mock = await startServer();
 * mock.faults.add({ httpStatus: 503, times: 1 });
 * // ... the next call gets a 503 ...
 * expect(mock.journal.list({ code: 0 })).toHaveLength(1);
 * mock.reset();
 */
export interface MockControls<M extends ControlMode = 'sync'> {
  readonly faults: FaultControls<M>;
  readonly journal: JournalControls<M>;
  readonly clock: ClockControls<M>;
  readonly data: DataControls<M>;
  /** Journal, faults, clock, data overrides and apps back to the start state (with replicas, on all). */
  reset(): ControlResult<void, M>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The fake's typed controls on a server from `buildServer`: faults, journal, clock, data, reset.
     * Typed for the default, in memory, where each call answers at once. With the `redis` option each
     * call returns a Promise instead (see {@link ControlMode}): use `startServer({ redis })`, whose
     * result is typed so, or `await` every call.
     */
    timock: MockControls;
  }
}
