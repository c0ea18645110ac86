import { describe, expect, it } from 'vitest';
import { ERROR_CODE_LIST, ERROR_CODES, errorCodeInfo, isKnownErrorCode } from './error-codes.js';
import { FIELDS, isFieldName, NUMERIC_FIELD_NAMES } from './fields.js';
import { REGION_IDS, REGIONS, regionOrigin } from './regions.js';

describe('field catalogue', () => {
  it('has the 31 documented fields, each with a label and a kind', () => {
    expect(FIELDS).toHaveLength(31);
    expect(new Set(FIELDS.map((f) => f.name)).size).toBe(31);
    expect(FIELDS.every((f) => f.label.length > 0 && f.meaning.length > 0)).toBe(true);
    expect(FIELDS.filter((f) => f.kind === 'cumulative-total').map((f) => f.name)).toEqual([
      'RegistUserNumTotal',
      'GroupAllGroupNum',
    ]);
    expect(NUMERIC_FIELD_NAMES).toHaveLength(29);
  });
  it('knows names case-sensitively and not Date', () => {
    expect(isFieldName('ChainIncrease')).toBe(true);
    expect(isFieldName('chainincrease')).toBe(false);
    expect(isFieldName('Date')).toBe(false);
    expect(isFieldName('__proto__')).toBe(false);
  });
});

describe('error catalogue', () => {
  it('holds the API’s own codes and classes them', () => {
    expect(ERROR_CODES[130001].class).toBe('request');
    for (const c of [130009, 130010, 130011, 130012] as const) {
      expect(ERROR_CODES[c]).toMatchObject({ class: 'backend', retryable: true });
    }
  });
  it('marks exactly the retryable codes of the client’s policy', () => {
    const retryable = ERROR_CODE_LIST.filter((c) => ERROR_CODES[c].retryable);
    expect(retryable).toEqual([
      60007, 60011, 60018, 60019, 70169, 70202, 70500, 130009, 130010, 130011, 130012,
    ]);
  });
  it('classes every UserSig code as auth and rate limits as rate-limit', () => {
    for (const c of [70001, 70002, 70003, 70005, 70009, 70013, 70014, 60010, 70020] as const) {
      expect(ERROR_CODES[c].class).toBe('auth');
    }
    expect(ERROR_CODES[60007].class).toBe('rate-limit');
  });
  it('classes unknown codes by range without claiming they can be retried', () => {
    expect(isKnownErrorCode(61234)).toBe(false);
    expect(isKnownErrorCode(60007)).toBe(true);
    expect(errorCodeInfo(61234)).toMatchObject({ class: 'request', retryable: false });
    expect(errorCodeInfo(90001)).toMatchObject({ class: 'backend', retryable: false });
    expect(errorCodeInfo(70001).info).toBe('UserSig expired');
  });
});

describe('regions', () => {
  it('has the eight documented regions with china first', () => {
    expect(REGION_IDS).toEqual([
      'china',
      'singapore',
      'seoul',
      'tokyo',
      'frankfurt',
      'mumbai',
      'silicon-valley',
      'jakarta',
    ]);
  });
  it('builds main and backup origins, and refuses Tokyo’s undocumented backup', () => {
    expect(regionOrigin('china')).toBe('https://console.tim.qq.com');
    expect(regionOrigin('singapore', true)).toBe('https://adminapisgp.my-imcloud.com');
    expect(REGIONS.tokyo.backupDomain).toBeNull();
    expect(() => regionOrigin('tokyo', true)).toThrow(/backup/);
  });
});
