import { FAILURE_ENVELOPE_KEYS, FIELD_NAMES, successKeys, unknownFields } from '@timock/schema';
import { type Check, fail, pass, skip } from '../check.js';
import { success } from './answers.js';

/** Drift between the target and the schema: reported as warnings, never failures. */
export const driftChecks: Check[] = [
  {
    id: 'drift.unknown-fields',
    group: 'drift',
    title: 'fields the target returns that the schema does not know',
    authority: 'drift',
    async run(ctx) {
      const ex = await ctx.fullPull();
      const r = success(ex);
      if ('verdict' in r) return r.verdict;
      const names = [...new Set(r.envelope.Result.flatMap((d) => unknownFields(d)))];
      return names.length ? fail(`unknown fields: ${names.join(', ')}`, ex) : pass('none', ex);
    },
  },
  {
    id: 'drift.missing-fields',
    group: 'drift',
    title: 'fields the schema knows that a full pull lacks',
    authority: 'drift',
    async run(ctx) {
      const ex = await ctx.fullPull();
      const r = success(ex);
      if ('verdict' in r) return r.verdict;
      const missing = FIELD_NAMES.filter((f) => r.envelope.Result.some((d) => !(f in d)));
      return missing.length ? fail(`missing: ${missing.join(', ')}`, ex) : pass('none', ex);
    },
  },
  {
    id: 'drift.envelope',
    group: 'drift',
    title:
      'envelope fields beyond the documented and the configured ones (ActionStatus, RequestId, ErrorDisplay, ...)',
    authority: 'drift',
    async run(ctx) {
      const ok = await ctx.fullPull();
      const bad = await ctx.send({ body: '{' });
      const extra = (json: unknown, documented: string[]) =>
        json && typeof json === 'object' ? Object.keys(json).filter((k) => !documented.includes(k)) : [];
      // No verdict about a success that never came back.
      const succeeded = !('verdict' in success(ok));
      if (!succeeded && extra(bad.json, [...FAILURE_ENVELOPE_KEYS]).length === 0) {
        return skip('no success came back to judge its envelope (see the diagnosis)');
      }
      const onSuccess = succeeded ? extra(ok.json, successKeys(ctx.target.fidelity)) : [];
      const onFailure = extra(bad.json, [...FAILURE_ENVELOPE_KEYS]);
      const parts = [
        onSuccess.length ? `success carries ${onSuccess.join(', ')}` : '',
        onFailure.length ? `failure carries ${onFailure.join(', ')}` : '',
      ].filter(Boolean);
      return parts.length ? fail(parts.join('; '), onSuccess.length ? ok : bad) : pass('none', ok);
    },
  },
];
