import {
  type ErrorClass,
  errorCodeInfo,
  FailureEnvelopeSchema,
  type SuccessEnvelope,
  SuccessEnvelopeSchema,
} from '@timock/schema';
import { fail, pass, type Verdict } from '../check.js';
import type { Exchange } from '../target.js';

/** The part of an answer a report shows: at most `max` characters of the body. */
export function excerpt(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} bytes)` : text;
}

/** Why an exchange is not an HTTP 200 JSON answer, or `undefined` when it is. */
export function transportProblem(ex: Exchange): string | undefined {
  if (ex.status !== 200) return `HTTP ${ex.status} instead of 200`;
  if (ex.json === undefined) return `the body is not JSON: ${excerpt(ex.text, 80)}`;
  return undefined;
}

/** The success envelope of an exchange, or a failing verdict saying why there is none. */
export function success(ex: Exchange): { envelope: SuccessEnvelope } | { verdict: Verdict } {
  const problem = transportProblem(ex);
  if (problem) return { verdict: fail(problem, ex) };
  const parsed = SuccessEnvelopeSchema.safeParse(ex.json);
  if (parsed.success) return { envelope: parsed.data };
  const code = (ex.json as { ErrorCode?: unknown }).ErrorCode;
  if (typeof code === 'number' && code !== 0) {
    return { verdict: fail(`the target answered ErrorCode ${code} instead of a success`, ex) };
  }
  const issue = parsed.error.issues[0];
  return {
    verdict: fail(`not the success envelope: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`, ex),
  };
}

/**
 * Judges a request that must fail: HTTP 200, the failure envelope and a non-zero code (vendor rules),
 * optionally of class `klass` (vendor), and exactly `code` (strict only where `exactAuthority` is vendor).
 */
export function expectFailure(
  ex: Exchange,
  code: number,
  opts: { klass?: ErrorClass; exactAuthority?: 'vendor' | 'project' } = {},
): Verdict {
  const problem = transportProblem(ex);
  if (problem) return fail(problem, ex, 'vendor');
  const parsed = FailureEnvelopeSchema.safeParse(ex.json);
  if (!parsed.success) {
    const got = (ex.json as { ErrorCode?: unknown } | null)?.ErrorCode;
    return fail(`expected a failure envelope, got ErrorCode ${JSON.stringify(got)}`, ex, 'vendor');
  }
  const got = parsed.data.ErrorCode;
  if (opts.klass && errorCodeInfo(got).class !== opts.klass) {
    return fail(
      `ErrorCode ${got} is of class ${errorCodeInfo(got).class}, expected ${opts.klass}`,
      ex,
      'vendor',
    );
  }
  if (got !== code) return fail(`ErrorCode ${got}, expected ${code}`, ex, opts.exactAuthority ?? 'project');
  return pass(`ErrorCode ${got}`, ex);
}
