import { randomBytes } from 'node:crypto';
import { type Check, type CheckContext, skip, type Verdict } from '../check.js';
import { expectFailure } from './answers.js';

type SigFor = (ctx: CheckContext) => string | undefined | { skip: string };

function authCheck(id: string, title: string, code: number, sig: SigFor): Check {
  return {
    id,
    group: 'auth',
    title: `${title} fails with an auth-class code (${code} on the fake)`,
    authority: 'vendor',
    expects: { class: 'auth', code },
    async run(ctx): Promise<Verdict> {
      const s = sig(ctx);
      if (s && typeof s === 'object') return skip(s.skip);
      const ex = await ctx.send({ query: { usersig: s } });
      return expectFailure(ex, code, { klass: 'auth' });
    },
  };
}

const needsKey = { skip: 'needs the secret key (give --secret-key)' };
const otherKey = () => randomBytes(32).toString('hex');
const nowSeconds = (ctx: CheckContext) => Math.floor(ctx.now() / 1000);

/** Checks that bad UserSigs are refused. */
export const authChecks: Check[] = [
  authCheck('auth.missing', 'a request without usersig', 70002, () => undefined),
  authCheck('auth.empty', 'an empty usersig', 70002, () => ''),
  authCheck('auth.garbage', 'a garbage usersig', 70003, () => 'not*a*usersig'),
  authCheck('auth.truncated', 'a truncated usersig', 70003, (ctx) =>
    ctx.goodSig.slice(0, Math.floor(ctx.goodSig.length / 2)),
  ),
  authCheck(
    'auth.expired',
    'an expired usersig',
    70001,
    (ctx) => ctx.sign({ timeSeconds: nowSeconds(ctx) - 7200, expireSeconds: 3600 }) ?? needsKey,
  ),
  authCheck(
    'auth.other-identifier',
    'a usersig of another identifier',
    70013,
    (ctx) => ctx.sign({ identifier: `${ctx.target.identifier}_other` }) ?? needsKey,
  ),
  authCheck('auth.other-app', 'a usersig of another app', 70014, (ctx) =>
    ctx.sign({ sdkappid: ctx.target.sdkappid + 1, secretKey: otherKey() }),
  ),
  authCheck('auth.other-key', 'a usersig signed with another key', 70009, (ctx) =>
    ctx.sign({ secretKey: otherKey() }),
  ),
];
