import { ClockInputSchema } from '@timock/schema';
import type { MockControls } from './controls.js';
import { parseInput } from './input.js';
import type { ReplicatedParts, Replication } from './replication.js';

/** A `now` given as a `Date` or epoch ms, as the ISO text the schema checks (anything else is left to it). */
function isoOf(setting: unknown): unknown {
  if (typeof setting !== 'object' || setting === null || !('now' in setting)) return setting;
  const { now } = setting;
  const at = now instanceof Date ? now.getTime() : typeof now === 'number' ? now : Number.NaN;
  return Number.isFinite(at) && Math.abs(at) <= 8.64e15
    ? { ...setting, now: new Date(at).toISOString() }
    : setting;
}

/** The controls of one server whose state is its own, in memory: every call answers at once. */
export function localControls(parts: ReplicatedParts): MockControls<'sync'> {
  const { clock, rules, journal, apps } = parts;
  return {
    faults: {
      add: (rule) => rules.add(rule),
      list: () => rules.list(),
      remove: (id) => rules.remove(id),
    },
    journal: {
      capacity: journal.capacity,
      get size() {
        return journal.size;
      },
      list: (filter) => journal.list(filter),
      count: (filter) => journal.count(filter),
      clear: () => journal.clear(),
    },
    clock: {
      now: clock.now,
      set: (setting) => clock.set(parseInput(ClockInputSchema, isoOf(setting), 'clock setting')),
      advance: (ms) => clock.advance(ms),
      reset: () => clock.reset(),
      state: () => clock.state(),
    },
    data: {
      set: (sdkappid, days) => apps.setDays(sdkappid, days),
      clear: (sdkappid) => apps.clearDays(sdkappid),
      addApp: (app) => apps.addApp(app),
      apps: () => apps.apps(),
    },
    reset: () => {
      journal.clear();
      rules.reset();
      clock.reset();
      apps.reset();
    },
  };
}

/**
 * The controls of a replica, its state shared through `replication`: a change is made here, published,
 * and resolves once shared (rejecting while the store is unreachable); fault rules are listed with the
 * firings of every replica, and the journal is the shared one. Apps added at run time stay on this
 * replica (an app carries its secret key, which is never shared).
 */
export function sharedControls(parts: ReplicatedParts, replication: Replication): MockControls<'async'> {
  const local = localControls(parts);
  /** Resolves to `value` once every change made here so far is shared. */
  const shared = async <T>(value: T): Promise<T> => {
    await replication.settled();
    return value;
  };
  const sharedClock = (state: ReturnType<typeof local.clock.state>) => {
    replication.clockChanged();
    return shared(state);
  };
  return {
    faults: {
      add: async (rule) => {
        const view = local.faults.add(rule);
        replication.faultAdded(view);
        return shared(view);
      },
      list: () => replication.faults(),
      remove: async (id) => {
        const n = local.faults.remove(id);
        replication.faultRemoved(id);
        return shared(n);
      },
    },
    journal: {
      capacity: local.journal.capacity,
      get size() {
        return replication.count({});
      },
      list: (filter = {}) => replication.requests(filter),
      count: (filter = {}) => replication.count(filter),
      clear: async () => {
        local.journal.clear();
        return replication.clear();
      },
    },
    clock: {
      now: local.clock.now,
      set: async (setting) => sharedClock(local.clock.set(setting)),
      advance: async (ms) => sharedClock(local.clock.advance(ms)),
      reset: async () => sharedClock(local.clock.reset()),
      state: async () => local.clock.state(),
    },
    data: {
      set: async (sdkappid, days) => {
        const view = local.data.set(sdkappid, days);
        replication.daysSet(sdkappid, 'days' in days ? days.days : days);
        return shared(view);
      },
      clear: async (sdkappid) => {
        const view = local.data.clear(sdkappid);
        replication.daysCleared(sdkappid);
        return shared(view);
      },
      addApp: async (app) => local.data.addApp(app),
      apps: async () => local.data.apps(),
    },
    reset: async () => {
      local.reset();
      replication.reset();
      await replication.settled();
    },
  };
}
