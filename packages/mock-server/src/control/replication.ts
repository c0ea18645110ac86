import { randomBytes } from 'node:crypto';
import {
  type DayOverride,
  type FaultRule,
  type FaultView,
  type JournalEntry,
  type JournalFilter,
  SDKAPPID_PATTERN,
} from '@timock/schema';
import type { SharedControl } from '../state/store.js';
import type { ServerClock } from './clock.js';
import type { AppDataEditor } from './data.js';
import type { FaultRules } from './faults.js';
import { fieldNames, type Journal, type JournalWrite } from './journal.js';

/**
 * The control plane of replicas: every change made on one replica (fault rules, clock, day overrides,
 * reset) is written to the shared store and applied on every replica; the journal is one bounded list
 * for all; fault firings are counted for all together. What the shared controls (`sharedControls`) await
 * and read.
 */
export interface SharedAdmin {
  /** Resolves once every change made on this replica so far is shared (rejects while the store is unreachable). */
  settled(): Promise<void>;
  /** Every rule, with how many times it fired on all replicas together. */
  faults(): Promise<FaultView[]>;
  /** The journal of every replica, filtered like the in-memory one, oldest first. */
  requests(filter: JournalFilter): Promise<JournalEntry[]>;
  /** How many entries of the shared journal match. */
  count(filter: JournalFilter): Promise<number>;
  /** Empties the shared journal; how many entries it held. */
  clear(): Promise<number>;
}

/** The parts of one server's control plane that replicas share. */
export interface ReplicatedParts {
  clock: ServerClock;
  rules: FaultRules;
  journal: Journal;
  apps: AppDataEditor;
}

/** What a shared fault part holds: the rule as written (no id, no counts) and when it was added. */
interface FaultPart {
  rule: FaultRule;
  createdAt: number;
}

const CLOCK = 'clock';
const FAULT = 'fault:';
const DAY = 'day:';

/** Fault ids unique across replicas: `f<n>.<4 hex digits of this replica>`. */
export function replicaFaultIds(): () => string {
  const tag = randomBytes(2).toString('hex');
  let n = 0;
  return () => `f${++n}.${tag}`;
}

/** The journal entry of one write (without `seq`, which the shared journal assigns). */
const entryOf: (...args: Parameters<JournalWrite>) => Omit<JournalEntry, 'seq'> = (
  record,
  method,
  status,
  latencyMs,
  fault,
) => ({
  time: new Date(record.nowMs).toISOString(),
  method,
  sdkappid:
    record.sdkappid !== undefined && SDKAPPID_PATTERN.test(record.sdkappid) ? Number(record.sdkappid) : null,
  identifier: record.identifier ?? null,
  fields: fieldNames(record.fields ?? -1),
  code: record.code ?? null,
  status,
  latencyMs: Math.round(latencyMs * 1000) / 1000,
  fault,
  reason: record.reason ?? null,
});

/** The in-memory journal's filter, on shared entries. */
function matches(entry: JournalEntry, filter: JournalFilter): boolean {
  if (filter.code !== undefined && entry.code !== filter.code) return false;
  if (filter.since !== undefined && Date.parse(entry.time) < filter.since) return false;
  if (filter.sdkappid !== undefined && entry.sdkappid !== filter.sdkappid) return false;
  return true;
}

/** The rule of a view, without what the server adds (id, counts, times). */
function ruleOf(view: FaultView): FaultRule {
  const { id: _id, fired: _f, active: _a, createdAt: _c, expiresAt: _e, ...rule } = view;
  return rule as FaultRule;
}

/**
 * Shares a control plane through `control`. Returns the admin API's view of the shared state and the
 * publishing wrappers of the changing operations; incoming changes are applied to `parts` directly
 * (so they are never published again).
 */
export class Replication implements SharedAdmin {
  readonly #control: SharedControl;
  readonly #parts: ReplicatedParts;
  readonly #pending = new Set<Promise<void>>();
  /** Changes that arrive while a reload reads the snapshot, applied after it in their order. */
  #queue: [string, unknown][] | undefined;

  constructor(parts: ReplicatedParts, control: SharedControl) {
    this.#parts = parts;
    this.#control = control;
    control.listen((part, value) => this.#onChange(part, value));
    parts.journal.onWrite((...args) => control.journalAppend(entryOf(...args), parts.journal.capacity));
  }

  /** Shares a rule just added on this replica. */
  faultAdded(view: FaultView): void {
    const part: FaultPart = { rule: ruleOf(view), createdAt: Date.parse(view.createdAt) };
    this.#track(this.#control.put(`${FAULT}${view.id}`, part));
  }

  /** Shares the removal of one rule, or of every rule (and their counts). */
  faultRemoved(id: string | undefined): void {
    this.#track(
      id === undefined
        ? this.#control.drop(FAULT, { counters: true })
        : this.#control.put(`${FAULT}${id}`, undefined),
    );
  }

  /** Shares this replica's clock as it is now. */
  clockChanged(): void {
    const { frozen, now, offsetMs } = this.#parts.clock.state();
    this.#track(this.#control.put(CLOCK, frozen ? { frozenAt: Date.parse(now) } : { offsetMs }));
  }

  /** Shares day overrides just applied on this replica. */
  daysSet(sdkappid: number, days: readonly DayOverride[]): void {
    for (const day of days) this.#track(this.#control.put(`${DAY}${sdkappid}:${day.Date}`, day));
  }

  /** Shares the removal of an app's day overrides. */
  daysCleared(sdkappid: number): void {
    this.#track(this.#control.drop(`${DAY}${sdkappid}:`));
  }

  /** Shares a reset: no rule, counts, clock setting, override or journal entry left. */
  reset(): void {
    this.#track(this.#control.drop('', { counters: true }));
    this.#track(this.#control.journalClear().then(() => undefined));
  }

  async settled(): Promise<void> {
    await Promise.all([...this.#pending]);
  }

  async faults(): Promise<FaultView[]> {
    const fired = await this.#control.fired();
    return this.#parts.rules.list().map((view) => {
      const n = Math.max(view.fired, fired.get(view.id) ?? 0);
      const usedUp = view.times !== undefined && n >= view.times;
      return { ...view, fired: n, active: view.active && !usedUp };
    });
  }

  async requests(filter: JournalFilter): Promise<JournalEntry[]> {
    const all = (await this.#control.journalRead()) as unknown as JournalEntry[];
    const out = all.filter((e) => matches(e, filter));
    return filter.limit === undefined ? out : out.slice(Math.max(0, out.length - filter.limit));
  }

  async count(filter: JournalFilter): Promise<number> {
    return (await this.requests({ ...filter, limit: undefined })).length;
  }

  clear(): Promise<number> {
    return this.#control.journalClear();
  }

  #track(change: Promise<void>): void {
    this.#pending.add(change);
    const forget = () => this.#pending.delete(change);
    change.then(forget, forget);
  }

  /** One change from any replica (this one included: applying it again changes nothing), or `*`: reload. */
  #onChange(part: string, value: unknown): Promise<void> | undefined {
    if (this.#queue !== undefined) this.#queue.push([part, value]);
    else if (part === '*') return this.#reload();
    else this.#apply(part, value);
    return undefined;
  }

  #apply(part: string, value: unknown): void {
    const { clock, rules, apps } = this.#parts;
    if (part === CLOCK) {
      const setting = value as { frozenAt?: number; offsetMs?: number } | undefined;
      if (setting === undefined) clock.reset();
      else if (setting.frozenAt !== undefined) clock.set({ now: new Date(setting.frozenAt).toISOString() });
      else clock.set({ offsetMs: setting.offsetMs ?? 0 });
    } else if (part.startsWith(FAULT)) {
      const id = part.slice(FAULT.length);
      if (value === undefined) rules.delete(id);
      else if (!rules.list().some((r) => r.id === id)) {
        const { rule, createdAt } = value as FaultPart;
        rules.insert(id, rule, createdAt);
      }
    } else if (part.startsWith(DAY) && value !== undefined) {
      const sdkappid = Number(part.slice(DAY.length, part.indexOf(':', DAY.length)));
      try {
        apps.setDays(sdkappid, [value as DayOverride]);
      } catch {
        // An app this replica does not serve (added at run time on another replica): nothing to do.
      }
    }
  }

  /** Makes this replica's state the shared one (after a drop, or a (re)connect that may have missed changes). */
  async #reload(): Promise<void> {
    this.#queue = [];
    let parts: Map<string, unknown> | undefined;
    try {
      parts = await this.#control.snapshot();
    } catch {
      // unreachable: the next (re)connect reloads
    }
    if (parts !== undefined) {
      const { clock, rules, apps } = this.#parts;
      for (const view of rules.list()) if (!parts.has(`${FAULT}${view.id}`)) rules.delete(view.id);
      if (!parts.has(CLOCK)) clock.reset();
      for (const app of apps.apps()) if (app.overriddenDays > 0) apps.clearDays(app.sdkappid);
      for (const [part, value] of parts) this.#apply(part, value);
    }
    const queued = this.#queue;
    this.#queue = undefined;
    // A `*` among them starts another reload, which queues the rest: the order holds.
    for (const [part, value] of queued) void this.#onChange(part, value);
  }
}
