import { describe, expect, it } from 'vitest';
import { beijingDayNumber, formatDayNumber, weekdayOf } from './time.js';

describe('Beijing days', () => {
  it('puts 2025-03-09T16:30Z on 2025-03-10 (UTC+8) and 15:59:59.999Z on the 9th', () => {
    expect(formatDayNumber(beijingDayNumber(Date.parse('2025-03-09T16:30:00Z')))).toBe('20250310');
    expect(formatDayNumber(beijingDayNumber(Date.parse('2025-03-09T16:00:00Z')))).toBe('20250310');
    expect(formatDayNumber(beijingDayNumber(Date.parse('2025-03-09T15:59:59.999Z')))).toBe('20250309');
  });

  it('formats YYYYMMDD, including leap days and days before 1970', () => {
    expect(formatDayNumber(beijingDayNumber(Date.parse('2024-02-29T12:00:00+08:00')))).toBe('20240229');
    expect(formatDayNumber(beijingDayNumber(Date.parse('1969-12-31T23:00:00+08:00')))).toBe('19691231');
    expect(formatDayNumber(beijingDayNumber(0))).toBe('19700101');
  });

  it('knows the weekday (2025-03-10 was a Monday, 1969-12-28 a Sunday)', () => {
    expect(weekdayOf(beijingDayNumber(Date.parse('2025-03-10T12:00:00+08:00')))).toBe(1);
    expect(weekdayOf(beijingDayNumber(Date.parse('1969-12-28T12:00:00+08:00')))).toBe(0);
  });
});
