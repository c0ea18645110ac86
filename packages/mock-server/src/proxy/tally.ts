import { ANSWER_CHECKS, type AnswerCheck, type AnswerJudgement } from '@timock/schema';

/** How many distinct problems each check keeps an example of. */
const MAX_EXAMPLES = 10;

/** The first example of one problem: the field it concerns, what broke, and the call that showed it. */
export interface ProblemExample {
  readonly field?: string;
  readonly detail: string;
  /** The journal entry's `seq`. */
  readonly seq: number;
}

/** One check over every answer judged so far. */
export interface CheckTally {
  passes: number;
  failures: number;
  /** The first example of each distinct problem (by field), at most 10. */
  readonly examples: ProblemExample[];
}

/** The running contract summary of a proxy (`GET /__admin/contract`). */
export interface ContractSummary {
  /** The origin the proxy forwards to. */
  readonly upstream: string;
  /** Calls forwarded (judged or not). */
  calls: number;
  /** getappinfo answers judged. */
  judged: number;
  /** Calls answered 502 because the upstream could not be reached, timed out or failed TLS. */
  upstreamErrors: number;
  readonly checks: Record<AnswerCheck, CheckTally>;
  /** Names the schema does not know, with how many answers carried each. */
  readonly drift: { unknownFields: Record<string, number>; envelopeKeys: Record<string, number> };
  /** The fidelity values seen, with how many answers showed each; refusal texts by ErrorCode (first seen). */
  readonly observations: {
    successActionStatus: Record<string, number>;
    successRequestId: Record<string, number>;
    includeToday: Record<string, number>;
    refusals: Record<string, string>;
  };
}

const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/** A new, empty summary for `upstream`. */
export function emptySummary(upstream: string): ContractSummary {
  return {
    upstream,
    calls: 0,
    judged: 0,
    upstreamErrors: 0,
    checks: Object.fromEntries(
      ANSWER_CHECKS.map((c) => [c, { passes: 0, failures: 0, examples: [] }]),
    ) as unknown as Record<AnswerCheck, CheckTally>,
    drift: { unknownFields: {}, envelopeKeys: {} },
    observations: { successActionStatus: {}, successRequestId: {}, includeToday: {}, refusals: {} },
  };
}

/** Adds one judged answer (journal entry `seq`) to `summary`. */
export function tally(summary: ContractSummary, judgement: AnswerJudgement, seq: number): void {
  summary.judged++;
  for (const check of judgement.checked) {
    const problem = judgement.violations.find((v) => v.check === check);
    const t = summary.checks[check];
    if (!problem) {
      t.passes++;
      continue;
    }
    t.failures++;
    if (t.examples.length < MAX_EXAMPLES && !t.examples.some((e) => e.field === problem.field))
      t.examples.push({ ...(problem.field ? { field: problem.field } : {}), detail: problem.detail, seq });
  }
  for (const name of judgement.drift.unknownFields) bump(summary.drift.unknownFields, name);
  for (const name of judgement.drift.envelopeKeys) bump(summary.drift.envelopeKeys, name);
  const o = judgement.observations;
  const seen = summary.observations;
  if (o.successActionStatus !== undefined)
    bump(seen.successActionStatus, o.successActionStatus === null ? '(absent)' : o.successActionStatus);
  if (o.successRequestId !== undefined) bump(seen.successRequestId, String(o.successRequestId));
  if (o.includeToday !== undefined) bump(seen.includeToday, String(o.includeToday));
  if (o.refusal && !(String(o.refusal.code) in seen.refusals))
    seen.refusals[String(o.refusal.code)] = o.refusal.text;
}

const counts = (c: Record<string, number>) =>
  Object.entries(c)
    .map(([k, n]) => `${k} ×${n}`)
    .join(', ') || 'none';

/** The summary as lines of text (what the proxy prints when it stops). */
export function formatSummary(s: ContractSummary): string[] {
  const lines = [
    `contract summary for ${s.upstream}: ${s.calls} calls, ${s.judged} getappinfo answers judged, ${s.upstreamErrors} upstream errors`,
  ];
  for (const check of ANSWER_CHECKS) {
    const t = s.checks[check];
    if (t.passes + t.failures === 0) continue;
    lines.push(`  ${t.failures ? 'FAIL' : 'pass'} ${check}: ${t.passes} passed, ${t.failures} failed`);
    for (const e of t.examples)
      lines.push(`       ${e.field ? `${e.field}: ` : ''}${e.detail} (request #${e.seq})`);
  }
  lines.push(
    `  drift: unknown fields ${counts(s.drift.unknownFields)}; envelope keys ${counts(s.drift.envelopeKeys)}`,
    `  observed: success ActionStatus ${counts(s.observations.successActionStatus)}; RequestId present ${counts(s.observations.successRequestId)}; today included ${counts(s.observations.includeToday)}`,
  );
  for (const [code, text] of Object.entries(s.observations.refusals))
    lines.push(`  observed refusal ${code}: ${JSON.stringify(text)}`);
  return lines;
}
