import { describe, expect, it } from 'vitest';
import { QuerySchema, SDKAPPID_PATTERN } from './request.js';

describe('SDKAPPID_PATTERN', () => {
  it('accepts 1 to 16 digits without a leading zero, nothing else', () => {
    for (const ok of ['1', '1400000000', '9999999999999999'])
      expect(SDKAPPID_PATTERN.test(ok), ok).toBe(true);
    for (const bad of ['', '0', '01400000000', '12345678901234567', '-1', '1e9', ' 1', '1 ', '1.0', '１']) {
      expect(SDKAPPID_PATTERN.test(bad), bad).toBe(false);
    }
  });
});

describe('QuerySchema.sdkappid', () => {
  it('follows SDKAPPID_PATTERN', () => {
    const query = { identifier: 'a', usersig: 'u', random: '1', contenttype: 'json' };
    expect(QuerySchema.safeParse({ ...query, sdkappid: '1400000000' }).data?.sdkappid).toBe(1400000000);
    for (const sdkappid of ['0', '01', '12345678901234567']) {
      expect(QuerySchema.safeParse({ ...query, sdkappid }).success, sdkappid).toBe(false);
    }
  });
});
