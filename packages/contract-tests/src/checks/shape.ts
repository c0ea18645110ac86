import {
  beijingDate,
  dayValueProblem,
  errorInfoText,
  FAILURE_ENVELOPE_KEYS,
  FIELD_NAMES,
  orderProblem,
  successKeys,
} from '@timock/schema';
import { type Check, fail, pass } from '../check.js';
import { expectFailure, success } from './answers.js';

/** Checks of the answer to a full pull. */
export const shapeChecks: Check[] = [
  {
    id: 'shape.http',
    group: 'shape',
    title: 'a full pull is answered with HTTP 200 and a JSON content type',
    authority: 'vendor',
    async run(ctx) {
      const ex = await ctx.fullPull();
      if (ex.status !== 200) return fail(`HTTP ${ex.status} instead of 200`, ex);
      if (!/^application\/json\b/i.test(ex.contentType))
        return fail(`Content-Type is "${ex.contentType}"`, ex);
      return pass(undefined, ex);
    },
  },
  {
    id: 'shape.envelope',
    group: 'shape',
    title: 'a full pull returns the success envelope (ErrorCode 0, ErrorInfo, Result array)',
    authority: 'vendor',
    async run(ctx) {
      const ex = await ctx.fullPull();
      const json = ex.json as Record<string, unknown> | undefined;
      if (!json || typeof json !== 'object') return fail('the body is not a JSON object', ex);
      if (json.ErrorCode !== 0)
        return fail(`ErrorCode is ${JSON.stringify(json.ErrorCode)}, not the number 0`, ex);
      if (typeof json.ErrorInfo !== 'string') return fail('ErrorInfo is not a string', ex);
      if (!Array.isArray(json.Result)) return fail('Result is not an array', ex);
      return pass(`${json.Result.length} days`, ex);
    },
  },
  {
    id: 'shape.days',
    group: 'shape',
    title: 'Result holds between 1 and 30 days',
    authority: 'vendor',
    async run(ctx) {
      const ex = await ctx.fullPull();
      const r = success(ex);
      if ('verdict' in r) return r.verdict;
      const n = r.envelope.Result.length;
      return n >= 1 && n <= 30 ? pass(`${n} days`, ex) : fail(`${n} days (expected 1 to 30)`, ex);
    },
  },
  {
    id: 'shape.values',
    group: 'shape',
    title: 'every value is a string, counters are decimal digits, Date is YYYYMMDD',
    authority: 'vendor',
    async run(ctx) {
      const ex = await ctx.fullPull();
      const days = (ex.json as { Result?: unknown } | undefined)?.Result;
      if (!Array.isArray(days)) return fail('no Result array', ex);
      for (const [i, day] of days.entries()) {
        const problem = dayValueProblem(day, i);
        if (problem) return fail(problem.detail, ex);
      }
      return pass(undefined, ex);
    },
  },
  {
    id: 'shape.order',
    group: 'shape',
    title: 'days are newest first, consecutive, without duplicates',
    authority: 'vendor',
    async run(ctx) {
      const ex = await ctx.fullPull();
      const r = success(ex);
      if ('verdict' in r) return r.verdict;
      const dates = r.envelope.Result.map((d) => d.Date);
      const problem = orderProblem(dates);
      if (problem) return fail(problem.detail, ex);
      return pass(`${dates[0]} back to ${dates.at(-1)}`, ex);
    },
  },
  {
    id: 'shape.newest-day',
    group: 'shape',
    title: 'the newest day is no later than today in Beijing time',
    authority: 'vendor',
    async run(ctx) {
      const ex = await ctx.fullPull();
      const r = success(ex);
      if ('verdict' in r) return r.verdict;
      const today = beijingDate(ctx.now());
      const newest = r.envelope.Result[0]?.Date;
      if (!newest) return fail('no days', ex);
      return newest <= today
        ? pass(`newest ${newest}, today ${today}`, ex)
        : fail(`newest day ${newest} is after today ${today}`, ex);
    },
  },
  {
    id: 'shape.all-fields',
    group: 'shape',
    title: 'every known field is present in every day of a full pull',
    authority: 'project',
    async run(ctx) {
      const ex = await ctx.fullPull();
      const r = success(ex);
      if ('verdict' in r) return r.verdict;
      for (const [i, day] of r.envelope.Result.entries()) {
        const missing = FIELD_NAMES.filter((f) => !(f in day));
        if (missing.length) return fail(`Result[${i}] lacks ${missing.join(', ')}`, ex);
      }
      return pass(undefined, ex);
    },
  },
  {
    id: 'shape.exact-envelope',
    group: 'shape',
    title:
      'a success is exactly {"ErrorCode":0,"ErrorInfo":"OK","Result":[...]} (plus ActionStatus and RequestId where the fake is set to send them)',
    authority: 'project',
    async run(ctx) {
      const ex = await ctx.fullPull();
      const r = success(ex);
      if ('verdict' in r) return r.verdict;
      const keys = Object.keys(ex.json as object);
      if (keys.join() !== successKeys(ctx.target.fidelity).join())
        return fail(`envelope keys: ${keys.join(', ')}`, ex);
      if (r.envelope.ErrorInfo !== 'OK')
        return fail(`ErrorInfo is ${JSON.stringify(r.envelope.ErrorInfo)}`, ex);
      return pass(undefined, ex);
    },
  },
  {
    id: 'shape.failure-envelope',
    group: 'shape',
    title:
      'a refusal (garbage UserSig) is exactly {"ActionStatus":"FAIL","ErrorCode":n,"ErrorInfo":"..."} in that order, with the catalogue\'s text',
    authority: 'project',
    async run(ctx) {
      const ex = await ctx.send({ query: { usersig: 'garbage' } });
      const refused = expectFailure(ex, 70003, { klass: 'auth' });
      if (!('ok' in refused) || !refused.ok) return refused;
      const json = ex.json as Record<string, unknown>;
      const keys = Object.keys(json);
      if (keys.join() !== FAILURE_ENVELOPE_KEYS.join()) return fail(`failure keys: ${keys.join(', ')}`, ex);
      if (json.ActionStatus !== 'FAIL')
        return fail(`ActionStatus is ${JSON.stringify(json.ActionStatus)}`, ex);
      const text = errorInfoText(70003);
      if (json.ErrorInfo !== text)
        return fail(
          `ErrorInfo is ${JSON.stringify(json.ErrorInfo)}; the catalogue says ${JSON.stringify(text)}`,
          ex,
        );
      return pass(undefined, ex);
    },
  },
];
