import { checkCarryOvers, checkDay } from '@timock/schema';
import { type Check, fail, pass } from '../check.js';
import { success } from './answers.js';

/** Checks of the relations between figures, from the schema's relation table. */
export const relationChecks: Check[] = [
  {
    id: 'relations.day',
    group: 'relations',
    title: 'each day obeys the documented sums and bounds',
    authority: 'project',
    async run(ctx) {
      const ex = await ctx.fullPull();
      const r = success(ex);
      if ('verdict' in r) return r.verdict;
      const broken = r.envelope.Result.flatMap((d) => checkDay(d));
      if (broken.length)
        return fail(`${broken.length} broken, first on ${broken[0]!.date}: ${broken[0]!.detail}`, ex);
      return pass(`${r.envelope.Result.length} days`, ex);
    },
  },
  {
    id: 'relations.carry',
    group: 'relations',
    title: 'cumulative totals carry over from day to day',
    authority: 'project',
    async run(ctx) {
      const ex = await ctx.fullPull();
      const r = success(ex);
      if ('verdict' in r) return r.verdict;
      const broken = checkCarryOvers(r.envelope.Result);
      if (broken.length)
        return fail(`${broken.length} broken, first on ${broken[0]!.date}: ${broken[0]!.detail}`, ex);
      return pass(undefined, ex);
    },
  },
];
