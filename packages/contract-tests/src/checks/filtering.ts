import { FIELD_NAMES, type FieldName, filteringProblem } from '@timock/schema';
import { type Check, type CheckContext, fail, pass, type Verdict } from '../check.js';
import { success } from './answers.js';

async function pull(
  ctx: CheckContext,
  fields: readonly string[],
  expected: readonly string[],
): Promise<Verdict> {
  const ex = await ctx.send({ body: JSON.stringify({ RequestField: fields }) });
  const r = success(ex);
  if ('verdict' in r) return r.verdict;
  const problem = filteringProblem(r.envelope.Result, expected);
  if (problem) return fail(problem.detail, ex);
  const want = [...expected, 'Date'].sort().join(', ');
  return pass(`${r.envelope.Result.length} days of ${want}`, ex);
}

function filterCheck(id: string, fields: readonly FieldName[]): Check {
  return {
    id,
    group: 'filtering',
    title: `RequestField with ${fields.length} field(s) returns exactly those plus Date`,
    authority: 'vendor',
    run: (ctx) => pull(ctx, fields, fields),
  };
}

/** Checks of `RequestField`. */
export const filteringChecks: Check[] = [
  filterCheck('filtering.one', ['ActiveUserNum']),
  filterCheck('filtering.two', ['ChainIncrease', 'ChainDecrease']),
  filterCheck('filtering.several', [
    'AppId',
    'UpMsgNum',
    'C2CUpMsgNum',
    'GroupUpMsgNum',
    'RegistUserNumTotal',
  ]),
  {
    id: 'filtering.empty',
    group: 'filtering',
    title: 'an empty RequestField returns every field',
    authority: 'project',
    run: (ctx) => pull(ctx, [], FIELD_NAMES),
  },
  {
    id: 'filtering.unknown-names',
    group: 'filtering',
    title: 'unknown names in RequestField are ignored and the rest answered',
    authority: 'project',
    run: (ctx) => pull(ctx, ['ChainIncrease', 'NoSuchField', 'chaindecrease'], ['ChainIncrease']),
  },
];
