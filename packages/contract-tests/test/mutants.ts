/**
 * Deliberately broken servers: each is a proxy in front of the true fake that breaks one promise of
 * the contract. The suite must catch each one in the named check (see contract.test.ts), and every
 * check must catch at least one mutant.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CARRY_RELATIONS, ERROR_CODES, FIELD_NAMES, previousDate } from '@timock/schema';
import { request } from 'undici';

type Day = Record<string, unknown>;
type Json = Record<string, unknown> & { ErrorCode?: unknown; Result?: Day[] };

/** One request as the proxy received it; a mutation may rewrite any part before it goes upstream. */
export interface Call {
  method: string;
  path: string;
  query: URLSearchParams;
  body: string;
}

/** One answer; a mutation may rewrite any part before it goes back. */
export interface Answer {
  status: number;
  contentType: string;
  json: unknown;
}

/** What a mutation may use besides the exchange: the upstream fake, asked with a valid UserSig. */
export interface MutationContext {
  /** Sends `body` to the upstream fake as a well-formed call with a valid UserSig. */
  askWithGoodSig(body: string): Promise<Answer>;
}

/** How a mutant bends one exchange. */
export interface Mutation {
  /** Rewrites the request before it goes upstream. */
  request?: (call: Call) => Call;
  /** Rewrites the answer; `call` is the request as received (before any rewrite). */
  answer?: (answer: Answer & { json: Json }, call: Call, ctx: MutationContext) => Answer | Promise<Answer>;
}

/** A mutant proxy listening on loopback. */
export interface Mutant {
  readonly url: string;
  close(): Promise<void>;
}

const read = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
};

async function forward(upstream: string, call: Call): Promise<Answer> {
  const up = await request(`${upstream}${call.path}?${call.query}`, {
    method: call.method as 'POST',
    body: call.method === 'GET' ? undefined : call.body,
    headers: { 'content-type': 'application/json' },
  });
  return {
    status: up.statusCode,
    contentType: String(up.headers['content-type'] ?? ''),
    json: await up.body.json(),
  };
}

/**
 * Starts a proxy to `upstream` that applies `m` to every exchange. `goodQuery` gives the query string of
 * a well-formed call with a valid UserSig (for mutants that accept what the fake refuses).
 */
export async function startMutant(
  upstream: string,
  goodQuery: () => URLSearchParams,
  m: Mutation,
): Promise<Mutant> {
  const ctx: MutationContext = {
    askWithGoodSig: (body) =>
      forward(upstream, { method: 'POST', path: '/v4/openconfigsvr/getappinfo', query: goodQuery(), body }),
  };
  const server = createServer(async (req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const call: Call = {
      method: req.method ?? 'GET',
      path: u.pathname,
      query: u.searchParams,
      body: await read(req),
    };
    let answer = await forward(upstream, m.request ? m.request(call) : call);
    if (m.answer) answer = await m.answer(answer as Answer & { json: Json }, call, ctx);
    res.writeHead(answer.status, { 'content-type': answer.contentType });
    res.end(JSON.stringify(answer.json));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** Rewrites every day of a success answer. */
const mapDays =
  (f: (d: Day, call: Call) => Day) =>
  (a: Answer & { json: Json }, call: Call): Answer =>
    Array.isArray(a.json.Result)
      ? { ...a, json: { ...a.json, Result: a.json.Result.map((d) => f(d, call)) } }
      : a;

/** The parsed body of a call, or `undefined` when it is not JSON. */
const bodyOf = (call: Call): unknown => {
  try {
    return JSON.parse(call.body);
  } catch {
    return undefined;
  }
};
const requestFieldOf = (call: Call): unknown =>
  (bodyOf(call) as { RequestField?: unknown } | undefined)?.RequestField;

/** The call with one query parameter set. */
const withQuery = (call: Call, name: string, value: string): Call => {
  const query = new URLSearchParams(call.query);
  query.set(name, value);
  return { ...call, query };
};

/** A date `days` after a YYYYMMDD date. */
const shiftDate = (yyyymmdd: string, days: number): string => {
  const t = Date.UTC(+yyyymmdd.slice(0, 4), +yyyymmdd.slice(4, 6) - 1, +yyyymmdd.slice(6, 8));
  return new Date(t + days * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
};

/** The gateway's refusal with `code`: exactly the three keys, the catalogue's text. */
const refusal = (a: Answer, code: keyof typeof ERROR_CODES): Answer => ({
  ...a,
  json: { ActionStatus: 'FAIL', ErrorCode: code, ErrorInfo: ERROR_CODES[code].info },
});

/** Refuses with `code` every call that `when` picks, whatever the fake answered. */
const refuseWhen =
  (when: (call: Call) => boolean, code: keyof typeof ERROR_CODES): Mutation['answer'] =>
  (a, call) =>
    when(call) ? refusal(a, code) : a;

/** Answers a success (as if the UserSig were good) wherever the fake answered `code`. */
const acceptCode =
  (code: number): Mutation['answer'] =>
  (a, call, ctx) =>
    a.json.ErrorCode === code ? ctx.askWithGoodSig(call.body) : a;

/**
 * A rate limit of its own, `limit` accepted calls per sliding second (the upstream fake's own limit is
 * out of the way): past it, a success becomes a 60007 refusal. State lives in the mutation, so each
 * use of it counts from zero.
 */
const ownRateLimit = (limit: number): Mutation => {
  const accepted: number[] = [];
  return {
    answer: (a) => {
      if (a.json.ErrorCode !== 0) return a;
      const now = performance.now();
      while (accepted.length > 0 && accepted[0]! <= now - 1000) accepted.shift();
      if (accepted.length >= limit) {
        return { ...a, json: { ErrorCode: 60007, ErrorInfo: ERROR_CODES[60007].info } };
      }
      accepted.push(now);
      return a;
    },
  };
};

/** A mutant, with the check that must catch it and what that check must say. */
export interface MutantSpec {
  /** The check that must catch it. */
  check: string;
  /** What that check must report. Other checks failing with a matching detail count as the same break. */
  detail: RegExp;
  /** `fail` (default), or `warning` for drift, which never fails a run. */
  outcome?: 'fail' | 'warning';
  /** Other checks that this break must also fail (beyond those that then see no success envelope). */
  also?: readonly string[];
  /** Drift checks that this break must make warn. */
  warns?: readonly string[];
  /** Run the suite with `aggressive: true`. */
  aggressive?: boolean;
  mutation: Mutation;
}

/** What a check of a refusal says when the target answered a success. */
const ACCEPTED = /^expected a failure envelope, got ErrorCode 0$/;

/** A mutant that answers a success wherever the fake refuses with `code`, caught by `check` (and `also`). */
const accepts = (code: number, check: string, also?: string[]): MutantSpec => ({
  check,
  detail: ACCEPTED,
  also,
  mutation: { answer: acceptCode(code) },
});

/** Each mutant, with the check that must catch it. The first eight are the ones the issue lists. */
export const MUTANTS: Record<string, MutantSpec> = {
  'numbers instead of strings': {
    check: 'shape.values',
    detail: /expected string, received number/,
    mutation: {
      answer: mapDays((d) =>
        Object.fromEntries(
          Object.entries(d).map(([k, v]) => [
            k,
            k !== 'Date' && typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v,
          ]),
        ),
      ),
    },
  },
  'oldest day first': {
    check: 'shape.order',
    detail: /^Result\[1\]\.Date is \d{8} after \d{8}/,
    // The carry-overs are read newest first, so reversed days break them too.
    also: ['relations.carry'],
    mutation: {
      answer: (a) =>
        Array.isArray(a.json.Result)
          ? { ...a, json: { ...a.json, Result: [...a.json.Result].reverse() } }
          : a,
    },
  },
  '31 days': {
    check: 'shape.days',
    detail: /^31 days \(expected 1 to 30\)$/,
    mutation: {
      // A 31st, older day that keeps every relation and carry-over: only the count is wrong.
      answer: (a) => {
        const days = a.json.Result;
        if (!Array.isArray(days) || days.length === 0) return a;
        const last = days.at(-1)!;
        const older: Day = { ...last, Date: previousDate(String(last.Date)) };
        for (const r of CARRY_RELATIONS) {
          const n = (f: string) => Number(last[f]);
          const before =
            n(r.total) - r.plus.reduce((s, f) => s + n(f), 0) + r.minus.reduce((s, f) => s + n(f), 0);
          older[r.total] = String(before);
        }
        return { ...a, json: { ...a.json, Result: [...days, older] } };
      },
    },
  },
  'RequestField ignored': {
    check: 'filtering.one',
    detail: /^Result\[0\] holds .*AppName.*; expected ActiveUserNum, Date$/,
    also: ['filtering.two', 'filtering.several', 'filtering.unknown-names', 'request.field-not-array'],
    mutation: {
      request: (call) => {
        const body = bodyOf(call);
        if (!body || typeof body !== 'object' || !('RequestField' in body)) return call;
        const { RequestField: _, ...rest } = body as Record<string, unknown>;
        return { ...call, body: JSON.stringify(rest) };
      },
    },
  },
  'garbage UserSig accepted': accepts(70003, 'auth.garbage', ['auth.truncated']),
  'HTTP 500 for an error': {
    check: 'request.invalid-json',
    detail: /^HTTP 500 instead of 200$/,
    mutation: { answer: (a) => (a.json.ErrorCode === 0 ? a : { ...a, status: 500 }) },
  },
  'ErrorCode as a string': {
    check: 'shape.envelope',
    detail: /ErrorCode (is )?"\d+"/,
    mutation: { answer: (a) => ({ ...a, json: { ...a.json, ErrorCode: String(a.json.ErrorCode) } }) },
  },
  'Date as YYYY-MM-DD': {
    check: 'shape.values',
    detail: /Date must be YYYYMMDD/,
    also: ['fidelity.includeToday'],
    mutation: {
      answer: mapDays((d) => ({ ...d, Date: String(d.Date).replace(/^(\d{4})(\d{2})(\d{2})$/, '$1-$2-$3') })),
    },
  },
  // One mutant per further check.
  'text/plain content type': {
    check: 'shape.http',
    detail: /^Content-Type is "text\/plain/,
    mutation: { answer: (a) => ({ ...a, contentType: 'text/plain; charset=utf-8' }) },
  },
  'days from the future': {
    check: 'shape.newest-day',
    detail: /^newest day \d{8} is after today \d{8}$/,
    also: ['fidelity.includeToday'],
    mutation: { answer: mapDays((d) => ({ ...d, Date: shiftDate(String(d.Date), 3) })) },
  },
  'Company missing from a full pull': {
    check: 'shape.all-fields',
    detail: /lacks Company$|missing: Company$/,
    also: ['filtering.empty'],
    warns: ['drift.missing-fields'],
    mutation: {
      answer: mapDays((d) => {
        const { Company: _, ...rest } = d;
        return rest;
      }),
    },
  },
  'ActionStatus and RequestId on a success': {
    check: 'shape.exact-envelope',
    detail: /^envelope keys: ActionStatus, ErrorCode, ErrorInfo, Result, RequestId$/,
    also: ['fidelity.successActionStatus', 'fidelity.successRequestId'],
    warns: ['drift.envelope'],
    mutation: {
      answer: (a) =>
        a.json.ErrorCode === 0
          ? { ...a, json: { ActionStatus: 'OK', ...a.json, RequestId: 'Id-1-O-Seq-1' } }
          : a,
    },
  },
  'an empty RequestField returns only Date': {
    check: 'filtering.empty',
    detail: /^Result\[0\] holds Date; expected /,
    mutation: {
      answer: mapDays((d, call) => {
        const fields = requestFieldOf(call);
        return Array.isArray(fields) && fields.length === 0 ? { Date: d.Date } : d;
      }),
    },
  },
  'unknown RequestField names refused': {
    check: 'filtering.unknown-names',
    detail: /^the target answered ErrorCode 130001 instead of a success$/,
    mutation: {
      answer: (a, call) => {
        const fields = requestFieldOf(call);
        const unknown =
          Array.isArray(fields) && fields.some((f) => !(FIELD_NAMES as readonly unknown[]).includes(f));
        return unknown ? refusal(a, 130001) : a;
      },
    },
  },
  'UpMsgNum is not the sum of C2C and group': {
    check: 'relations.day',
    detail: /UpMsgNum/,
    mutation: {
      answer: mapDays((d) => ('UpMsgNum' in d ? { ...d, UpMsgNum: String(Number(d.UpMsgNum) + 1) } : d)),
    },
  },
  'RegistUserNumTotal does not carry over': {
    check: 'relations.carry',
    detail: /RegistUserNumTotal/,
    mutation: {
      answer: mapDays((d) =>
        'RegistUserNumTotal' in d
          ? { ...d, RegistUserNumTotal: String(Number(d.RegistUserNumTotal) * 2) }
          : d,
      ),
    },
  },
  'missing UserSig accepted': accepts(70002, 'auth.missing', ['auth.empty']),
  'expired UserSig accepted': accepts(70001, 'auth.expired'),
  "another identifier's UserSig accepted": accepts(70013, 'auth.other-identifier'),
  "another app's UserSig accepted": accepts(70014, 'auth.other-app'),
  'UserSig signed with another key accepted': accepts(70009, 'auth.other-key'),
  'auth failure with a request-class code': {
    check: 'auth.expired',
    detail: /^ErrorCode 60002 is of class request, expected auth$/,
    mutation: {
      answer: (a) => (a.json.ErrorCode === 70001 ? { ...a, json: { ...a.json, ErrorCode: 60002 } } : a),
    },
  },
  'a body that is an array accepted': {
    check: 'request.non-object-body',
    detail: ACCEPTED,
    mutation: { request: (call) => (Array.isArray(bodyOf(call)) ? { ...call, body: '{}' } : call) },
  },
  'unparseable JSON answered 60003': {
    check: 'request.invalid-json',
    detail: /^ErrorCode 60003, expected 130001$/,
    mutation: {
      answer: (a) => (a.json.ErrorCode === 130001 ? { ...a, json: { ...a.json, ErrorCode: 60003 } } : a),
    },
  },
  'random not validated': {
    check: 'request.bad-random',
    detail: ACCEPTED,
    also: ['request.random-out-of-range'],
    mutation: { request: (call) => withQuery(call, 'random', '7') },
  },
  'contenttype not required': {
    check: 'request.missing-contenttype',
    detail: ACCEPTED,
    mutation: { request: (call) => withQuery(call, 'contenttype', 'json') },
  },
  'every path served as getappinfo': {
    check: 'request.unknown-path',
    detail: ACCEPTED,
    mutation: { request: (call) => ({ ...call, path: '/v4/openconfigsvr/getappinfo' }) },
  },
  'GET served like POST': {
    check: 'fidelity.methodCheck',
    detail: /^a well-formed GET answered ErrorCode 0, not 60008$/,
    mutation: {
      request: (call) => ({ ...call, method: 'POST', body: call.method === 'GET' ? '{}' : call.body }),
    },
  },
  'no rate limit': {
    check: 'rate-limit.burst',
    detail: /none refused for the rate limit$/,
    aggressive: true,
    // The upstream fake's own limit is out of the way: every call of the burst is answered.
    mutation: {},
  },
  'a rate limit 10% over the documented one': {
    check: 'rate-limit.burst',
    detail: /^2\d\d calls accepted within one second, more than the limit of 200$/,
    aggressive: true,
    mutation: ownRateLimit(220),
  },
  'an unknown field in a full pull': {
    check: 'drift.unknown-fields',
    outcome: 'warning',
    detail: /^unknown fields: QQ$/,
    mutation: {
      answer: mapDays((d, call) => (requestFieldOf(call) === undefined ? { ...d, QQ: '10001' } : d)),
    },
  },
  'failures carry ErrorDisplay': {
    check: 'shape.failure-envelope',
    detail: /^failure keys: ActionStatus, ErrorCode, ErrorInfo, ErrorDisplay$/,
    warns: ['drift.envelope'],
    mutation: {
      answer: (a) => (a.json.ErrorCode === 0 ? a : { ...a, json: { ...a.json, ErrorDisplay: '' } }),
    },
  },
  'failures with our old short texts': {
    check: 'shape.failure-envelope',
    detail: /^ErrorInfo is "UserSig invalid"; the catalogue says "The UserSig in use is illegal/,
    mutation: {
      answer: (a) =>
        a.json.ErrorCode === 70003 ? { ...a, json: { ...a.json, ErrorInfo: 'UserSig invalid' } } : a,
    },
  },
  'a request without random refused': {
    check: 'fidelity.requireRandom',
    detail: /^requireRandom = true; the fake is set to false$/,
    mutation: { answer: refuseWhen((call) => !call.query.has('random'), 60002) },
  },
  'a GET refused before any other check': {
    check: 'fidelity.methodCheck',
    detail: /^methodCheck = "first"; the fake is set to "last"$/,
    mutation: { answer: refuseWhen((call) => call.method !== 'POST', 60002) },
  },
  'the body [] refused': {
    check: 'fidelity.arrayBody',
    detail: /^arrayBody = "refuse"; the fake is set to "all-fields"$/,
    mutation: { answer: refuseWhen((call) => call.body.trim() === '[]', 130001) },
  },
  'a null RequestField refused': {
    check: 'fidelity.nullRequestField',
    detail: /^nullRequestField = "refuse"; the fake is set to "all-fields"$/,
    mutation: {
      answer: refuseWhen((call) => bodyOf(call) !== undefined && requestFieldOf(call) === null, 130001),
    },
  },
  'today in Result': {
    check: 'fidelity.includeToday',
    detail: /^includeToday = true; the fake is set to false$/,
    mutation: { answer: mapDays((d) => ({ ...d, Date: shiftDate(String(d.Date), 1) })) },
  },
  'RequestId on failures': {
    check: 'shape.failure-envelope',
    detail: /^failure keys: ActionStatus, ErrorCode, ErrorInfo, RequestId$/,
    warns: ['drift.envelope'],
    mutation: {
      answer: (a) => (a.json.ErrorCode === 0 ? a : { ...a, json: { ...a.json, RequestId: 'req-2' } }),
    },
  },
};
