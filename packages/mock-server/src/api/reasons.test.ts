import { describe, expect, it } from 'vitest';
import { duration, instant, listed, quoted, relative } from './reasons.js';

describe('the words of a reason', () => {
  it('quotes values as printable ASCII, cut short (a valid header value whatever was sent)', () => {
    expect(quoted('bob')).toBe("'bob'");
    expect(quoted("b\u00f6b\r\n'\\")).toBe("'b\\u00f6b\\u000d\\u000a\\u0027\\u005c'");
    expect(quoted('x'.repeat(100))).toBe(`'${'x'.repeat(64)}...'`);
    expect(quoted('\u4e2d\u6587')).toMatch(/^[\x20-\x7e]+$/);
  });

  it('lists at most five names, then how many more', () => {
    expect(listed([])).toBe('none');
    expect(listed(['administrator'])).toBe("'administrator'");
    expect(listed([1, 2, 3, 4, 5, 6, 7])).toBe('1, 2, 3, 4, 5 and 2 more');
  });

  it('says durations in two units at most, and instants in UTC', () => {
    expect([0, 45, 60, 65, 3600, 7980, 86_400, 97_200].map(duration)).toEqual([
      '0 s',
      '45 s',
      '1 min',
      '1 min 5 s',
      '1 h',
      '2 h 13 min',
      '1 d',
      '1 d 3 h',
    ]);
    expect(instant(1_600_000_000)).toBe('2020-09-13 12:26:40 UTC');
    expect(instant(1e20)).toBe('100000000000000000000 s after the epoch');
    expect(relative(100, 40)).toBe('in 1 min');
    expect(relative(40, 100)).toBe('1 min ago');
  });
});
