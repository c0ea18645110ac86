import { errorCodeInfo } from '@timock/schema';
import { type Check, fail, pass, skip } from '../check.js';
import type { Exchange } from '../target.js';

const codeOf = (ex: Exchange): number | undefined =>
  (ex.json as { ErrorCode?: number } | undefined)?.ErrorCode;

/** One call of the burst: when it was sent and answered (`performance.now()` ms), and the answer. */
export interface TimedCall {
  readonly sentMs: number;
  readonly answeredMs: number;
  readonly answer: Exchange;
}

/**
 * Calls that surely reached the target within less than one second of each other: the target saw each
 * one between its sending and its answer, so calls sent at or after `sentMs` of one of them and answered
 * before that plus this span were all seen within one second. A few ms short of 1,000 absorbs the
 * rounding of the target's millisecond clock.
 */
const SURE_SPAN_MS = 990;

/**
 * The largest number of `calls` that the target surely received within one second: whatever the
 * machine's speed, a target that keeps its limit never accepted more of them than the limit.
 */
export function mostWithinOneSecond(calls: readonly TimedCall[]): number {
  let most = 0;
  for (const first of calls) {
    const end = first.sentMs + SURE_SPAN_MS;
    let n = 0;
    for (const c of calls) if (c.sentMs >= first.sentMs && c.answeredMs < end) n++;
    most = Math.max(most, n);
  }
  return most;
}

const isRateLimited = (ex: Exchange): boolean => {
  const c = codeOf(ex);
  return c !== undefined && c !== 0 && errorCodeInfo(c).class === 'rate-limit';
};

/** The longest the burst goes on past its first `limit + 50%` calls while no call was refused, in ms. */
const MAX_BURST_MS = 2000;

/**
 * The aggressive rate-limit check: a burst over the limit on 50 connections, then the budget back a
 * second later. It judges by the calls that surely fell within one second (from their send and answer
 * times), so a slow machine makes the burst thinner, never the verdict wrong.
 */
export const rateLimitChecks: Check[] = [
  {
    id: 'rate-limit.burst',
    group: 'rate-limit',
    title: 'a burst over the limit within one second gets rate-limit answers, and the budget comes back',
    authority: 'vendor',
    aggressive: true,
    expects: { class: 'rate-limit' },
    async run(ctx) {
      const limit = ctx.target.rateLimitPerSecond;
      // At least this many calls; more (up to 3x, for at most MAX_BURST_MS) while none is refused.
      const burst = limit + Math.max(50, Math.ceil(limit / 2));
      const calls: TimedCall[] = [];
      const started = performance.now();
      let sent = 0;
      let refused = false;
      const more = () =>
        sent < burst || (!refused && sent < 3 * burst && performance.now() - started < MAX_BURST_MS);
      const worker = async () => {
        while (more()) {
          sent++;
          const sentMs = performance.now();
          const answer = await ctx.send();
          calls.push({ sentMs, answeredMs: performance.now(), answer });
          if (isRateLimited(answer)) refused = true;
        }
      };
      await Promise.all(Array.from({ length: 50 }, worker));
      const accepted = calls.filter((c) => codeOf(c.answer) === 0);
      const limited = calls.filter((c) => isRateLimited(c.answer));
      const other = calls.length - accepted.length - limited.length;
      if (other > 0)
        return fail(`${other} of ${calls.length} answers were neither a success nor a rate-limit refusal`);
      const dense = mostWithinOneSecond(calls);
      if (limited.length === 0) {
        if (dense <= limit)
          return skip(
            `the burst was too thin to reach the limit of ${limit}: at most ${dense} of ${calls.length} calls surely within one second`,
          );
        return fail(`${calls.length} calls: ${accepted.length} accepted, none refused for the rate limit`);
      }
      await new Promise((r) => setTimeout(r, 1100));
      const after = await ctx.send();
      if (codeOf(after) !== 0)
        return fail(`a second later the call still fails with ${codeOf(after)}`, after);
      const acceptedInOneSecond = mostWithinOneSecond(accepted);
      const first = limited[0]!.answer;
      if (acceptedInOneSecond > limit)
        return fail(
          `${acceptedInOneSecond} calls accepted within one second, more than the limit of ${limit}`,
          first,
          'project',
        );
      return pass(
        `${calls.length} calls: ${accepted.length} accepted (at most ${acceptedInOneSecond} within one second), ${limited.length} refused with ${codeOf(first)}; accepted again 1.1 s later`,
        first,
      );
    },
  },
];
