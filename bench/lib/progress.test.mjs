import { describe, expect, it } from 'vitest';
import { createProgress, fmtElapsed } from './progress.mjs';

const stream = (isTTY) => {
  const written = [];
  return { written, isTTY, write: (t) => written.push(t) };
};

describe('bench progress', () => {
  it('formats elapsed time in seconds, then minutes and seconds', () => {
    expect(fmtElapsed(9_400)).toBe('9s');
    expect(fmtElapsed(65_000)).toBe('1m05s');
    expect(fmtElapsed(600_000)).toBe('10m00s');
  });

  it('numbers the steps and writes plain lines off a terminal', () => {
    let t = 0;
    const s = stream(false);
    const p = createProgress(2, s, () => t);
    t = 1_000;
    p.step('round 1/1 fake-full');
    p.clear();
    t = 70_000;
    p.step('start-up time');
    expect(s.written).toEqual([
      '[1/2] round 1/1 fake-full (1s elapsed)\n',
      '[2/2] start-up time (1m10s elapsed)\n',
    ]);
  });

  it('rewrites one line on a terminal and erases it on clear, once', () => {
    const s = stream(true);
    const p = createProgress(3, s, () => 0);
    p.step('a');
    p.step('b');
    p.clear();
    p.clear();
    expect(s.written).toEqual([
      '\r\u001b[2K[1/3] a (0s elapsed)',
      '\r\u001b[2K[2/3] b (0s elapsed)',
      '\r\u001b[2K',
    ]);
  });
});
