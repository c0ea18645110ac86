import type { Day, DayOf } from '@timock/schema';
import { describe, expectTypeOf, it } from 'vitest';
import { createClient, type NumericDay, type TimClient, toNumbers } from './index.js';

declare const client: TimClient;

describe('getAppInfo types', () => {
  it('narrows days to the requested fields plus Date', () => {
    const fields = ['ChainIncrease', 'ChainDecrease'] as const;
    expectTypeOf(client.getAppInfo({ fields })).resolves.toEqualTypeOf<DayOf<typeof fields>[]>();
    expectTypeOf(client.getAppInfo({ fields: ['ChainIncrease', 'ChainDecrease'] })).resolves.toEqualTypeOf<
      { ChainIncrease: string; ChainDecrease: string; Date: string }[]
    >();
    expectTypeOf(client.getAppInfo({ fields: ['AppName'] as const })).resolves.items.not.toHaveProperty(
      'AppId',
    );
  });

  it('gives the whole Day without fields, or with an empty list', () => {
    expectTypeOf(client.getAppInfo()).resolves.toEqualTypeOf<Day[]>();
    expectTypeOf(client.getAppInfo({ signal: AbortSignal.timeout(1) })).resolves.toEqualTypeOf<Day[]>();
    expectTypeOf(client.getAppInfo({ fields: [] })).resolves.toEqualTypeOf<Day[]>();
  });

  it('refuses unknown field names and options', () => {
    // @ts-expect-error not a field
    void client.getAppInfo({ fields: ['Nope'] });
    // @ts-expect-error Date is always returned and cannot be asked for
    void client.getAppInfo({ fields: ['Date'] });
    // @ts-expect-error region ids come from the schema
    createClient({ sdkappid: 1, secretKey: 'k', region: 'mars' });
  });

  it('converts counters to numbers with toNumbers', () => {
    const day = {} as DayOf<['ChainIncrease', 'AppName']>;
    expectTypeOf(toNumbers(day)).toEqualTypeOf<NumericDay<typeof day>>();
    expectTypeOf(toNumbers(day).ChainIncrease).toEqualTypeOf<number>();
    expectTypeOf(toNumbers(day).AppName).toEqualTypeOf<string>();
    expectTypeOf(toNumbers(day).Date).toEqualTypeOf<string>();
  });
});
