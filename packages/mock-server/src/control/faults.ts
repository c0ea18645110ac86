import {
  type ErrorCode,
  FAULT_HEADER,
  type FaultRule,
  FaultRuleSchema,
  type FaultView,
  MAX_FAULT_RULES,
} from '@timock/schema';
import { fieldMask } from '../api/answers.js';
import { ControlError } from '../errors.js';
import { parseInput } from './input.js';
import { seededRandom } from './random.js';

/** What one firing of a fault does (the delay already drawn). */
export interface FaultAction {
  /** The rule's id, or `header` for the per-request header. */
  readonly id: string;
  readonly errorCode: ErrorCode | undefined;
  readonly httpStatus: number | undefined;
  /** Milliseconds to wait first (0 = none). */
  readonly delayMs: number;
  readonly drop: boolean;
  readonly truncate: boolean;
  /** How many times the rule has fired, this firing included (1 for the header). */
  readonly fired: number;
  /** The rule's `times`, if it has one. */
  readonly times: number | undefined;
}

/**
 * Claims one firing of a rule for every replica together (see `SharedControl.claim`): the firings so
 * far including this one, or 0 when it does not fire.
 */
export type FaultClaim = (id: string, rule: FaultRule) => Promise<number>;

/** What a request offers to the rules' matchers. */
export interface FaultTarget {
  /** The `sdkappid` query value as sent. */
  sdkappid: unknown;
  /** The `identifier` query value as sent. */
  identifier: unknown;
  /** The route's path, e.g. `/v4/openconfigsvr/getappinfo`. */
  path: string;
  /** The request's field mask, once the body is read. */
  fields?: number;
}

interface Rule {
  readonly id: string;
  readonly view: Omit<FaultView, 'fired' | 'active' | 'createdAt' | 'expiresAt'>;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly sdkappid: string | undefined;
  readonly fields: number | undefined;
  readonly delay: readonly [number, number];
  readonly random: () => number;
  fired: number;
  active: boolean;
}

const DEFAULT_SEED = 1;

function delayRange(delay: FaultRule['delayMs']): readonly [number, number] {
  if (delay === undefined) return [0, 0];
  return typeof delay === 'number' ? [delay, delay] : [delay[0], delay[1]];
}

/** Draws a whole number of ms in `[min, max]` from `random`. */
function draw([min, max]: readonly [number, number], random: () => number): number {
  return min === max ? min : min + Math.floor(random() * (max - min + 1));
}

function actionOf(id: string, rule: FaultRule, delayMs: number, fired = 1): FaultAction {
  return {
    id,
    errorCode: rule.errorCode as ErrorCode | undefined,
    httpStatus: rule.httpStatus,
    delayMs,
    drop: rule.drop === true,
    truncate: rule.truncate === true,
    fired,
    times: rule.times,
  };
}

/**
 * Why a request was faulted, for its reason: `fault rule 3 (2 of 3 left): ErrorCode 130011`,
 * `fault header: HTTP 502, delayed 200 ms`. Built only when a fault fires.
 */
export function faultReason(action: FaultAction): string {
  const { id, times, fired } = action;
  const which =
    id === 'header'
      ? `fault header ${FAULT_HEADER}`
      : `fault rule ${id} (${times === undefined ? `fired ${fired} times, no limit` : `${Math.max(0, times - fired)} of ${times} left`})`;
  const effects: string[] = [];
  if (action.errorCode !== undefined) effects.push(`ErrorCode ${action.errorCode}`);
  if (action.httpStatus !== undefined) effects.push(`HTTP ${action.httpStatus}`);
  if (action.drop) effects.push('connection dropped');
  if (action.truncate) effects.push('answer truncated');
  if (action.delayMs > 0) effects.push(`delayed ${action.delayMs} ms`);
  return effects.length === 0 ? which : `${which}: ${effects.join(', ')}`;
}

/**
 * The fault rules of one server, in the order they were added. Rules without `fields` are judged
 * before the route's checks (phase `request`); rules with `fields` once the body is read (phase `body`).
 * {@link FaultRules.armed} and {@link FaultRules.armedForBody} are the cheap flags the hot path tests.
 */
export class FaultRules {
  readonly #rules: Rule[] = [];
  readonly #now: () => number;
  readonly #ids: (() => string) | undefined;
  readonly #claim: FaultClaim | undefined;
  #next = 1;
  /** True while some rule without `fields` may fire. */
  armed = false;
  /** True while some rule with `fields` may fire. */
  armedForBody = false;

  /**
   * @param now - the server's clock (rule lifetimes follow it)
   * @param shared - for replicas: `ids` makes ids unique across them, `claim` counts every firing
   *   for all of them together (then the hooks use {@link FaultRules.fireShared})
   */
  constructor(now: () => number, shared: { ids: () => string; claim: FaultClaim } | undefined = undefined) {
    this.#now = now;
    this.#ids = shared?.ids;
    this.#claim = shared?.claim;
  }

  /**
   * Adds a rule and returns it as the admin API shows it.
   *
   * @throws {@link ControlError} `TIMOCK_INVALID_INPUT` listing every problem of the rule,
   * `TIMOCK_LIMIT_REACHED` when {@link MAX_FAULT_RULES} rules are held
   */
  add(input: FaultRule): FaultView {
    const rule = parseInput(FaultRuleSchema, input, 'fault rule');
    if (this.#rules.length >= MAX_FAULT_RULES) {
      throw new ControlError(
        'TIMOCK_LIMIT_REACHED',
        `at most ${MAX_FAULT_RULES} fault rules are held (used-up ones too): remove some first`,
      );
    }
    return this.insert(this.#ids?.() ?? `f${this.#next++}`, rule, this.#now());
  }

  /**
   * Adds (or replaces) a rule under a given id and creation time: how a rule added on another replica
   * arrives. The rule is checked like {@link FaultRules.add}'s.
   *
   * @throws {@link ControlError} `TIMOCK_INVALID_INPUT` listing every problem of the rule
   */
  insert(id: string, input: FaultRule, createdAt: number): FaultView {
    const rule = parseInput(FaultRuleSchema, input, 'fault rule');
    const entry: Rule = {
      id,
      view: { ...rule, id },
      createdAt,
      expiresAt: rule.seconds === undefined ? Number.POSITIVE_INFINITY : createdAt + rule.seconds * 1000,
      sdkappid: rule.sdkappid === undefined ? undefined : String(rule.sdkappid),
      fields: rule.fields === undefined ? undefined : fieldMask(rule.fields),
      delay: delayRange(rule.delayMs),
      random: seededRandom(rule.seed ?? DEFAULT_SEED),
      fired: 0,
      active: true,
    };
    const i = this.#rules.findIndex((r) => r.id === id);
    if (i >= 0) this.#rules[i] = entry;
    else this.#rules.push(entry);
    this.#rearm();
    return this.#view(entry);
  }

  /** Every rule (also used-up and expired ones), with how many times it fired. */
  list(): FaultView[] {
    const now = this.#now();
    for (const rule of this.#rules) if (now >= rule.expiresAt) rule.active = false;
    return this.#rules.map((r) => this.#view(r));
  }

  /**
   * Removes one rule by id, or every rule; returns how many were removed.
   *
   * @throws {@link ControlError} `TIMOCK_UNKNOWN_FAULT` when `id` names no rule
   */
  remove(id?: string): number {
    if (id === undefined) {
      const n = this.#rules.length;
      this.#rules.length = 0;
      this.#rearm();
      return n;
    }
    const i = this.#rules.findIndex((r) => r.id === id);
    if (i < 0) throw new ControlError('TIMOCK_UNKNOWN_FAULT', `no fault rule ${id}`);
    this.#rules.splice(i, 1);
    this.#rearm();
    return 1;
  }

  /** Removes every rule, and ids start again at `f1` (with replicas, the shared ids keep counting). */
  reset(): void {
    this.remove();
    this.#next = 1;
  }

  /** How many rules are still in play. */
  get activeCount(): number {
    return this.#rules.filter((r) => r.active && this.#now() < r.expiresAt).length;
  }

  /**
   * The first rule in play that matches `target` and fires (its probability drawn from its own seeded
   * source), counting the firing; `undefined` when none fires. With `target.fields` set, only rules
   * with `fields` are judged, else only rules without.
   */
  fire(target: FaultTarget): FaultAction | undefined {
    const phaseBody = target.fields !== undefined;
    const now = this.#now();
    let fired: FaultAction | undefined;
    let changed = false;
    for (const rule of this.#rules) {
      if (!rule.active || (rule.fields !== undefined) !== phaseBody) continue;
      if (now >= rule.expiresAt) {
        rule.active = false;
        changed = true;
        continue;
      }
      if (!this.#matches(rule, target)) continue;
      const { probability } = rule.view;
      if (probability !== undefined && !(rule.random() < probability)) continue;
      rule.fired++;
      if (rule.view.times !== undefined && rule.fired >= rule.view.times) {
        rule.active = false;
        changed = true;
      }
      fired = actionOf(rule.id, rule.view, draw(rule.delay, rule.random), rule.fired);
      break;
    }
    if (changed) this.#rearm();
    return fired;
  }

  /** Removes one rule by id if there is one (a removal made on another replica); true when it was there. */
  delete(id: string): boolean {
    const i = this.#rules.findIndex((r) => r.id === id);
    if (i < 0) return false;
    this.#rules.splice(i, 1);
    this.#rearm();
    return true;
  }

  /** True when the rules are shared by replicas: then {@link FaultRules.fireShared} decides, not `fire`. */
  get shared(): boolean {
    return this.#claim !== undefined;
  }

  /**
   * {@link FaultRules.fire} for replicas: the first matching rule in play whose shared claim
   * succeeds (the claim draws the probability and counts `times` for every replica together).
   *
   * @throws when the rules are not shared (no claim was given)
   */
  async fireShared(target: FaultTarget): Promise<FaultAction | undefined> {
    if (this.#claim === undefined) throw new Error('fireShared needs shared fault rules');
    const phaseBody = target.fields !== undefined;
    const now = this.#now();
    for (const rule of [...this.#rules]) {
      if (!rule.active || (rule.fields !== undefined) !== phaseBody || !this.#matches(rule, target)) continue;
      if (now >= rule.expiresAt) continue;
      const fired = await this.#claim(rule.id, rule.view);
      const { times, probability } = rule.view;
      if (fired === 0) {
        // Without a probability, no firing means used up (or removed) on the replicas together.
        if (times !== undefined && probability === undefined) {
          rule.active = false;
          this.#rearm();
        }
        continue;
      }
      rule.fired = Math.max(rule.fired, fired);
      if (times !== undefined && fired >= times) {
        rule.active = false;
        this.#rearm();
      }
      return actionOf(rule.id, rule.view, draw(rule.delay, rule.random), fired);
    }
    return undefined;
  }

  #matches(rule: Rule, target: FaultTarget): boolean {
    const { view } = rule;
    if (rule.sdkappid !== undefined && target.sdkappid !== rule.sdkappid) return false;
    if (view.identifier !== undefined && target.identifier !== view.identifier) return false;
    if (view.path !== undefined && target.path !== view.path) return false;
    if (rule.fields !== undefined && ((target.fields ?? 0) & rule.fields) === 0) return false;
    return true;
  }

  #rearm(): void {
    this.armed = this.#rules.some((r) => r.active && r.fields === undefined);
    this.armedForBody = this.#rules.some((r) => r.active && r.fields !== undefined);
  }

  #view(rule: Rule): FaultView {
    return {
      ...rule.view,
      fired: rule.fired,
      active: rule.active,
      createdAt: new Date(rule.createdAt).toISOString(),
      expiresAt: Number.isFinite(rule.expiresAt) ? new Date(rule.expiresAt).toISOString() : null,
    };
  }
}

const HEADER_PART = /^(code|status|delay)=(\d{1,7})(?:-(\d{1,7}))?$|^(drop|truncate)$/;

/**
 * Reads the per-request fault header: comma- or semicolon-separated `code=N`, `status=N`, `delay=N` or
 * `delay=MIN-MAX` (ms), `drop`, `truncate`; e.g. `delay=200,code=70169`. Checked like a rule.
 *
 * @returns the action, or a one-line reason why the header is invalid
 */
export function parseFaultHeader(value: string, random: () => number = Math.random): FaultAction | string {
  const rule: Record<string, unknown> = {};
  for (const raw of value.split(/[,;]/)) {
    const part = raw.trim();
    const m = HEADER_PART.exec(part);
    // Quoted short: whatever a caller puts in a header is not echoed back whole.
    const shown = part.length > 24 ? `${part.slice(0, 24)}...` : part;
    if (!m) return `cannot read "${shown}" (use code=N, status=N, delay=MS or MIN-MAX, drop, truncate)`;
    const [, key, a, b, flag] = m;
    if (flag) rule[flag] = true;
    else if (key === 'code') rule.errorCode = Number(a);
    else if (key === 'status') rule.httpStatus = Number(a);
    else rule.delayMs = b === undefined ? Number(a) : [Number(a), Number(b)];
  }
  const parsed = FaultRuleSchema.safeParse(rule);
  if (!parsed.success) return parsed.error.issues[0]!.message;
  return actionOf('header', parsed.data, draw(delayRange(parsed.data.delayMs), random));
}
