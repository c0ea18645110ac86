import type { Faker, LocaleDefinition } from '@faker-js/faker';
import { faker as englishFaker } from '@faker-js/faker/locale/en';
import { type Day, FIELD_NAMES, type FieldName } from '@timock/schema';
import { beijingDayNumber, formatDayNumber, weekdayOf } from './time.js';

/** The app facts that the generated data needs. */
export interface DatasetApp {
  /** The app's SDKAppID (`AppId` in the answers). */
  sdkappid: number;
  /** `AppName`; generated from (seed, sdkappid) when absent. */
  appName?: string | undefined;
  /** `Company`; generated from (seed, sdkappid) when absent. */
  company?: string | undefined;
}

/**
 * The day every generated app "launched": 2015-01-01 in Beijing. Cumulative totals carry over day by
 * day from here; earlier days exist but every counter is `"0"` (the app did not exist yet).
 */
export const LAUNCH_DATE = '20150101';
const LAUNCH_DAY = 16436; // beijingDayNumber(2015-01-01T00:00+08:00)

/** Days generated from one seeding of the app's faker (seeding is the expensive step). */
const BLOCK_DAYS = 32;
const PROFILE_TAG = 0x9f0f11e;
const BLOCK_TAG = 0xb10c;

type Counter = Exclude<
  FieldName,
  'AppName' | 'AppId' | 'Company' | 'RegistUserNumTotal' | 'GroupAllGroupNum'
>;
type Counters = Record<Counter, number>;

interface Profile {
  scale: number;
  mid: number;
  growth: number;
  weekly: number[];
  registShare: number;
  groupNewShare: number;
  loginsPerUser: number;
  onlineShare: number;
  c2cSenderShare: number;
  groupSenderShare: number;
  c2cMsgsPerSender: number;
  groupMsgsPerSender: number;
  c2cDownRatio: number;
  groupFanout: number;
  apnsShare: number;
  groupApnsFactor: number;
  chainShare: number;
  joinShare: number;
  callbacksPerMsg: number;
}

const ZERO_COUNTERS = (): Counters => ({
  ActiveUserNum: 0,
  RegistUserNumOneDay: 0,
  LoginTimes: 0,
  LoginUserNum: 0,
  UpMsgNum: 0,
  DownMsgNum: 0,
  SendMsgUserNum: 0,
  APNSMsgNum: 0,
  C2CUpMsgNum: 0,
  C2CDownMsgNum: 0,
  C2CSendMsgUserNum: 0,
  C2CAPNSMsgNum: 0,
  MaxOnlineNum: 0,
  ChainIncrease: 0,
  ChainDecrease: 0,
  GroupUpMsgNum: 0,
  GroupDownMsgNum: 0,
  GroupSendMsgUserNum: 0,
  GroupAPNSMsgNum: 0,
  GroupSendMsgGroupNum: 0,
  GroupJoinGroupTimes: 0,
  GroupQuitGroupTimes: 0,
  GroupNewGroupNum: 0,
  GroupDestroyGroupNum: 0,
  CallBackReq: 0,
  CallBackRsp: 0,
});

/**
 * Faker's class and its English data, taken from the English-only entry point. The package's main
 * entry loads every locale (about 30 MiB of heap and 150 ms of start-up) and this entry exports only a
 * ready instance, so each server builds its own `Faker` from that instance's class and data (the same
 * `[en, base]` locale chain) and never touches the shared instance.
 */
const FakerClass = englishFaker.constructor as new (options: { locale: LocaleDefinition }) => Faker;
const ENGLISH: LocaleDefinition = englishFaker.rawDefinitions;

/**
 * A new English `Faker` for {@link AppDataset}s: one per server, shared by its apps (each draw reseeds
 * it first, so sharing changes no figure; a `Faker` holds about 23 KiB).
 */
export function datasetFaker(): Faker {
  return new FakerClass({ locale: ENGLISH });
}

const title = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** The counters, in catalogue order: columns 0.. of a day in {@link AppDataset.figures}. */
const COUNTERS = Object.keys(ZERO_COUNTERS()) as Counter[];
/** Numbers per day in {@link AppDataset.figures}: the counters, then `RegistUserNumTotal`, `GroupAllGroupNum`. */
export const DAY_WIDTH = COUNTERS.length + 2;
const REGIST_TOTAL = COUNTERS.length;
const GROUPS_TOTAL = COUNTERS.length + 1;
/** Where each catalogue field of a day record comes from: a column of the figures, or an identity field. */
const FIELD_SOURCES: readonly [FieldName, number | 'AppName' | 'AppId' | 'Company'][] = FIELD_NAMES.map(
  (name) => {
    if (name === 'AppName' || name === 'AppId' || name === 'Company') return [name, name];
    if (name === 'RegistUserNumTotal') return [name, REGIST_TOTAL];
    if (name === 'GroupAllGroupNum') return [name, GROUPS_TOTAL];
    return [name, COUNTERS.indexOf(name)];
  },
);

/**
 * The generated operational data of one app: deterministic per (seed, sdkappid, date).
 *
 * How it works: a per-app profile (size, growth curve, weekly pattern, behaviour ratios) is drawn from a
 * `Faker` seeded with (seed, sdkappid). Daily figures are drawn in blocks of 32 days, the faker reseeded
 * with (seed, sdkappid, block) for each block, so a day's figures depend only on (seed, sdkappid, date).
 * Activity follows a logistic growth curve times a weekly pattern times daily noise; the other counters
 * derive from it through the profile's ratios so that every relation of `DAY_RELATIONS` holds by
 * construction. `RegistUserNumTotal` and `GroupAllGroupNum` carry over from {@link LAUNCH_DATE}
 * (`CARRY_RELATIONS`); the carry chain is memoised at block boundaries (two numbers per block).
 *
 * It keeps no days: {@link AppDataset.figures} draws the blocks a window needs each time (the caller
 * caches the compact result within its byte budget). The `Faker` is passed in (one per server, never the
 * global one); every draw reseeds it, so apps may share it.
 */
export class AppDataset {
  /** `AppName` in the answers. */
  readonly appName: string;
  /** `Company` in the answers. */
  readonly company: string;
  readonly #sdkappid: number;
  readonly #seedWords: number[];
  readonly #faker: Faker;
  readonly #profile: Profile;
  /** Totals at the end of each block: `regist, groups` at `2 * block` (a packed array of numbers). */
  readonly #blockEnd: number[] = [];

  /**
   * @param seed - the server's seed (0..2^32-1)
   * @param app - the app's SDKAppID and optional names
   * @param faker - the generator, reseeded before every draw (default: a new one, see {@link datasetFaker})
   */
  constructor(seed: number, app: DatasetApp, faker: Faker = datasetFaker()) {
    this.#sdkappid = app.sdkappid;
    this.#seedWords = [seed >>> 0, (app.sdkappid % 2 ** 32) >>> 0, Math.floor(app.sdkappid / 2 ** 32) >>> 0];
    this.#faker = faker;
    this.#faker.seed([...this.#seedWords, PROFILE_TAG]);
    this.#profile = this.#drawProfile();
    this.company = app.company ?? this.#faker.company.name();
    this.appName = app.appName ?? `${title(this.#faker.word.adjective())} ${title(this.#faker.word.noun())}`;
  }
  #drawProfile(): Profile {
    const f = this.#faker.number;
    const u = (min: number, max: number) => f.float({ min, max });
    const consumer = f.float({ min: 0, max: 1 }) < 0.6;
    const weekend = consumer ? u(1.05, 1.3) : u(0.45, 0.8);
    const weekly = [0, 1, 2, 3, 4, 5, 6].map((d) => (d === 0 || d === 6 ? weekend : u(0.95, 1.05)));
    if (consumer) weekly[5] = weekly[5]! * u(1.02, 1.1); // a busier Friday
    return {
      scale: Math.round(Math.exp(u(Math.log(500), Math.log(200_000)))),
      mid: LAUNCH_DAY + Math.round(u(1000, 4500)),
      growth: u(0.001, 0.003),
      weekly,
      registShare: u(0.01, 0.06),
      groupNewShare: u(0.002, 0.02),
      loginsPerUser: u(1.3, 6.5),
      onlineShare: u(0.02, 0.3),
      c2cSenderShare: u(0.1, 0.6),
      groupSenderShare: u(0.05, 0.5),
      c2cMsgsPerSender: u(4, 40),
      groupMsgsPerSender: u(3, 30),
      c2cDownRatio: u(0.2, 1.1),
      groupFanout: u(0.1, 20),
      apnsShare: u(0, 0.05),
      groupApnsFactor: u(0, 0.3),
      chainShare: u(0.002, 0.03),
      joinShare: u(0.01, 0.1),
      callbacksPerMsg: f.float({ min: 0, max: 1 }) < 0.25 ? 0 : u(0.9, 1.4),
    };
  }

  /** Active-user level of a day before weekly pattern and noise: a logistic curve with a floor. */
  #level(day: number): number {
    const p = this.#profile;
    return p.scale * (0.05 + 0.95 / (1 + Math.exp(-p.growth * (day - p.mid))));
  }

  /** The counters of the 32 days of a block (block 0 starts at the launch day), drawn afresh. */
  #block(block: number): Counters[] {
    this.#faker.seed([...this.#seedWords, BLOCK_TAG, block >>> 0]);
    const days: Counters[] = [];
    for (let i = 0; i < BLOCK_DAYS; i++) days.push(this.#drawDay(LAUNCH_DAY + block * BLOCK_DAYS + i));
    return days;
  }

  #drawDay(day: number): Counters {
    const p = this.#profile;
    const u = (min: number, max: number) => this.#faker.number.float({ min, max });
    const r = Math.round;
    const c = ZERO_COUNTERS();
    const active = r(this.#level(day) * p.weekly[weekdayOf(day)]! * u(0.93, 1.07));
    c.ActiveUserNum = active;
    c.RegistUserNumOneDay = r(active * p.registShare * u(0.7, 1.3));
    c.GroupNewGroupNum = r(active * p.groupNewShare * u(0.6, 1.4));
    c.GroupDestroyGroupNum = r(c.GroupNewGroupNum * u(0.2, 0.98));
    c.LoginUserNum = r(active * u(0.9, 1.1));
    c.LoginTimes = r(c.LoginUserNum * p.loginsPerUser * u(0.9, 1.1));
    c.MaxOnlineNum = Math.min(c.LoginUserNum, r(c.LoginUserNum * p.onlineShare * u(0.85, 1.15)));
    c.C2CSendMsgUserNum = r(active * p.c2cSenderShare * u(0.9, 1.1));
    c.GroupSendMsgUserNum = r(active * p.groupSenderShare * u(0.9, 1.1));
    const most = Math.max(c.C2CSendMsgUserNum, c.GroupSendMsgUserNum);
    const both = c.C2CSendMsgUserNum + c.GroupSendMsgUserNum;
    c.SendMsgUserNum = most + Math.floor((both - most) * u(0.2, 0.8));
    c.C2CUpMsgNum = r(c.C2CSendMsgUserNum * p.c2cMsgsPerSender * u(0.85, 1.15));
    c.GroupUpMsgNum = r(c.GroupSendMsgUserNum * p.groupMsgsPerSender * u(0.85, 1.15));
    c.UpMsgNum = c.C2CUpMsgNum + c.GroupUpMsgNum;
    c.C2CDownMsgNum = r(c.C2CUpMsgNum * p.c2cDownRatio * u(0.95, 1.05));
    c.GroupDownMsgNum = r(c.GroupUpMsgNum * p.groupFanout * u(0.9, 1.1));
    c.DownMsgNum = c.C2CDownMsgNum + c.GroupDownMsgNum;
    c.C2CAPNSMsgNum = r(c.C2CDownMsgNum * p.apnsShare * u(0.8, 1.2));
    c.GroupAPNSMsgNum = r(c.GroupDownMsgNum * p.apnsShare * p.groupApnsFactor * u(0.8, 1.2));
    c.APNSMsgNum = c.C2CAPNSMsgNum + c.GroupAPNSMsgNum;
    c.ChainIncrease = r(active * p.chainShare * u(0.8, 1.2));
    c.ChainDecrease = r(c.ChainIncrease * u(0.3, 1));
    c.GroupSendMsgGroupNum = r(c.GroupSendMsgUserNum * u(0.2, 0.7));
    c.GroupJoinGroupTimes = r(active * p.joinShare * u(0.8, 1.2));
    c.GroupQuitGroupTimes = r(c.GroupJoinGroupTimes * u(0.4, 0.95));
    c.CallBackReq = r(c.UpMsgNum * p.callbacksPerMsg * u(0.95, 1.05));
    c.CallBackRsp = c.CallBackReq - r(c.CallBackReq * u(0, 0.005));
    return c;
  }

  /** Totals `[regist, groups]` at the end of `block` (memoised; computed in order from the launch). */
  #totalsAtEndOf(block: number): [number, number] {
    if (block < 0) return [0, 0];
    for (let b = this.#blockEnd.length / 2; b <= block; b++) {
      let [regist, groups] = this.#totalsAtEndOf(b - 1);
      for (const c of this.#block(b)) {
        regist += c.RegistUserNumOneDay;
        groups += c.GroupNewGroupNum - c.GroupDestroyGroupNum;
      }
      this.#blockEnd.push(regist, groups);
    }
    return [this.#blockEnd[2 * block]!, this.#blockEnd[2 * block + 1]!];
  }

  /**
   * The `count` days before `today` (a Beijing day number), newest first, as numbers: {@link DAY_WIDTH}
   * per day, the counters then the two carried totals (zeros before the launch). Draws each block the
   * days touch once; {@link AppDataset.days} turns the result into day records.
   *
   * @throws RangeError when `today` is not an integer (a broken clock: the request answers 70500)
   * @param count - default 30
   */
  figures(today: number, count = 30): Float64Array {
    if (!Number.isSafeInteger(today)) throw new RangeError(`not a day number: ${today}`);
    const out = new Float64Array(count * DAY_WIDTH);
    let drawn = Number.NaN;
    let days: Counters[] = [];
    let regist = 0;
    let groups = 0;
    for (let day = Math.max(today - count, LAUNCH_DAY); day < today; day++) {
      const block = Math.floor((day - LAUNCH_DAY) / BLOCK_DAYS);
      const index = day - LAUNCH_DAY - block * BLOCK_DAYS;
      if (block !== drawn) {
        if (Number.isNaN(drawn)) [regist, groups] = this.#totalsAtEndOf(block - 1);
        days = this.#block(block);
        drawn = block;
        // The window may start inside a block: carry over its earlier days.
        for (let i = 0; i < index; i++) {
          regist += days[i]!.RegistUserNumOneDay;
          groups += days[i]!.GroupNewGroupNum - days[i]!.GroupDestroyGroupNum;
        }
      }
      const c = days[index]!;
      regist += c.RegistUserNumOneDay;
      groups += c.GroupNewGroupNum - c.GroupDestroyGroupNum;
      const at = (today - 1 - day) * DAY_WIDTH;
      for (let k = 0; k < COUNTERS.length; k++) out[at + k] = c[COUNTERS[k]!];
      out[at + REGIST_TOTAL] = regist;
      out[at + GROUPS_TOTAL] = groups;
    }
    return out;
  }

  /** The day records of {@link AppDataset.figures}`(today, count)`, newest first: every field plus `Date`. */
  days(figures: Float64Array, today: number): Day[] {
    const out: Day[] = [];
    const identity = { AppName: this.appName, AppId: String(this.#sdkappid), Company: this.company };
    for (let i = 0, at = 0; at < figures.length; i++, at += DAY_WIDTH) {
      const record: Record<string, string> = {};
      for (const [name, source] of FIELD_SOURCES)
        record[name] = typeof source === 'number' ? String(figures[at + source]) : identity[source];
      record.Date = formatDayNumber(today - 1 - i);
      out.push(record as Day);
    }
    return out;
  }

  /** The record of one Beijing day number (see {@link beijingDayNumber}): every field plus `Date`. */
  day(day: number): Day {
    return this.window(day + 1, 1)[0]!;
  }

  /**
   * The `count` days before `today` (a Beijing day number), newest first: yesterday, the day before, ...
   *
   * @param count - default 30
   */
  window(today: number, count = 30): Day[] {
    return this.days(this.figures(today, count), today);
  }
}

/** The options of {@link generateDays}. */
export interface GenerateDaysOptions {
  /** The app; `appName`/`company` are generated when absent. */
  app: DatasetApp;
  /** The seed (0..2^32-1); default 42, as the server's. */
  seed?: number;
  /** The current instant: epoch ms or a `Date`; default now. */
  now?: number | Date;
  /** How many days; default 30. */
  count?: number;
}

/**
 * The days a fake server with the same seed would answer for `app` at `now`: the last `count` days in
 * Beijing time, ending yesterday, newest first, every value a string.
 *
 * @example
 * generateDays({ app: { sdkappid: 1400000000 }, now: new Date('2025-03-10T12:00:00+08:00') })[0]!.Date; // '20250309'
 */
export function generateDays(options: GenerateDaysOptions): Day[] {
  const { app, seed = 42, now = Date.now(), count = 30 } = options;
  const ms = typeof now === 'number' ? now : now.getTime();
  return new AppDataset(seed, app).window(beijingDayNumber(ms), count);
}
