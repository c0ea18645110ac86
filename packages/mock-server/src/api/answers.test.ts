import { ERROR_CODES, FIELD_NAMES } from '@timock/schema';
import { describe, expect, it } from 'vitest';
import { ALL_FIELDS, failureBody, fieldMask, successBody } from './answers.js';

describe('fieldMask', () => {
  it('normalises RequestField: absent or empty = all, unknown names ignored, order and repeats irrelevant', () => {
    expect(fieldMask(undefined)).toBe(ALL_FIELDS);
    expect(fieldMask([])).toBe(ALL_FIELDS);
    expect(fieldMask([...FIELD_NAMES])).toBe(ALL_FIELDS);
    expect(fieldMask(['ChainIncrease', 'ChainDecrease'])).toBe(
      fieldMask(['ChainDecrease', 'ChainIncrease', 'ChainIncrease']),
    );
    expect(fieldMask(['ChainIncrease', 'Nope', '__proto__'])).toBe(fieldMask(['ChainIncrease']));
    expect(fieldMask(['Nope', 'Date', 'chainincrease'])).toBe(0);
  });
});

describe('successBody', () => {
  const day = Object.fromEntries([...FIELD_NAMES.map((n, i) => [n, String(i)]), ['Date', '20250309']]);

  it('serialises the documented envelope with keys in ASCII order, as the vendor example', () => {
    const body = JSON.parse(successBody([day, { ...day, Date: '20250308' }], ALL_FIELDS).toString());
    expect(Object.keys(body)).toEqual(['ErrorCode', 'ErrorInfo', 'Result']);
    expect(body.ErrorCode).toBe(0);
    expect(body.ErrorInfo).toBe('OK');
    expect(body.Result).toHaveLength(2);
    const keys = Object.keys(body.Result[0]);
    expect(keys).toEqual([...FIELD_NAMES, 'Date'].sort());
    expect(keys.slice(0, 3)).toEqual(['APNSMsgNum', 'ActiveUserNum', 'AppId']);
    expect(body.Result[0]).toEqual(day);
  });

  it('keeps only the masked fields plus Date', () => {
    const body = JSON.parse(successBody([day], fieldMask(['ChainIncrease', 'ChainDecrease'])).toString());
    expect(body.Result).toEqual([
      { ChainDecrease: day.ChainDecrease, ChainIncrease: day.ChainIncrease, Date: '20250309' },
    ]);
    expect(JSON.parse(successBody([day], 0).toString()).Result).toEqual([{ Date: '20250309' }]);
  });

  it('escapes text fields', () => {
    const body = JSON.parse(successBody([{ ...day, AppName: 'a "quoted"\nname' }], ALL_FIELDS).toString());
    expect(body.Result[0].AppName).toBe('a "quoted"\nname');
  });
});

describe('failureBody', () => {
  it('answers from the catalogue with the FAIL envelope', () => {
    const text = failureBody(70009).toString();
    expect(JSON.parse(text)).toEqual({
      ActionStatus: 'FAIL',
      ErrorCode: 70009,
      ErrorInfo: ERROR_CODES[70009].info,
    });
    // The gateway's keys in the gateway's order, nothing else.
    expect(
      text.startsWith('{"ActionStatus":"FAIL","ErrorCode":70009,"ErrorInfo":"UserSig verification Failed.'),
    ).toBe(true);
  });
  it("fills in 70014's two SDKAppIDs per call, and 0 for a value not known", () => {
    expect(
      JSON.parse(failureBody(70014, { sdkappid: '1400000001', usersigSdkappid: 1400000000 }).toString()),
    ).toEqual({
      ActionStatus: 'FAIL',
      ErrorCode: 70014,
      ErrorInfo:
        'The requested SDKAppID(1400000001) does not match the Usersig(1400000000). You can run a self-checking with the assistant tool on the console.',
    });
    expect(JSON.parse(failureBody(70014).toString()).ErrorInfo).toMatch(
      /^The requested SDKAppID\(0\) does not match the Usersig\(0\)/,
    );
  });
});
