import { describe, expect, it } from 'vitest';
import { generatorHeadroom, judgeTargets, pairedRatio, rowsTable, summarizeRow } from './report.mjs';

/** One load as lib/measure.mjs reports it. */
const load = (rps, { cpuBound = true, p99 = 5, peakRss = 100 * 1024 * 1024 } = {}) => ({
  rps,
  latencyMs: { p50: 2, p99 },
  peakRss,
  cpuUsPerRequest: 40,
  serverCpu: cpuBound ? 0.98 : 0.5,
  generatorCpu: 0.9,
  cpuBound,
  ...(cpuBound ? {} : { reason: 'server at 50% of a core' }),
  non2xx: 0,
  errors: 0,
  problems: [],
});

describe('pairedRatio', () => {
  it('pairs rounds and leaves out every round where either server was not CPU-bound', () => {
    const a = [load(80), load(90, { cpuBound: false }), load(70)];
    const b = [load(100), load(100), load(100, { cpuBound: false })];
    const r = pairedRatio(a, b);
    expect(r.used).toBe(1);
    expect(r.value).toBeCloseTo(0.8);
    expect(r.perRound[1]).toBeNaN();
  });
  it('has no value, and says why, when no round is clean or a row is missing', () => {
    expect(pairedRatio([load(1, { cpuBound: false })], [load(1)]).reason).toMatch(/CPU-bound/);
    expect(pairedRatio(undefined, [load(1)]).reason).toBe('row not run');
  });
  it('compares any figure, e.g. p99', () => {
    expect(pairedRatio([load(1, { p99: 9 })], [load(1, { p99: 6 })], (r) => r.latencyMs.p99).value).toBe(1.5);
  });
});

describe('generatorHeadroom', () => {
  it('is the calibration row over the fastest other row', () => {
    const h = generatorHeadroom({ calibration: [load(60)], a: [load(50)], c: [load(30)] });
    expect(h.fastest.id).toBe('a');
    expect(h.headroom).toBeCloseTo(1.2);
  });
});

describe('judgeTargets', () => {
  const runs = {
    calibration: [load(60_000)],
    'baseline-a': [load(40_000)],
    'baseline-c': [load(30_000, { p99: 4 })],
    timock: [load(21_000, { p99: 7, peakRss: 160 * 1024 * 1024 })],
    'timock-silent': [load(27_000, { cpuBound: false })],
    'timock-two': [load(30_000)],
  };
  const targets = judgeTargets(runs, {
    client: { overhead: 0.15 },
    skipped: { 'redis-1': 'skipped: no redis-server' },
  });
  const byName = (part) => targets.find((t) => t.name.includes(part));

  it('judges each target from the paired ratios', () => {
    expect(byName('calibration').verdict).toBe('PASS');
    expect(byName('timock (default flags) >=').verdict).toBe('MISS');
    expect(byName('two-field').verdict).toBe('PASS');
    expect(byName('p99').verdict).toBe('MISS');
    expect(byName('client overhead').verdict).toBe('PASS');
    expect(byName('RSS').verdict).toBe('MISS');
  });
  it('skips, with the reason, a target whose rows were not CPU-bound or not run', () => {
    expect(byName('silent')).toMatchObject({ verdict: 'SKIP', reason: expect.stringMatching(/CPU-bound/) });
    expect(byName('Redis')).toMatchObject({ verdict: 'SKIP', reason: 'skipped: no redis-server' });
  });
});

describe('summarizeRow and rowsTable', () => {
  it('counts the rounds that were not CPU-bound and marks the row', () => {
    const runs = { 'baseline-c': [load(100), load(100)], x: [load(80), load(60, { cpuBound: false })] };
    expect(summarizeRow(runs.x).notCpuBound).toEqual(['server at 50% of a core']);
    const text = rowsTable(runs, { x: 'fake' });
    expect(text).toMatch(/fake \(1\/2 not CPU-bound\)/);
    expect(text).toMatch(/0\.80x/);
  });
});
