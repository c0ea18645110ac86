import { FIELD_NAMES, type FieldName } from '@timock/schema';
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
  const want = [...expected, 'Date'].sort().join(', ');
  for (const [i, day] of r.envelope.Result.entries()) {
    const got = Object.keys(day).sort().join(', ');
    if (got !== want) return fail(`Result[${i}] holds ${got}; expected ${want}`, ex);
  }
  if (r.envelope.Result.length === 0) return fail('no days', ex);
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
