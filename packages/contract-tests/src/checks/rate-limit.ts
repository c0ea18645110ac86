import { errorCodeInfo } from '@timock/schema';
import { type Check, fail, pass } from '../check.js';
import type { Exchange } from '../target.js';

const codeOf = (ex: Exchange): number | undefined =>
  (ex.json as { ErrorCode?: number } | undefined)?.ErrorCode;

/** The aggressive rate-limit check: a burst over the limit, then the budget back a second later. */
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
      const burst = limit + Math.max(50, Math.ceil(limit / 2));
      const answers: Exchange[] = [];
      let next = 0;
      const worker = async () => {
        while (next < burst) {
          next++;
          answers.push(await ctx.send());
        }
      };
      await Promise.all(Array.from({ length: 50 }, worker));
      const ok = answers.filter((a) => codeOf(a) === 0).length;
      const limited = answers.filter((a) => {
        const c = codeOf(a);
        return c !== undefined && c !== 0 && errorCodeInfo(c).class === 'rate-limit';
      });
      const other = burst - ok - limited.length;
      if (limited.length === 0)
        return fail(`${burst} calls: ${ok} accepted, none refused for the rate limit`);
      if (other > 0)
        return fail(`${other} of ${burst} answers were neither a success nor a rate-limit refusal`);
      await new Promise((r) => setTimeout(r, 1100));
      const after = await ctx.send();
      if (codeOf(after) !== 0)
        return fail(`a second later the call still fails with ${codeOf(after)}`, after);
      const over = ok > limit ? ` (more than the limit of ${limit} accepted)` : '';
      if (over) return fail(`${burst} calls: ${ok} accepted${over}`, limited[0], 'project');
      return pass(
        `${burst} calls: ${ok} accepted, ${limited.length} refused with ${codeOf(limited[0]!)}; accepted again 1.1 s later`,
        limited[0],
      );
    },
  },
];
