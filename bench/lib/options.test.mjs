import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from './options.mjs';
import { DEFAULT_ROWS } from './rows.mjs';

describe('parseBenchArgs', () => {
  it('has full-run defaults, and drops the lone -- that pnpm passes', () => {
    const c = parseBenchArgs(['--'], 'out.json');
    expect(c).toMatchObject({ rounds: 3, rows: DEFAULT_ROWS, extras: true, out: 'out.json' });
    expect(c.load).toEqual({ durationSec: 5, warmupSec: 1, connections: 50 });
  });
  it('shortens everything with --quick, and flags win', () => {
    const c = parseBenchArgs(['--quick', '--rounds', '2', '--rows', 'baseline-c, timock'], 'o');
    expect(c.rounds).toBe(2);
    expect(c.load.durationSec).toBe(2);
    expect(c.rows).toEqual(['baseline-c', 'timock']);
  });
  it('takes the load generator from --generator, none by default, and refuses another', () => {
    expect(parseBenchArgs([], 'o').generator).toBeUndefined();
    expect(parseBenchArgs(['--generator', 'autocannon'], 'o').generator).toBe('autocannon');
    expect(parseBenchArgs(['--generator', 'wrk'], 'o').generator).toBe('wrk');
    expect(() => parseBenchArgs(['--generator', 'ab'], 'o')).toThrow(/wrk, autocannon/);
  });
  it('refuses a row it does not know, naming it, before anything starts', () => {
    expect(() => parseBenchArgs(['--rows', 'timock,nope'], 'o')).toThrow(
      /unknown row nope; known: calibration/,
    );
    expect(parseBenchArgs(['--rows', 'timock-warn'], 'o').rows).toEqual(['timock-warn']);
  });
  it('refuses a number that is not positive', () => {
    expect(() => parseBenchArgs(['--duration', '0'], 'o')).toThrow(/positive/);
    expect(() => parseBenchArgs(['--rounds', 'x'], 'o')).toThrow(/positive/);
  });
});
