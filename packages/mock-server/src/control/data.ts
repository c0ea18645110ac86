import {
  AppConfigSchema,
  type AppView,
  type Day,
  type DayOverride,
  type DaysDocument,
  DaysDocumentSchema,
  type Fixture,
  MAX_APPS,
  MAX_OVERRIDDEN_DAYS,
  type ResolvedAppConfig,
} from '@timock/schema';
import {
  ALL_FIELDS,
  DOCUMENTED_SUCCESS_HEAD,
  type FieldMask,
  fieldMask,
  successBody,
} from '../api/answers.js';
import { type AnswerSource, type AppRegistry, AppState, type AppStateLimits } from '../api/apps.js';
import { ControlError } from '../errors.js';
import { DEMO_APP } from '../options.js';
import { parseInput } from './input.js';

type Record_ = Readonly<Record<string, unknown>>;

/**
 * The success answer for recorded days, keeping each day's own key order (byte for byte what the
 * upstream sent, for the same request): `Date` and the requested fields; fields the catalogue does not
 * know only in a full pull.
 */
export function recordedBody(
  days: readonly Record_[],
  mask: FieldMask,
  head = DOCUMENTED_SUCCESS_HEAD,
): Buffer {
  const parts = days.map((day) => {
    const fields: string[] = [];
    for (const [name, value] of Object.entries(day)) {
      // fieldMask of one name: its bit, or 0 for `Date` and names the catalogue does not know.
      if (name === 'Date' || mask === ALL_FIELDS || (mask & fieldMask([name])) !== 0)
        fields.push(`${JSON.stringify(name)}:${JSON.stringify(value)}`);
    }
    return `{${fields.join(',')}}`;
  });
  return Buffer.from(`${head}${parts.join(',')}]}`);
}

const overlay = <D extends Record_>(days: readonly D[], overrides: ReadonlyMap<string, DayOverride>): D[] =>
  days.map((day) => {
    const o = overrides.get(day.Date as string);
    return o ? { ...day, ...o } : day;
  });

/** Generated days (or a fixture's) with some days' figures overridden. */
class OverlaySource implements AnswerSource {
  readonly #app: AppState;
  readonly #fixture: Fixture | undefined;
  readonly #overrides: ReadonlyMap<string, DayOverride>;

  constructor(app: AppState, fixture: Fixture | undefined, overrides: ReadonlyMap<string, DayOverride>) {
    this.#app = app;
    this.#fixture = fixture;
    this.#overrides = overrides;
  }

  body(today: number, mask: FieldMask, head: string): Buffer {
    if (this.#fixture) return recordedBody(overlay(this.#fixture.days, this.#overrides), mask, head);
    return successBody(overlay<Day>(this.#app.dataset.window(today), this.#overrides), mask, head);
  }
}

/** The app a fixture brings when the configuration does not name it: served with the public demo key. */
function fixtureApp(fixture: Fixture): ResolvedAppConfig {
  return {
    sdkappid: fixture.sdkappid,
    secretKey: DEMO_APP.secretKey,
    admins: fixture.admins,
    appName: fixture.appName,
    company: fixture.company,
    rateLimitPerSecond: DEMO_APP.rateLimitPerSecond,
  };
}

/**
 * The apps and their data, under control: day overrides, recorded fixtures, apps added at run time,
 * and a reset to the start state. Every change swaps the app's answer source, which drops its cached
 * answers, so no stale answer can be served.
 */
export class AppDataEditor {
  readonly #registry: AppRegistry;
  readonly #seed: number;
  readonly #limits: AppStateLimits;
  readonly #startApps: readonly ResolvedAppConfig[];
  readonly #fixtures: ReadonlyMap<number, Fixture>;
  readonly #overrides = new Map<number, Map<string, DayOverride>>();

  /**
   * @param registry - the server's apps, already holding `startApps`
   * @param fixtures - recorded data to serve instead of generated data; an app not in `startApps` is added
   */
  constructor(
    registry: AppRegistry,
    seed: number,
    limits: AppStateLimits,
    startApps: readonly ResolvedAppConfig[],
    fixtures: readonly Fixture[],
  ) {
    this.#registry = registry;
    this.#seed = seed;
    this.#limits = limits;
    this.#startApps = startApps;
    this.#fixtures = new Map(fixtures.map((f) => [f.sdkappid, f]));
    this.#addFixtureApps();
  }

  #addFixtureApps(): void {
    for (const fixture of this.#fixtures.values()) {
      let app = this.#registry.get(fixture.sdkappid);
      if (!app) {
        app = new AppState(this.#seed, fixtureApp(fixture), this.#limits, this.#registry.store);
        this.#registry.add(app);
      }
      this.#refresh(app);
    }
  }

  #app(sdkappid: number): AppState {
    const app = this.#registry.get(sdkappid);
    if (!app) throw new ControlError('TIMOCK_UNKNOWN_APP', `no app ${sdkappid}`);
    return app;
  }

  #refresh(app: AppState): void {
    const id = app.config.sdkappid;
    const fixture = this.#fixtures.get(id);
    const overrides = this.#overrides.get(id);
    app.setSource(fixture || overrides ? new OverlaySource(app, fixture, overrides ?? new Map()) : undefined);
  }

  /** An app as the admin API shows it: never its key. */
  view(app: AppState): AppView {
    const fixture = this.#fixtures.get(app.config.sdkappid);
    return {
      sdkappid: app.config.sdkappid,
      admins: [...app.config.admins],
      appName: fixture?.appName ?? app.dataset.appName,
      company: fixture?.company ?? app.dataset.company,
      rateLimitPerSecond: app.config.rateLimitPerSecond,
      data: fixture ? 'fixture' : 'generated',
      overriddenDays: this.#overrides.get(app.config.sdkappid)?.size ?? 0,
    };
  }

  /** Every app served, as the admin API shows them. */
  apps(): AppView[] {
    return this.#registry.list().map((app) => this.view(app));
  }

  /**
   * Serves one more app from now on (until a reset).
   *
   * @throws {@link ControlError} `TIMOCK_INVALID_INPUT` for a bad app, `TIMOCK_DUPLICATE_APP` when its
   * SDKAppID is served, `TIMOCK_LIMIT_REACHED` when {@link MAX_APPS} apps are served
   */
  addApp(input: unknown): AppView {
    const config = parseInput(AppConfigSchema, input, 'app');
    if (this.#registry.get(config.sdkappid)) {
      throw new ControlError('TIMOCK_DUPLICATE_APP', `app ${config.sdkappid} is already served`);
    }
    if (this.#registry.list().length >= MAX_APPS) {
      throw new ControlError('TIMOCK_LIMIT_REACHED', `at most ${MAX_APPS} apps are served: reset first`);
    }
    const app = new AppState(this.#seed, config, this.#limits, this.#registry.store);
    this.#registry.add(app);
    return this.view(app);
  }

  /**
   * Serves these figures for these days instead of the app's own (each listed day replaces any earlier
   * override of that day; fields not given keep the app's figures). A bad document changes nothing.
   *
   * @throws {@link ControlError} `TIMOCK_INVALID_INPUT` listing every problem, `TIMOCK_UNKNOWN_APP`,
   * `TIMOCK_LIMIT_REACHED` when more than {@link MAX_OVERRIDDEN_DAYS} days would be overridden in all
   */
  setDays(sdkappid: number, input: DaysDocument | readonly DayOverride[]): AppView {
    const doc = parseInput(
      DaysDocumentSchema,
      Array.isArray(input) ? { days: input } : input,
      'days document',
    );
    const app = this.#app(sdkappid);
    const overrides = this.#overrides.get(sdkappid) ?? new Map<string, DayOverride>();
    const added = doc.days.filter((day) => !overrides.has(day.Date)).length;
    if (this.#overriddenDays() + added > MAX_OVERRIDDEN_DAYS) {
      throw new ControlError(
        'TIMOCK_LIMIT_REACHED',
        `at most ${MAX_OVERRIDDEN_DAYS} days are overridden, all apps together: clear some first`,
      );
    }
    for (const day of doc.days) overrides.set(day.Date, day);
    this.#overrides.set(sdkappid, overrides);
    this.#refresh(app);
    return this.view(app);
  }

  /**
   * Drops the app's day overrides: generated (or recorded) data again.
   *
   * @throws {@link ControlError} `TIMOCK_UNKNOWN_APP`
   */
  clearDays(sdkappid: number): AppView {
    const app = this.#app(sdkappid);
    this.#overrides.delete(sdkappid);
    this.#refresh(app);
    return this.view(app);
  }

  #overriddenDays(): number {
    let n = 0;
    for (const days of this.#overrides.values()) n += days.size;
    return n;
  }

  /** Back to the start state: the configured apps and fixtures only, fresh limiters and caches, no overrides. */
  reset(): void {
    this.#overrides.clear();
    this.#registry.clear();
    for (const config of this.#startApps)
      this.#registry.add(new AppState(this.#seed, config, this.#limits, this.#registry.store));
    this.#addFixtureApps();
  }
}
