import { signUserSig } from '@timock/client';
import { FIDELITY_SETTINGS, type FidelityBasis, type FidelityName } from '@timock/schema';
import {
  type Authority,
  CHECK_GROUPS,
  type Check,
  type CheckGroup,
  type Outcome,
  type SignOptions,
} from './check.js';
import { excerpt } from './checks/answers.js';
import { authChecks } from './checks/auth.js';
import { driftChecks } from './checks/drift.js';
import { fidelityChecks } from './checks/fidelity.js';
import { filteringChecks } from './checks/filtering.js';
import { rateLimitChecks } from './checks/rate-limit.js';
import { relationChecks } from './checks/relations.js';
import { requestErrorChecks } from './checks/request-errors.js';
import { shapeChecks } from './checks/shape.js';
import { diagnose } from './diagnosis.js';
import { type Exchange, REDACTED, type Send, type TargetInput, TargetSchema, Transport } from './target.js';

/** Every check of the suite, in the order it runs. */
export const CHECKS: readonly Check[] = [
  ...shapeChecks,
  ...filteringChecks,
  ...relationChecks,
  ...authChecks,
  ...requestErrorChecks,
  ...rateLimitChecks,
  ...fidelityChecks,
  ...driftChecks,
];

/** The result of one check. */
export interface CheckResult {
  readonly id: string;
  readonly group: CheckGroup;
  readonly title: string;
  readonly authority: Authority;
  readonly outcome: Outcome;
  /** What was seen: for a failure, what broke. */
  readonly detail?: string;
  /** The request that showed it (UserSig redacted) and the start of the answer. */
  readonly request?: Exchange['request'];
  readonly answer?: { status: number; body: string };
  /** A fidelity check's value seen on the target. */
  readonly observed?: unknown;
  readonly durationMs: number;
}

/**
 * One behaviour where the real service is unknown or has changed: the value seen on the target, the
 * value the fake is set to, and the config that makes the fake answer like the target.
 */
export interface FidelityFinding {
  readonly setting: FidelityName;
  readonly behaviour: string;
  /** How sure the project was before this run: documented, observed elsewhere, or unknown. */
  readonly basis: FidelityBasis;
  /** The value seen on the target; `undefined` when its answer did not tell (see the check's detail). */
  readonly seen: unknown;
  /** The value of the fake's setting (`target.fidelity`). */
  readonly fake: unknown;
  /** True when the fake is set as the target answered. */
  readonly matches: boolean;
  /** The config file snippet that makes the fake match what was seen, e.g. `{"fidelity":{"requireRandom":true}}`. */
  readonly config?: string;
}

/** The structured report of a contract run. */
export interface ContractReport {
  readonly target: { kind: 'mock' | 'real'; origin: string; sdkappid: number; identifier: string };
  readonly startedAt: string;
  readonly durationMs: number;
  readonly results: readonly CheckResult[];
  readonly counts: Readonly<Record<Outcome, number>>;
  /** True when no check failed. */
  readonly ok: boolean;
  /** Per fidelity setting checked: the value seen on the target beside the fake's. */
  readonly fidelity: readonly FidelityFinding[];
  /**
   * When failures share one cause (the well-formed signed call refused, or the target unreachable):
   * that cause and what to check, in one line (see {@link diagnose}).
   */
  readonly diagnosis?: string;
}

/** Options of {@link runContract}. */
export interface RunOptions {
  /** Run the aggressive checks (the rate-limit burst). Default false. */
  aggressive?: boolean;
  /** Run only the checks whose id starts with one of these prefixes (e.g. `['shape.', 'auth.']`). */
  only?: readonly string[];
  /** The clock, epoch ms; default `Date.now`. */
  now?: () => number;
  /**
   * Called before each check (skipped ones too) with its place in the run, from 1, and the number of
   * checks selected; e.g. for a progress line `[12/35] auth.expired`.
   */
  onCheck?: (check: Pick<Check, 'id' | 'title'>, index: number, total: number) => void;
  /** Called after each check, e.g. for a progress line. */
  onResult?: (result: CheckResult) => void;
}

function outcomeOf(kind: 'mock' | 'real', authority: Authority): Outcome {
  if (authority === 'drift') return 'warning';
  if (kind === 'mock' || authority === 'vendor') return 'fail';
  return 'observation';
}

/**
 * Runs the contract suite against one target and returns the report; never throws for what the
 * target answers (a check that throws is a failure of that check).
 *
 * @example
 * const report = await runContract({ kind: 'mock', baseUrl: mock.url, sdkappid: 1400000000, secretKey });
 * if (!report.ok) process.exitCode = 1;
 */
export async function runContract(input: TargetInput, options: RunOptions = {}): Promise<ContractReport> {
  const target = TargetSchema.parse(input);
  const now = options.now ?? Date.now;
  const transport = new Transport(target);
  const sign = (o: SignOptions): string | undefined => {
    const key = o.secretKey ?? target.secretKey;
    if (!key) return undefined;
    return signUserSig({
      sdkappid: o.sdkappid ?? target.sdkappid,
      secretKey: key,
      identifier: o.identifier ?? target.identifier,
      lifetimeSeconds: o.expireSeconds ?? 86_400,
      nowMs: o.timeSeconds === undefined ? now() : o.timeSeconds * 1000,
    });
  };
  const goodSig = target.userSig ?? sign({})!;
  const query = () => ({
    sdkappid: String(target.sdkappid),
    identifier: target.identifier,
    usersig: goodSig,
    random: String(Math.floor(Math.random() * 4294967296)),
    contenttype: 'json',
  });
  const send = (s?: Send) => transport.send(query(), s);
  let full: Promise<Exchange> | undefined;
  const ctx = {
    target,
    transport,
    goodSig,
    sign,
    send,
    now,
    aggressive: options.aggressive ?? false,
    fullPull: () => {
      full ??= send({ body: '{}' });
      return full;
    },
  };

  /** Removes the key and every UserSig sent from text that a report shows (a target may echo them). */
  const redact = (text: string): string => {
    let out = text;
    // Longest first: a truncated UserSig the auth checks send is a prefix of a full one, and replacing
    // it first would leave the rest of the full one in the text.
    const secrets = [target.secretKey, target.userSig, ...transport.sentUserSigs].sort(
      (a, b) => (b?.length ?? 0) - (a?.length ?? 0),
    );
    for (const s of secrets) if (s && s.length >= 4) out = out.replaceAll(s, REDACTED);
    return out;
  };

  const started = now();
  const results: CheckResult[] = [];
  try {
    const selected = CHECKS.filter((c) => !options.only || options.only.some((p) => c.id.startsWith(p)));
    for (const group of CHECK_GROUPS) {
      for (const check of selected.filter((c) => c.group === group)) {
        options.onCheck?.(check, results.length + 1, selected.length);
        const t0 = performance.now();
        let result: CheckResult;
        const base = { id: check.id, group: check.group, title: check.title, authority: check.authority };
        if (check.aggressive && !ctx.aggressive) {
          result = { ...base, outcome: 'skip', detail: 'runs only with --aggressive', durationMs: 0 };
        } else {
          try {
            const v = await check.run(ctx);
            const durationMs = Math.round(performance.now() - t0);
            if ('skip' in v) result = { ...base, outcome: 'skip', detail: v.skip, durationMs };
            else {
              const outcome = v.ok ? 'pass' : outcomeOf(target.kind, v.authority ?? check.authority);
              result = {
                ...base,
                outcome,
                detail: v.detail && redact(v.detail),
                request: v.exchange?.request && {
                  ...v.exchange.request,
                  body: redact(v.exchange.request.body),
                },
                answer: v.exchange && { status: v.exchange.status, body: excerpt(redact(v.exchange.text)) },
                ...(v.observed === undefined ? {} : { observed: v.observed }),
                durationMs,
              };
            }
          } catch (err) {
            const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
            result = {
              ...base,
              outcome: 'fail',
              detail: `the check could not talk to the target: ${redact(message)}`,
              durationMs: Math.round(performance.now() - t0),
            };
          }
        }
        results.push(result);
        options.onResult?.(result);
      }
    }
  } finally {
    await transport.close();
  }
  const counts = { pass: 0, fail: 0, observation: 0, warning: 0, skip: 0 };
  for (const r of results) counts[r.outcome]++;
  let diagnosis: string | undefined;
  if (counts.fail + counts.observation > 0) {
    // The well-formed call (sent once by the checks, or now): its answer names any shared cause.
    const probe = new Transport(target);
    const answer = await (full ?? probe.send(query(), { body: '{}' })).then(
      (ex): Exchange | { error: string } => ex,
      (err: unknown) => ({ error: redact(err instanceof Error ? err.message : String(err)) }),
    );
    await probe.close();
    diagnosis = diagnose({
      origin: transport.origin,
      sdkappid: target.sdkappid,
      identifier: target.identifier,
      givenUserSig: target.userSig !== undefined,
      answer,
      failures: counts.fail + counts.observation,
    });
  }
  return {
    target: {
      kind: target.kind,
      origin: transport.origin,
      sdkappid: target.sdkappid,
      identifier: target.identifier,
    },
    startedAt: new Date(started).toISOString(),
    durationMs: Math.round(now() - started),
    results,
    counts,
    ok: counts.fail === 0,
    fidelity: fidelityFindings(results, target.fidelity),
    ...(diagnosis === undefined ? {} : { diagnosis }),
  };
}

/** The report's `fidelity` section, from the results of the fidelity checks that ran. */
function fidelityFindings(
  results: readonly CheckResult[],
  fake: Readonly<Record<FidelityName, unknown>>,
): FidelityFinding[] {
  const findings: FidelityFinding[] = [];
  for (const check of CHECKS) {
    const setting = check.setting;
    const result = results.find((r) => r.id === check.id);
    if (setting === undefined || result === undefined || result.outcome === 'skip') continue;
    const seen = result.observed;
    findings.push({
      setting,
      behaviour: FIDELITY_SETTINGS[setting].behaviour,
      basis: FIDELITY_SETTINGS[setting].basis,
      seen,
      fake: fake[setting],
      matches: seen === fake[setting],
      ...(seen === undefined ? {} : { config: JSON.stringify({ fidelity: { [setting]: seen } }) }),
    });
  }
  return findings;
}
