import { describe, expect, it } from 'vitest';
import {
  fmtMB,
  fmtMs,
  fmtNum,
  fmtRatio,
  fmtSpread,
  median,
  parseProcStatus,
  ratio,
  spread,
  table,
  verdict,
} from './stats.mjs';

describe('median and spread', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    expect(median([Number.NaN, 5])).toBe(5);
  });
  it('reports min, max and (max - min) / median', () => {
    expect(spread([90, 100, 110])).toEqual({ min: 90, max: 110, median: 100, relative: 0.2 });
    expect(spread([7])).toEqual({ min: 7, max: 7, median: 7, relative: 0 });
    expect(spread([]).median).toBeNaN();
  });
});

describe('ratio and verdict', () => {
  it('divides, NaN when a side is missing or zero', () => {
    expect(ratio(75, 100)).toBe(0.75);
    expect(ratio(undefined, 100)).toBeNaN();
    expect(ratio(1, 0)).toBeNaN();
  });
  it('gives PASS, MISS or SKIP', () => {
    expect(verdict(0.75, '>=', 0.75)).toBe('PASS');
    expect(verdict(0.74, '>=', 0.75)).toBe('MISS');
    expect(verdict(1.5, '<=', 1.5)).toBe('PASS');
    expect(verdict(150, '<', 150)).toBe('MISS');
    expect(verdict(Number.NaN, '<', 1)).toBe('SKIP');
    expect(verdict(undefined, '>=', 1)).toBe('SKIP');
  });
});

describe('formatting', () => {
  it('formats numbers, times, sizes, ratios and spreads', () => {
    expect(fmtNum(12345.6)).toBe('12,346');
    expect(fmtNum(undefined)).toBe('-');
    expect(fmtMs(2.345)).toBe('2.35 ms');
    expect(fmtMs(23.45)).toBe('23.4 ms');
    expect(fmtMs(234.5)).toBe('235 ms');
    expect(fmtMB(64 * 1024 * 1024)).toBe('64.0 MiB');
    expect(fmtRatio(0.876)).toBe('0.88x');
    expect(fmtSpread(0.1)).toBe('±5.0%');
  });
  it('renders an aligned Markdown table', () => {
    expect(
      table(
        ['row', 'n'],
        [
          ['a', '1'],
          ['bb', '22'],
        ],
      ),
    ).toBe(['| row |  n |', '|:----|---:|', '| a   |  1 |', '| bb  | 22 |'].join('\n'));
  });
  it('reads VmRSS and VmHWM from /proc/<pid>/status', () => {
    const text = 'Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n';
    expect(parseProcStatus(text)).toEqual({ rss: 100 * 1024 * 1024, hwm: 200 * 1024 * 1024 });
    expect(parseProcStatus('').rss).toBeNaN();
  });
});
