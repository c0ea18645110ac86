import {
  type AppConfig,
  type AppView,
  type ClockInput,
  ClockInputSchema,
  type ClockState,
  type DayOverride,
  type DaysDocument,
  type FaultRule,
  type FaultView,
  type Fixture,
  type JournalEntry,
  type JournalFilter,
  type ResolvedAppConfig,
} from '@timock/schema';
import type { AppRegistry, AppStateLimits } from '../api/apps.js';
import type { SharedControl } from '../state/store.js';
import { ServerClock } from './clock.js';
import { DataControl } from './data.js';
import { FaultRules } from './faults.js';
import { parseInput } from './input.js';
import { Journal } from './journal.js';
import { Replication, replicaFaultIds } from './replication.js';

/** `mock.faults`: fault rules. */
export interface FaultControls {
  /**
   * Adds a rule (see `FaultRule`); returns it with its `id`.
   *
   * @throws {@link ControlError} `TIMOCK_INVALID_INPUT`
   * @example
   * mock.faults.add({ errorCode: 130011, times: 2 }); // the next two calls answer 130011
   */
  add(rule: FaultRule): FaultView;
  /** Every rule, with how many times it fired and whether it is still in play. */
  list(): FaultView[];
  /**
   * Removes one rule, or all of them without `id`; returns how many were removed.
   *
   * @throws {@link ControlError} `TIMOCK_UNKNOWN_FAULT` for an unknown id
   */
  remove(id?: string): number;
}

/** `mock.journal`: the bounded journal of requests (never a UserSig or key). */
export interface JournalControls {
  /** How many entries it keeps at most (`journalSize`). */
  readonly capacity: number;
  /** How many entries it holds. */
  readonly size: number;
  /** The entries matching `filter` (`sdkappid`, `code`, `since` in epoch ms, `limit` = newest N), oldest first. */
  list(filter?: JournalFilter): JournalEntry[];
  /** How many entries match `filter`. */
  count(filter?: JournalFilter): number;
  /** Forgets every entry; returns how many there were. */
  clear(): number;
}

/** A clock setting for `mock.clock.set`: as the admin API takes it, or `now` as a `Date` or epoch ms. */
export type ClockSetting = ClockInput | { now: Date | number; freeze?: boolean };

/** `mock.clock`: the server's clock (UserSig expiry, rate windows, the 30-day window, fault lifetimes). */
export interface ClockControls {
  /** The server's time, epoch ms. */
  now(): number;
  /**
   * Freezes at an instant (`{ now }`; `freeze: false` keeps it running from there), runs with an offset
   * (`{ offsetMs }`) or moves by `{ advanceMs }`.
   *
   * @throws {@link ControlError} `TIMOCK_INVALID_INPUT`
   * @example
   * mock.clock.set({ now: new Date('2025-03-10T12:00:00+08:00') });
   */
  set(setting: ClockSetting): ClockState;
  /** Moves the clock by `ms` (negative: back). */
  advance(ms: number): ClockState;
  /** Back to the clock the server was started with. */
  reset(): ClockState;
  /** The clock as the admin API shows it. */
  state(): ClockState;
}

/** `mock.data`: apps and their figures. */
export interface DataControls {
  /**
   * Serves these figures for these days instead of the app's own; a bad document throws and changes nothing.
   *
   * @throws {@link ControlError} `TIMOCK_INVALID_INPUT` (with `issues`), `TIMOCK_UNKNOWN_APP`
   * @example
   * mock.data.set(1400000000, [{ Date: '20250309', ActiveUserNum: '0' }]);
   */
  set(sdkappid: number, days: DaysDocument | readonly DayOverride[]): AppView;
  /** Back to the app's own (generated or recorded) days. */
  clear(sdkappid: number): AppView;
  /**
   * Serves one more app (until a reset).
   *
   * @throws {@link ControlError} `TIMOCK_INVALID_INPUT`, `TIMOCK_DUPLICATE_APP`
   */
  addApp(app: AppConfig): AppView;
  /** The apps served (never their keys). */
  apps(): AppView[];
}

/**
 * The typed controls of a fake, also returned by `startServer()`: no HTTP needed to steer it.
 *
 * @example
 * const mock = await startServer();
 * mock.faults.add({ httpStatus: 503, times: 1 });
 * // ... the next call gets a 503 ...
 * expect(mock.journal.list({ code: 0 })).toHaveLength(1);
 * mock.reset();
 */
export interface MockControls {
  readonly faults: FaultControls;
  readonly journal: JournalControls;
  readonly clock: ClockControls;
  readonly data: DataControls;
  /** Journal, faults, clock, data overrides and apps back to the start state. */
  reset(): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The fake's typed controls on a server from `buildServer`: faults, journal, clock, data, reset. */
    timock: MockControls;
  }
}

/** What {@link ControlPlane} is built from. */
export interface ControlPlaneOptions {
  registry: AppRegistry;
  seed: number;
  limits: AppStateLimits;
  startApps: readonly ResolvedAppConfig[];
  fixtures: readonly Fixture[];
  /** The server's base clock (`now` option). */
  now: () => number;
  journalSize: number;
  /** For replicas: the store the control plane is shared through (see {@link Replication}). */
  shared?: SharedControl | undefined;
}

/** A `now` given as a `Date` or epoch ms, as the ISO text the schema checks (anything else is left to it). */
function isoOf(setting: unknown): unknown {
  if (typeof setting !== 'object' || setting === null || !('now' in setting)) return setting;
  const { now } = setting;
  const at = now instanceof Date ? now.getTime() : typeof now === 'number' ? now : Number.NaN;
  return Number.isFinite(at) && Math.abs(at) <= 8.64e15
    ? { ...setting, now: new Date(at).toISOString() }
    : setting;
}

/** One server's control plane: its clock, fault rules, journal and data control. */
export class ControlPlane implements MockControls {
  /** The server's clock. */
  readonly serverClock: ServerClock;
  /** The fault rules (the hot path tests their flags). */
  readonly rules: FaultRules;
  /** The journal ring. */
  readonly requests: Journal;
  /** Apps and their data. */
  readonly apps: DataControl;
  readonly faults: FaultControls;
  readonly journal: JournalControls;
  readonly clock: ClockControls;
  readonly data: DataControls;
  /** With replicas: the shared state the admin API awaits and reads; `undefined` in memory. */
  readonly shared: Replication | undefined;

  constructor(options: ControlPlaneOptions) {
    const { shared } = options;
    const clock = new ServerClock(options.now);
    const rules = new FaultRules(
      clock.now,
      shared && {
        ids: replicaFaultIds(),
        claim: (id, rule) => shared.claim(id, `fault:${id}`, rule),
      },
    );
    const journal = new Journal(options.journalSize);
    const apps = new DataControl(
      options.registry,
      options.seed,
      options.limits,
      options.startApps,
      options.fixtures,
    );
    this.serverClock = clock;
    this.rules = rules;
    this.requests = journal;
    this.apps = apps;
    const replication = shared && new Replication({ clock, rules, journal, apps }, shared);
    this.shared = replication;
    this.faults = {
      add: (rule) => {
        const view = rules.add(rule);
        replication?.faultAdded(view);
        return view;
      },
      list: () => rules.list(),
      remove: (id) => {
        const n = rules.remove(id);
        replication?.faultRemoved(id);
        return n;
      },
    };
    this.journal = {
      capacity: journal.capacity,
      get size() {
        return journal.size;
      },
      list: (filter) => journal.list(filter),
      count: (filter) => journal.count(filter),
      clear: () => journal.clear(),
    };
    const shareClock = (state: ClockState) => {
      replication?.clockChanged();
      return state;
    };
    this.clock = {
      now: clock.now,
      set: (setting) => shareClock(clock.set(parseInput(ClockInputSchema, isoOf(setting), 'clock setting'))),
      advance: (ms) => shareClock(clock.advance(ms)),
      reset: () => shareClock(clock.reset()),
      state: () => clock.state(),
    };
    this.data = {
      set: (sdkappid, days) => {
        const view = apps.setDays(sdkappid, days);
        replication?.daysSet(sdkappid, Array.isArray(days) ? days : (days as DaysDocument).days);
        return view;
      },
      clear: (sdkappid) => {
        const view = apps.clearDays(sdkappid);
        replication?.daysCleared(sdkappid);
        return view;
      },
      addApp: (app) => apps.addApp(app),
      apps: () => apps.apps(),
    };
  }

  /** Journal, faults, clock, data overrides and apps back to the start state (a bound function). */
  readonly reset = (): void => {
    this.requests.clear();
    this.rules.reset();
    this.serverClock.reset();
    this.apps.reset();
    this.shared?.reset();
  };
}
