import { checkCarryOvers, checkDay, DaySchema, FIELD_NAMES } from '@timock/schema';
import { describe, expect, it } from 'vitest';
import { AppDataset, generateDays } from './dataset.js';
import { beijingDayNumber } from './time.js';

const NOW = Date.parse('2025-03-10T04:00:00Z'); // 12:00 in Beijing, Monday 2025-03-10
const TODAY = beijingDayNumber(NOW);

describe('AppDataset', () => {
  it('obeys every day relation and carry-over for several seeds and apps', () => {
    for (const seed of [0, 1, 42, 4294967295]) {
      for (const sdkappid of [1400000000, 1400000001, 20000123, 9007199254740991]) {
        const days = new AppDataset(seed, { sdkappid }).window(TODAY, 120);
        for (const day of days) {
          expect(DaySchema.safeParse(day).success).toBe(true);
          expect(checkDay(day), `${seed}/${sdkappid}/${day.Date}`).toEqual([]);
        }
        expect(checkCarryOvers(days), `${seed}/${sdkappid}`).toEqual([]);
      }
    }
  });

  it('answers 30 days ending yesterday (Beijing), newest first, every value a string', () => {
    const days = generateDays({ app: { sdkappid: 1400000000, appName: 'A', company: 'C' }, now: NOW });
    expect(days).toHaveLength(30);
    expect(days[0]!.Date).toBe('20250309');
    expect(days[29]!.Date).toBe('20250208');
    for (const day of days) {
      expect(Object.keys(day).sort()).toEqual([...FIELD_NAMES, 'Date'].sort());
      for (const v of Object.values(day)) expect(typeof v).toBe('string');
      expect(day.AppId).toBe('1400000000');
      expect(day.AppName).toBe('A');
      expect(day.Company).toBe('C');
    }
  });

  it('uses the Beijing day: 2025-03-09T16:30Z already answers up to 2025-03-09', () => {
    expect(generateDays({ app: { sdkappid: 1 }, now: Date.parse('2025-03-09T16:30:00Z') })[0]!.Date).toBe(
      '20250309',
    );
    expect(generateDays({ app: { sdkappid: 1 }, now: Date.parse('2025-03-09T15:30:00Z') })[0]!.Date).toBe(
      '20250308',
    );
  });

  it('is deterministic across instances (a restart) and depends on seed and app', () => {
    const a = new AppDataset(42, { sdkappid: 1400000000 }).window(TODAY);
    const b = new AppDataset(42, { sdkappid: 1400000000 }).window(TODAY);
    expect(b).toEqual(a);
    expect(new AppDataset(43, { sdkappid: 1400000000 }).window(TODAY)).not.toEqual(a);
    expect(new AppDataset(42, { sdkappid: 1400000001 }).window(TODAY)[0]!.ActiveUserNum).not.toBe(
      a[0]!.ActiveUserNum,
    );
    // Generated names are deterministic too.
    expect(new AppDataset(42, { sdkappid: 7 }).appName).toBe(new AppDataset(42, { sdkappid: 7 }).appName);
    expect(new AppDataset(42, { sdkappid: 7 }).company.length).toBeGreaterThan(0);
  });

  it('shifts the window by one day at a day change, the 29 overlapping days identical', () => {
    const ds = new AppDataset(42, { sdkappid: 1400000000 });
    const monday = ds.window(TODAY);
    const tuesday = new AppDataset(42, { sdkappid: 1400000000 }).window(TODAY + 1);
    expect(tuesday[0]!.Date).toBe('20250310');
    expect(tuesday.slice(1)).toEqual(monday.slice(0, 29));
    // The same figures whatever was asked before (memoised chain vs. fresh).
    expect(ds.window(TODAY + 1)).toEqual(tuesday);
    expect(ds.day(TODAY - 400)).toEqual(new AppDataset(42, { sdkappid: 1400000000 }).day(TODAY - 400));
  });

  it('has a weekly pattern and grows over the years', () => {
    const ds = new AppDataset(42, { sdkappid: 1400000000 });
    const days = ds.window(TODAY, 28);
    const active = (d: (typeof days)[number]) => Number(d.ActiveUserNum);
    const weekday = (d: (typeof days)[number]) =>
      new Date(`${d.Date.slice(0, 4)}-${d.Date.slice(4, 6)}-${d.Date.slice(6)}`).getUTCDay();
    const weekend = days.filter((d) => [0, 6].includes(weekday(d))).map(active);
    const work = days.filter((d) => ![0, 6].includes(weekday(d))).map(active);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(Math.abs(mean(weekend) / mean(work) - 1)).toBeGreaterThan(0.03);
    const then = Number(ds.day(TODAY - 5 * 365).RegistUserNumTotal);
    const now = Number(days[0]!.RegistUserNumTotal);
    expect(now).toBeGreaterThan(then);
    expect(Number(days[0]!.ActiveUserNum)).toBeGreaterThan(0);
  });

  it('reports zeros before the launch date (2015-01-01) and carries totals from it', () => {
    const ds = new AppDataset(42, { sdkappid: 1400000000 });
    const launch = beijingDayNumber(Date.parse('2015-01-01T12:00:00+08:00'));
    const before = ds.day(launch - 1);
    expect(before.Date).toBe('20141231');
    expect(before.ActiveUserNum).toBe('0');
    expect(before.RegistUserNumTotal).toBe('0');
    const first = ds.day(launch);
    expect(first.RegistUserNumTotal).toBe(first.RegistUserNumOneDay);
    expect(checkCarryOvers([first, before])).toEqual([]);
  });
});
