import { describe, expect, it } from 'vitest';
import {
  answerSizeProblem,
  CPU_BOUND,
  cpuBoundness,
  fmtMB,
  fmtMs,
  fmtNum,
  fmtRatio,
  fmtSpread,
  median,
  parseProcStat,
  parseProcStatus,
  ratio,
  spread,
  summarizeAutocannon,
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

describe('parseProcStat', () => {
  it('adds utime and stime (ticks of 10 ms), whatever the command name holds', () => {
    const rest = 'S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 1 0';
    expect(parseProcStat(`123 (node) ${rest}`)).toBe(3);
    expect(parseProcStat(`123 (a) b (c) ${rest}`)).toBe(3);
    expect(parseProcStat('')).toBeNaN();
  });
});

describe('summarizeAutocannon', () => {
  it("takes counts, bytes, statuses and latency from autocannon's own result", () => {
    const s = summarizeAutocannon({
      duration: 2,
      requests: { total: 1000 },
      throughput: { total: 250_000 },
      latency: { mean: 2.1, p50: 2, p90: 3, p99: 7, max: 12 },
      statusCodeStats: { 200: { count: 1000 } },
      non2xx: 0,
      errors: 0,
      timeouts: 0,
    });
    expect(s).toMatchObject({ rps: 500, bytesPerResponse: 250, statuses: { 200: 1000 } });
    expect(s.latencyMs).toMatchObject({ p50: 2, p99: 7 });
  });
});

describe('cpuBoundness and answerSizeProblem', () => {
  it('flags a server below one busy core, naming the generator when it was the limit', () => {
    expect(cpuBoundness({ serverCpu: CPU_BOUND, generatorCpu: 0.5 })).toEqual({ cpuBound: true });
    expect(cpuBoundness({ serverCpu: 0.6, generatorCpu: 0.99 }).reason).toMatch(/60%.*generator-bound/);
    expect(cpuBoundness({ serverCpu: 0.6, generatorCpu: 0.5 }).reason).toMatch(/machine busy/);
    expect(cpuBoundness({ serverCpu: Number.NaN, generatorCpu: 1 }).cpuBound).toBe(false);
  });
  it('accepts a body plus a header block, and nothing else', () => {
    expect(answerSizeProblem(24_300, 24_112)).toBeUndefined();
    expect(answerSizeProblem(300, 24_112)).toMatch(/average answer of 300 bytes/);
  });
});
