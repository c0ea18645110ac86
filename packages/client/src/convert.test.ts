import { EXAMPLE_FULL_RESPONSE } from '@timock/schema';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { toNumbers } from './convert.js';

describe('toNumbers', () => {
  it('turns counters into numbers and Date into YYYY-MM-DD, leaving text fields alone', () => {
    const day = EXAMPLE_FULL_RESPONSE.Result[0];
    const n = toNumbers(day);
    expect(n).toMatchObject({
      Date: '2016-06-07',
      AppName: 'Real-Time Communication Scenario Trial Edition',
      Company: 'LinYe',
      AppId: 1104620500,
      UpMsgNum: 60642,
      GroupAPNSMsgNum: 0,
    });
    expect(Object.keys(n)).toHaveLength(32);
    expectTypeOf(n.UpMsgNum).toEqualTypeOf<number>();
    expectTypeOf(n.AppName).toEqualTypeOf<'Real-Time Communication Scenario Trial Edition'>();
  });

  it('keeps only the fields it was given, and unknown fields unchanged', () => {
    expect(toNumbers({ Date: '20160605', ChainIncrease: '8', QQ: 'x' })).toEqual({
      Date: '2016-06-05',
      ChainIncrease: 8,
      QQ: 'x',
    });
  });

  it('refuses values it cannot convert exactly', () => {
    expect(() => toNumbers({ Date: '2016-06-05' })).toThrow(RangeError);
    expect(() => toNumbers({ Date: '20160605', ChainIncrease: '1.5' })).toThrow(RangeError);
    expect(() => toNumbers({ Date: '20160605', ChainIncrease: '9007199254740993' })).toThrow(/too large/);
  });
});
