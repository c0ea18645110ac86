import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../openapi.js';
import { FaultRuleSchema } from './faults.js';
import { ClockInputSchema, DaysDocumentSchema, FixtureSchema, JournalQuerySchema } from './schemas.js';

describe('FaultRuleSchema', () => {
  it('accepts one outcome, optionally with a delay', () => {
    for (const rule of [
      { errorCode: 130011 },
      { httpStatus: 502, times: 1 },
      { delayMs: 200 },
      { delayMs: [100, 300], errorCode: 70169 },
      { drop: true, probability: 0.5, seed: 7 },
      { truncate: true, sdkappid: 1400000000, fields: ['ChainIncrease'], seconds: 2 },
    ]) {
      expect(FaultRuleSchema.safeParse(rule).success, JSON.stringify(rule)).toBe(true);
    }
  });

  it('refuses no action, two outcomes, unknown codes, code 0, bad ranges and unknown keys', () => {
    for (const rule of [
      {},
      { times: 2 },
      { errorCode: 130011, httpStatus: 502 },
      { drop: true, truncate: true },
      { errorCode: 123456 },
      { errorCode: 0 },
      { httpStatus: 200 },
      { delayMs: [300, 100] },
      { delayMs: -1 },
      { errorCode: 130011, probability: 1.5 },
      { errorCode: 130011, fields: ['NotAField'] },
      { errorCode: 130011, colour: 'red' },
    ]) {
      expect(FaultRuleSchema.safeParse(rule).success, JSON.stringify(rule)).toBe(false);
    }
  });
});

describe('DaysDocumentSchema', () => {
  it('accepts partial days and refuses unknown fields, non-digit counters, bad dates and duplicates', () => {
    expect(DaysDocumentSchema.safeParse({ days: [{ Date: '20250309', ActiveUserNum: '5' }] }).success).toBe(
      true,
    );
    const bad = [
      { days: [] },
      { days: [{ Date: '20250309', Nope: '1' }] },
      { days: [{ Date: '20250309', ActiveUserNum: 5 }] },
      { days: [{ Date: '20250309', ActiveUserNum: '-5' }] },
      { days: [{ Date: '2025-03-09' }] },
      { days: [{ Date: '20250309' }, { Date: '20250309' }] },
    ];
    for (const doc of bad) expect(DaysDocumentSchema.safeParse(doc).success, JSON.stringify(doc)).toBe(false);
  });
});

describe('ClockInputSchema and JournalQuerySchema', () => {
  it('parse each clock form and refuse a time without an offset', () => {
    expect(ClockInputSchema.parse({ now: '2025-03-10T12:00:00+08:00' })).toEqual({
      now: '2025-03-10T12:00:00+08:00',
      freeze: true,
    });
    expect(ClockInputSchema.parse({ offsetMs: -5000 })).toEqual({ offsetMs: -5000 });
    expect(ClockInputSchema.safeParse({ now: '2025-03-10 12:00' }).success).toBe(false);
    expect(ClockInputSchema.safeParse({ now: '2025-03-10T12:00:00+08:00', offsetMs: 1 }).success).toBe(false);
  });

  it('turn query strings into numbers, `since` from ISO or epoch ms', () => {
    expect(
      JournalQuerySchema.parse({ sdkappid: '1400000000', code: '0', since: '1000', limit: '5' }),
    ).toEqual({
      sdkappid: 1400000000,
      code: 0,
      since: 1000,
      limit: 5,
    });
    expect(JournalQuerySchema.parse({ since: '1970-01-01T00:00:01Z' }).since).toBe(1000);
    expect(JournalQuerySchema.safeParse({ code: 'abc' }).success).toBe(false);
  });
});

describe('FixtureSchema', () => {
  it('keeps unknown day fields and refuses a key', () => {
    const fixture = {
      timockFixture: 1,
      sdkappid: 1400000000,
      admins: ['administrator'],
      recordedAt: '2025-03-10T04:00:00Z',
      source: 'http://127.0.0.1:1',
      days: [{ Date: '20250309', QQ: '1' }],
    };
    const recorded = { QQ: '1', Date: '20250309', ChainIncrease: '5', AppId: '1400000000' };
    const parsed = FixtureSchema.parse({ ...fixture, days: [recorded] });
    expect(JSON.stringify(parsed.days[0])).toBe(JSON.stringify(recorded)); // same keys, same order
    expect(FixtureSchema.safeParse({ ...fixture, secretKey: 'k' }).success).toBe(false);
    const bad = FixtureSchema.safeParse({ ...fixture, days: [{ Date: '2025-03-09', ChainIncrease: 5 }] });
    expect(bad.error?.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'days.0.ChainIncrease',
      'days.0.Date',
    ]);
  });
});

describe('the admin API in the OpenAPI document', () => {
  it('is tagged apart, names the fake as its server and describes every operation', () => {
    const doc = buildOpenApiDocument();
    const admin = Object.entries(doc.paths ?? {}).filter(([path]) => path.startsWith('/__admin/'));
    const ops = admin.flatMap(([, item]) =>
      Object.values(item as Record<string, { tags?: string[]; servers?: unknown[] }>),
    );
    expect(ops).toHaveLength(17);
    for (const op of ops) {
      expect(op.tags).toEqual(['timock admin']);
      expect(op.servers).toHaveLength(1);
    }
    expect(doc.paths?.['/v4/openconfigsvr/getappinfo']?.post?.tags).toEqual(['getappinfo']);
  });
});
