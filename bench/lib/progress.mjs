// Where a long benchmark run is: `[3/24] round 1/3 fake-full (1m05s elapsed)` on stderr, so that
// stdout keeps only the results. On a terminal one line is rewritten in place and cleared before the
// next result line; elsewhere (CI logs, a file) each step is one plain line, without carriage returns
// (the line itself is the CLIs' `progressLine`).
import { progressLine } from '@timock/terminal';

/** `65_000` ms as `1m05s`, `9_400` as `9s`. */
export function fmtElapsed(ms) {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/**
 * Numbered steps out of `total`.
 * @param {number} total planned steps
 * @param {{ write(text: string): unknown, isTTY?: boolean }} stream default `process.stderr`
 * @param {() => number} now ms clock, default `performance.now`
 */
export function createProgress(total, stream = process.stderr, now = () => performance.now()) {
  const started = now();
  const line = progressLine((text) => stream.write(text), stream.isTTY);
  let done = 0;
  return {
    /** Announces the next step; on a terminal it replaces the previous one. */
    step(text) {
      done++;
      line.update(`[${done}/${total}] ${text} (${fmtElapsed(now() - started)} elapsed)`);
    },
    /** Erases the step line on a terminal (call before writing a result line to stdout). */
    clear() {
      line.clear();
    },
  };
}
