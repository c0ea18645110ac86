import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { INVALID_OPTIONS, InvalidOptionsError, isInvalidOptionsError, isTimockError } from './errors.js';

describe('InvalidOptionsError', () => {
  it('extends Error, sets name, code, issues and cause, and lists every issue in its message', () => {
    const parsed = z.strictObject({ a: z.number(), b: z.string() }).safeParse({ a: 'x', b: 1 });
    if (parsed.success) throw new Error('expected a failure');
    const err = InvalidOptionsError.fromZod(parsed.error);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ name: 'InvalidOptionsError', code: 'TIMOCK_INVALID_OPTIONS' });
    expect(err.issues).toHaveLength(2);
    expect(err.issues[0]).toMatch(/^a: /);
    expect(err.issues[1]).toMatch(/^b: /);
    expect(err.cause).toBe(parsed.error);
    expect(err.message).toBe(`invalid timock options: ${err.issues.join('; ')}`);
    expect(String(err)).toContain('InvalidOptionsError');
  });

  it('names its subject, and takes top-level issues without a path', () => {
    const err = new InvalidOptionsError(['give exactly one'], { subject: 'client options' });
    expect(err.message).toBe('invalid client options: give exactly one');
    expect(err.cause).toBeUndefined();
  });
});

describe('guards', () => {
  it('recognise timock errors by brand and code, never by shape alone', () => {
    const err = new InvalidOptionsError(['x']);
    expect([isTimockError(err), isTimockError(err, INVALID_OPTIONS), isTimockError(err, 'OTHER')]).toEqual([
      true,
      true,
      false,
    ]);
    expect(isInvalidOptionsError(err)).toBe(true);
    const lookalike = Object.assign(new Error('x'), { code: INVALID_OPTIONS, name: 'InvalidOptionsError' });
    for (const v of [lookalike, null, undefined, 'InvalidOptionsError', 42, {}]) {
      expect([isTimockError(v), isInvalidOptionsError(v)]).toEqual([false, false]);
    }
  });

  it('recognise an error from another build of the package (ESM and CJS) by its brand', () => {
    const foreign = Object.assign(new Error('x'), { code: INVALID_OPTIONS, issues: ['x'] });
    Object.defineProperty(foreign, Symbol.for('timock.error'), { value: true });
    expect(foreign).not.toBeInstanceOf(InvalidOptionsError);
    expect(isInvalidOptionsError(foreign)).toBe(true);
  });
});
