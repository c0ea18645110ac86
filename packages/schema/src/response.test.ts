import { describe, expect, it } from 'vitest';
import { EXAMPLE_FILTERED_RESPONSE, EXAMPLE_FULL_RESPONSE } from './examples.js';
import { FIELD_NAMES } from './fields.js';
import {
  DaySchema,
  FailureEnvelopeSchema,
  PartialDaySchema,
  ResponseEnvelopeSchema,
  SuccessEnvelopeSchema,
  unknownFields,
} from './response.js';

const fullDay = EXAMPLE_FULL_RESPONSE.Result[0];

describe('envelopes', () => {
  it('parses the vendor’s full example and every field of its day', () => {
    const parsed = SuccessEnvelopeSchema.parse(EXAMPLE_FULL_RESPONSE);
    expect(parsed.Result).toHaveLength(1);
    expect(DaySchema.parse(fullDay).UpMsgNum).toBe('60642');
    expect(Object.keys(fullDay).sort()).toEqual([...FIELD_NAMES, 'Date'].sort());
  });

  it('parses the vendor’s filtered example, which a full day schema rejects', () => {
    const parsed = SuccessEnvelopeSchema.parse(EXAMPLE_FILTERED_RESPONSE);
    expect(parsed.Result.map((d) => d.Date)).toEqual(['20160605', '20160604']);
    expect(DaySchema.safeParse(EXAMPLE_FILTERED_RESPONSE.Result[0]).success).toBe(false);
  });

  it('parses the seed text once its trailing comma is removed', () => {
    const seedBody = `{"ErrorCode": 0, "ErrorInfo": "OK", "Result": [{"ChainDecrease":"8","ChainIncrease":"8","Date":"20160605",}]}`;
    expect(() => JSON.parse(seedBody)).toThrow();
    const fixed = JSON.parse(seedBody.replace(/,\s*}/g, '}'));
    expect(SuccessEnvelopeSchema.safeParse(fixed).success).toBe(true);
  });

  it('rejects a day with a number instead of a string', () => {
    const bad = { ...fullDay, ActiveUserNum: 2014 };
    const res = DaySchema.safeParse(bad);
    expect(res.success).toBe(false);
    expect(res.error?.issues[0]?.path).toEqual(['ActiveUserNum']);
    expect(SuccessEnvelopeSchema.safeParse({ ...EXAMPLE_FULL_RESPONSE, Result: [bad] }).success).toBe(false);
  });

  it('rejects counters that are not decimal digits and dates in another format', () => {
    expect(PartialDaySchema.safeParse({ Date: '20160605', ChainIncrease: '-1' }).success).toBe(false);
    expect(PartialDaySchema.safeParse({ Date: '20160605', ChainIncrease: '1.5' }).success).toBe(false);
    expect(PartialDaySchema.safeParse({ Date: '2016-06-05' }).success).toBe(false);
    expect(PartialDaySchema.safeParse({ Date: '20161305' }).success).toBe(false);
    expect(PartialDaySchema.safeParse({ ChainIncrease: '1' }).success).toBe(false);
  });

  it('keeps unknown fields and lists them as drift', () => {
    const day = PartialDaySchema.parse({ Date: '20160605', QQ: '3', TextMsgInNum: '4', ChainIncrease: '1' });
    expect(day).toMatchObject({ QQ: '3', TextMsgInNum: '4' });
    expect(unknownFields(day)).toEqual(['QQ', 'TextMsgInNum']);
    expect(unknownFields(fullDay)).toEqual([]);
  });

  it('tells failures from successes by ErrorCode', () => {
    const failure = {
      ActionStatus: 'FAIL',
      ErrorCode: 70001,
      ErrorInfo: 'UserSig expired',
      ErrorDisplay: '',
    };
    expect(FailureEnvelopeSchema.parse(failure).ErrorCode).toBe(70001);
    expect(FailureEnvelopeSchema.safeParse({ ErrorCode: 0, ErrorInfo: 'OK' }).success).toBe(false);
    expect(FailureEnvelopeSchema.safeParse({ ErrorCode: '70001', ErrorInfo: 'x' }).success).toBe(false);
    expect(SuccessEnvelopeSchema.safeParse(failure).success).toBe(false);
    expect(ResponseEnvelopeSchema.safeParse(failure).success).toBe(true);
    expect(ResponseEnvelopeSchema.safeParse({ ErrorCode: 0, ErrorInfo: 'OK' }).success).toBe(false);
  });
});
