import { describe, expect, it } from 'vitest';
import {
  isAuthError,
  isBackendError,
  isRateLimited,
  isRetryable,
  isTimApiError,
  isTimError,
  isTimeoutError,
  isTimResponseError,
  isTimTransportError,
  TimApiError,
  TimError,
  TimResponseError,
  TimTransportError,
} from './errors.js';

describe('error classes', () => {
  it('extend Error, set name and code, and carry the catalogue entry', () => {
    const err = new TimApiError(70001, 'UserSig expired', 'req-1');
    expect(err).toBeInstanceOf(Error);
    expect(err).toBeInstanceOf(TimError);
    expect(err).toMatchObject({
      name: 'TimApiError',
      code: 70001,
      info: 'UserSig expired',
      errorClass: 'auth',
      retryable: false,
      requestId: 'req-1',
      attempts: 1,
    });
    expect(err.entry).toMatchObject({ class: 'auth', retryable: false });
    expect(String(err)).toContain('TimApiError');
    const transport = new TimTransportError('TIM_ERR_NETWORK', 'reset', {
      cause: new Error('x'),
      retryable: true,
    });
    expect(transport).toMatchObject({ name: 'TimTransportError', code: 'TIM_ERR_NETWORK', retryable: true });
    expect((transport.cause as Error).message).toBe('x');
    const response = new TimResponseError([{ path: ['Result', 0, 'Date'], message: 'bad' }], '{"x"', 200);
    expect(response).toMatchObject({ name: 'TimResponseError', code: 'TIM_ERR_RESPONSE', retryable: false });
    expect(response.message).toContain('at Result.0.Date');
  });

  it('classes codes outside the catalogue by range and never as retryable', () => {
    expect(new TimApiError(65432, 'new')).toMatchObject({ errorClass: 'request', retryable: false });
  });
});

describe('guards', () => {
  const api = (code: number) => new TimApiError(code, 'x');

  it('tell the classes apart', () => {
    const t = new TimTransportError('TIM_ERR_TIMEOUT', 'slow', { retryable: true });
    const r = new TimResponseError([], '', 200);
    expect([isTimApiError(api(1)), isTimApiError(t), isTimApiError(new Error('x'))]).toEqual([
      true,
      false,
      false,
    ]);
    expect([
      isTimTransportError(t),
      isTimTransportError(t, 'TIM_ERR_NETWORK'),
      isTimTransportError(r),
    ]).toEqual([true, false, false]);
    expect([isTimResponseError(r), isTimResponseError(t)]).toEqual([true, false]);
    expect([isTimError(api(1)), isTimError(t), isTimError(r), isTimError(new Error())]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(isTimeoutError(t)).toBe(true);
    expect(isTimApiError(api(70001), 70001)).toBe(true);
    expect(isTimApiError(api(70001), 70009)).toBe(false);
    for (const v of [null, undefined, 'TimApiError', 42, {}]) expect(isTimError(v)).toBe(false);
  });

  it('class API errors from the catalogue', () => {
    for (const c of [60007, 60011, 60018, 60019]) expect(isRateLimited(api(c))).toBe(true);
    for (const c of [70001, 70002, 70003, 70005, 70009, 70013, 70014, 70016, 70020, 60010]) {
      expect([isAuthError(api(c)), isRetryable(api(c))]).toEqual([true, false]);
    }
    for (const c of [70169, 70202, 70500, 130009, 130010, 130011, 130012]) {
      expect([isBackendError(api(c)), isRetryable(api(c))]).toEqual([true, true]);
    }
    expect([isRetryable(api(130001)), isAuthError(api(130001)), isRateLimited(api(70001))]).toEqual([
      false,
      false,
      false,
    ]);
  });

  it('recognise errors from another copy of the package (ESM and CJS builds) by their brand', () => {
    // What a TimApiError from the other build looks like to this one: not an instance, but branded.
    const foreign = Object.assign(new Error('x'), { code: 60007, errorClass: 'rate-limit', retryable: true });
    Object.defineProperty(foreign, Symbol.for('timock.error'), { value: true });
    expect(foreign).not.toBeInstanceOf(TimApiError);
    expect([isTimApiError(foreign), isRateLimited(foreign), isRetryable(foreign)]).toEqual([
      true,
      true,
      true,
    ]);
    expect(isTimTransportError(foreign)).toBe(false);
  });
});
