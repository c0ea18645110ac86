import { relationProblems } from '@timock/schema';
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
      const broken = relationProblems(r.envelope.Result).find((p) => p.check === 'relations.day');
      if (broken) return fail(broken.detail, ex);
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
      const broken = relationProblems(r.envelope.Result).find((p) => p.check === 'relations.carry');
      if (broken) return fail(broken.detail, ex);
      return pass(undefined, ex);
    },
  },
];
