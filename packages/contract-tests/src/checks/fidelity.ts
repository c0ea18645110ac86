import {
  beijingDate,
  FIDELITY_SETTINGS,
  type Fidelity,
  type FidelityName,
  previousDate,
} from '@timock/schema';
import { type Check, type CheckContext, fail, pass, type Verdict } from '../check.js';
import type { Exchange, Send } from '../target.js';
import { transportProblem } from './answers.js';

/** What a probe saw: the setting's value on the target, or why it could not tell. */
type Seen<N extends FidelityName> = { value: Fidelity[N]; exchange: Exchange } | { unclear: Verdict };

const codeOf = (ex: Exchange): unknown => (ex.json as { ErrorCode?: unknown } | undefined)?.ErrorCode;

/** A probe's answer read as one of two values: a success, or a refusal with `refusedCode`. */
async function successOr<N extends FidelityName>(
  ctx: CheckContext,
  s: Send,
  refusedCode: number,
  onSuccess: Fidelity[N],
  onRefusal: Fidelity[N],
): Promise<Seen<N>> {
  const ex = await ctx.send(s);
  const problem = transportProblem(ex);
  if (problem) return { unclear: fail(problem, ex, 'vendor') };
  // Accepted is ErrorCode 0, whatever the rest of the answer (the shape checks judge that).
  if (codeOf(ex) === 0) return { value: onSuccess, exchange: ex };
  if (codeOf(ex) === refusedCode) return { value: onRefusal, exchange: ex };
  return {
    unclear: fail(
      `answered ErrorCode ${JSON.stringify(codeOf(ex))}: neither a success nor ${refusedCode}`,
      ex,
    ),
  };
}

/**
 * A check of one fidelity setting: `probe` finds the target's value; against the fake it must equal the
 * fake's setting (`target.fidelity`), against a real endpoint the difference is an observation. The
 * value seen goes into the report's `fidelity` section.
 */
function fidelityCheck<N extends FidelityName>(
  setting: N,
  probe: (ctx: CheckContext) => Promise<Seen<N>>,
): Check {
  return {
    id: `fidelity.${setting}`,
    group: 'fidelity',
    title: `${FIDELITY_SETTINGS[setting].behaviour} (fidelity.${setting})`,
    authority: 'project',
    setting,
    async run(ctx) {
      const seen = await probe(ctx);
      if ('unclear' in seen) return seen.unclear;
      const expected = ctx.target.fidelity[setting];
      const detail = `${setting} = ${JSON.stringify(seen.value)}`;
      return seen.value === expected
        ? { ...pass(detail, seen.exchange), observed: seen.value }
        : {
            ...fail(`${detail}; the fake is set to ${JSON.stringify(expected)}`, seen.exchange),
            observed: seen.value,
          };
    },
  };
}

/** The full pull's envelope key `key` read as a boolean setting: present with the expected form, or absent. */
const envelopeKey =
  <N extends 'successActionStatus' | 'successRequestId'>(key: string, valid: (v: unknown) => boolean) =>
  async (ctx: CheckContext): Promise<Seen<N>> => {
    const ex = await ctx.fullPull();
    const json = ex.json as Record<string, unknown> | undefined;
    if (!Array.isArray(json?.Result)) return { unclear: fail('the full pull has no Result', ex) };
    if (!(key in json)) return { value: false as Fidelity[N], exchange: ex };
    if (!valid(json[key])) return { unclear: fail(`${key} is ${JSON.stringify(json[key])}`, ex) };
    return { value: true as Fidelity[N], exchange: ex };
  };

/**
 * The behaviours where the real service is unknown or has changed (`@timock/schema`'s fidelity settings),
 * one check each: strict against the fake (it must do what it is set to), observations against a real
 * endpoint, whose values the report's `fidelity` section lists with the config that makes the fake match.
 */
export const fidelityChecks: Check[] = [
  fidelityCheck('requireRandom', (ctx) =>
    successOr(ctx, { query: { random: undefined } }, 60002, false, true),
  ),
  fidelityCheck('methodCheck', async (ctx) => {
    // A GET with a garbage UserSig: refused for its method first (60002), or checked like a POST.
    const ex = await ctx.send({ method: 'GET', query: { usersig: 'garbage' } });
    const problem = transportProblem(ex);
    if (problem) return { unclear: fail(problem, ex, 'vendor') };
    const code = codeOf(ex);
    if (code === 60002) return { value: 'first', exchange: ex };
    if (typeof code !== 'number' || code === 0) {
      return { unclear: fail(`a GET with a garbage UserSig answered ErrorCode ${JSON.stringify(code)}`, ex) };
    }
    // Checked like a POST: a GET that passes every check is refused with 60008 (evidence R1).
    const valid = await ctx.send({ method: 'GET' });
    if (codeOf(valid) !== 60008) {
      return {
        unclear: fail(
          `a well-formed GET answered ErrorCode ${JSON.stringify(codeOf(valid))}, not 60008`,
          valid,
        ),
      };
    }
    return { value: 'last', exchange: valid };
  }),
  fidelityCheck('arrayBody', (ctx) => successOr(ctx, { body: '[]' }, 130001, 'all-fields', 'refuse')),
  fidelityCheck('nullRequestField', (ctx) =>
    successOr(ctx, { body: '{"RequestField":null}' }, 130001, 'all-fields', 'refuse'),
  ),
  fidelityCheck(
    'successActionStatus',
    envelopeKey('ActionStatus', (v) => v === 'OK'),
  ),
  fidelityCheck(
    'successRequestId',
    envelopeKey('RequestId', (v) => typeof v === 'string' && v.length > 0),
  ),
  fidelityCheck('includeToday', async (ctx) => {
    const ex = await ctx.fullPull();
    const days = (ex.json as { Result?: unknown } | undefined)?.Result;
    const dates = Array.isArray(days) ? days.map((d) => String((d as { Date?: unknown })?.Date)) : [];
    // The latest date, whatever the order (shape.order judges the order).
    const newest = dates.reduce<string | undefined>((a, b) => (a === undefined || b > a ? b : a), undefined);
    const today = beijingDate(ctx.now());
    if (newest === today) return { value: true, exchange: ex };
    if (newest === previousDate(today)) return { value: false, exchange: ex };
    return { unclear: fail(`the newest day is ${JSON.stringify(newest)}; today is ${today}`, ex) };
  }),
];
