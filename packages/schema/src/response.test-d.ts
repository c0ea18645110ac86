import { describe, expectTypeOf, it } from 'vitest';
import type { Day, DayOf } from './response.js';

describe('DayOf', () => {
  it('narrows to the requested fields plus Date', () => {
    expectTypeOf<DayOf<['ChainIncrease', 'ChainDecrease']>>().toEqualTypeOf<{
      ChainIncrease: string;
      ChainDecrease: string;
      Date: string;
    }>();
  });
  it('is the whole day for no list or an empty one', () => {
    expectTypeOf<DayOf>().toEqualTypeOf<Day>();
    expectTypeOf<DayOf<[]>>().toEqualTypeOf<Day>();
    expectTypeOf<Day>().toHaveProperty('GroupAllGroupNum');
  });
});
