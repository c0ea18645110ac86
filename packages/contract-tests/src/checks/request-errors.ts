import type { Check, CheckContext, Verdict } from '../check.js';
import type { Send } from '../target.js';
import { expectFailure } from './answers.js';

function requestCheck(
  id: string,
  title: string,
  code: number,
  s: Send,
  authority: 'vendor' | 'project' = 'project',
): Check {
  return {
    id,
    group: 'request-errors',
    title: `${title}: HTTP 200 and a non-zero ErrorCode (${code}${authority === 'vendor' ? ' everywhere' : ' on the fake'})`,
    authority: 'vendor',
    expects: { code, codeEverywhere: authority === 'vendor' },
    async run(ctx: CheckContext): Promise<Verdict> {
      return expectFailure(await ctx.send(s), code, { exactAuthority: authority });
    },
  };
}

/** Checks that malformed requests get the documented envelope. */
export const requestErrorChecks: Check[] = [
  requestCheck(
    'request.invalid-json',
    'a body that is not JSON',
    130001,
    { body: '{"RequestField": [' },
    'vendor',
  ),
  requestCheck('request.non-object-body', 'a JSON body that is not an object', 130001, {
    body: '["ChainIncrease"]',
  }),
  requestCheck('request.field-not-array', 'RequestField that is not an array', 130001, {
    body: '{"RequestField":"ChainIncrease"}',
  }),
  requestCheck('request.bad-random', 'random that is not a number', 60002, { query: { random: 'abc' } }),
  requestCheck('request.random-out-of-range', 'random above 4294967295', 60002, {
    query: { random: '4294967296' },
  }),
  requestCheck('request.missing-contenttype', 'no contenttype', 60002, { query: { contenttype: undefined } }),
  requestCheck('request.unknown-path', 'an unknown path under /v4/', 60009, {
    path: '/v4/openconfigsvr/nosuchapi',
  }),
];
