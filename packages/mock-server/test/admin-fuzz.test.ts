/**
 * Property-based fuzzing of the admin API over real HTTP on loopback: arbitrary methods and paths under
 * `/__admin`, arbitrary JSON and non-JSON bodies to every route, arbitrary journal query strings, with
 * and without the token. Every answer is a documented one (the route's success schema, an `AdminError`
 * with a documented status, 404 for an unknown path or method), never a 500 or
 * a stack; the fake still answers getappinfo afterwards, and floods of rules, apps and overridden days
 * stop at their documented caps. Seeded and bounded.
 */
import {
  ADMIN_PREFIX,
  AdminErrorSchema,
  FIELD_NAMES,
  HealthSchema,
  MAX_APPS,
  MAX_FAULT_RULES,
  MAX_OVERRIDDEN_DAYS,
} from '@timock/schema';
import { ADMIN_OPERATION_IDS, ADMIN_OPERATIONS } from '@timock/schema/admin';
import fc from 'fast-check';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_APP } from '../src/options.js';
import { type StartedServer, startServer } from '../src/server.js';
import { expectEnvelope, signedQuery, urlOf } from './support.js';

const TOKEN = 'fuzz-admin-token-0123456789';
const OTHER = { sdkappid: 1400000001, secretKey: 'fuzz-second-key', admins: ['administrator'] };
const dispatcher = new Agent({ connections: 8 });
let open: StartedServer;
let guarded: StartedServer;

beforeAll(async () => {
  open = await startServer({ apps: [DEMO_APP, OTHER] });
  guarded = await startServer({ apps: [DEMO_APP, OTHER], adminToken: TOKEN });
});
afterAll(async () => {
  await open.close();
  await guarded.close();
  await dispatcher.close();
});

// ------------------------------------------------------------------ the documented answers

/** Each admin operation's success answer, from the table: method, path pattern, status, schema. */
const SUCCESS = ADMIN_OPERATION_IDS.map((id) => {
  const op = ADMIN_OPERATIONS[id];
  const path = new RegExp(`^${op.path.replace(/\{\w+\}/g, '[^/]+')}$`);
  return [op.method.toUpperCase(), path, op.status, op.response] as const;
});
/** The kinds of answer the fuzzing met (statuses, `envelope`): it must reach every route's outcomes. */
const seen = new Set<string>();

/** The refusals the admin API documents. */
const REFUSALS = [400, 401, 403, 404, 409, 413, 415];

interface Answer {
  status: number;
  contentType: string | undefined;
  text: string;
}

const decodable = (text: string) => {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
};

/** Asserts that `answer` is one the admin API documents for `method` on `path` (under `/__admin`). */
function expectDocumented(method: string, path: string, answer: Answer): void {
  const { status, text } = answer;
  seen.add(/"ErrorCode"/.test(text) ? 'envelope' : String(status));
  const where = `${method} ${path} -> ${status} ${text.slice(0, 200)}`;
  expect(status, where).not.toBe(500);
  expect(text, where).not.toMatch(/\n\s+at |"stack"|internal error/);
  // A HEAD answer has no body to judge: the GET route's status, a refusal, or 200 for an unknown path.
  if (method === 'HEAD') return void expect([200, ...REFUSALS], where).toContain(status);
  if (status === 200 && /"ErrorCode"/.test(text)) {
    // No IM envelope under the admin API (an unknown path or method is its own 404): only for a path
    // that `..` takes out of it, or one the router cannot decode, the envelope of an unknown resource.
    const pathname = new URL(path, 'http://x').pathname;
    expect(pathname.startsWith(`${ADMIN_PREFIX}/`) && decodable(pathname), where).toBe(false);
    expect(expectEnvelope(status, answer.contentType, text).ErrorCode, where).toBe(60009);
    return;
  }
  if (status >= 400) {
    expect(REFUSALS, where).toContain(status);
    expect(AdminErrorSchema.safeParse(JSON.parse(text)).success, where).toBe(true);
    return;
  }
  const route = path.replace(/\?.*$/s, '').slice(ADMIN_PREFIX.length);
  const matched = SUCCESS.find(([m, re]) => m === method && re.test(route));
  expect(matched, where).toBeDefined();
  const [, , wanted, schema] = matched!;
  expect(status, where).toBe(wanted);
  const parsed = schema.safeParse(JSON.parse(text));
  expect(parsed.success, `${where}\n${parsed.error?.message}`).toBe(true);
  // Counts of entries are never negative.
  const { removed, count } = JSON.parse(text) as { removed?: number; count?: number };
  for (const n of [removed, count]) if (n !== undefined) expect(n, where).toBeGreaterThanOrEqual(0);
}

async function send(
  server: StartedServer,
  method: string,
  path: string,
  body: string | Buffer | undefined,
  headers: Record<string, string>,
): Promise<Answer> {
  const res = await request(`${server.url}${path}`, {
    method: method as 'POST',
    headers,
    dispatcher,
    ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body } : {}),
  });
  return {
    status: res.statusCode,
    contentType: res.headers['content-type'] as string | undefined,
    text: await res.body.text(),
  };
}

// ------------------------------------------------------------------ arbitraries

const sdkappidArb = fc.oneof(
  fc.constantFrom(
    String(DEMO_APP.sdkappid),
    String(OTHER.sdkappid),
    '0',
    '-1',
    '1e3',
    '99999999999999999',
    'x',
  ),
  fc.nat().map(String),
);
const segmentArb = fc.oneof(
  fc.constantFrom(
    'health',
    'reset',
    'faults',
    'requests',
    'clock',
    'apps',
    'days',
    'count',
    'f1',
    '%',
    '%FF',
    '..',
    '',
  ),
  fc.string({ maxLength: 8 }).map(encodeURIComponent),
);
const journalQueryArb = fc.oneof(
  fc.constant(''),
  fc
    .array(
      fc.tuple(
        fc.constantFrom('sdkappid', 'code', 'since', 'limit', 'x', '__proto__'),
        fc.oneof(
          fc.nat().map(String),
          fc.constantFrom('', '-1', '2025-03-10T12:00:00+08:00', '1e9', '99999999999999999', 'now'),
          fc.string({ maxLength: 10 }),
        ),
      ),
      { maxLength: 4 },
    )
    .map((pairs) => `?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`),
  fc
    .string({ unit: fc.constantFrom('%', '=', '&', 'limit', '1', 'z', '%FF', '[', ']'), maxLength: 12 })
    .map((s) => `?${s}`),
);
const pathArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '/health',
      '/reset',
      '/faults',
      '/requests',
      '/requests/count',
      '/clock',
      '/apps',
    ),
  },
  sdkappidArb.map((id) => `/apps/${id}/days`),
  fc.constantFrom('/faults/f1', '/faults/f999', '/faults/%E0%A4%A'),
  fc.array(segmentArb, { maxLength: 4 }).map((parts) => `/${parts.join('/')}`),
);
const methodArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE') },
  fc.constantFrom('PATCH', 'OPTIONS', 'HEAD', 'SEARCH', 'PROPFIND'),
);

const faultArb = fc.record(
  {
    sdkappid: fc.oneof(fc.constant(DEMO_APP.sdkappid), fc.integer()),
    identifier: fc.string({ maxLength: 8 }),
    path: fc.constantFrom('/v4/openconfigsvr/getappinfo', 'x', '/'),
    fields: fc.array(fc.constantFrom(...FIELD_NAMES, 'QQ'), { maxLength: 3 }),
    errorCode: fc.constantFrom(130011, 70169, 0, 1, 60007),
    httpStatus: fc.integer({ min: 300, max: 700 }),
    delayMs: fc.oneof(fc.integer({ min: -1, max: 700_000 }), fc.tuple(fc.nat(50), fc.nat(50))),
    drop: fc.boolean(),
    truncate: fc.boolean(),
    times: fc.integer({ min: -1, max: 3 }),
    probability: fc.double({ min: -1, max: 2, noNaN: true }),
    seed: fc.integer(),
    seconds: fc.double({ min: -1, max: 100, noNaN: true }),
  },
  { requiredKeys: [] },
);
const appArb = fc.record(
  {
    sdkappid: fc.oneof(
      fc.integer({ min: 1, max: 1_400_000_100 }),
      fc.constantFrom(0, -5, 1.5, DEMO_APP.sdkappid),
    ),
    secretKey: fc.string({ maxLength: 12 }),
    admins: fc.array(fc.string({ maxLength: 6 }), { maxLength: 2 }),
    appName: fc.string({ maxLength: 6 }),
    rateLimitPerSecond: fc.integer({ min: -1, max: 2_000_000 }),
  },
  { requiredKeys: [] },
);
const daysArb = fc.record({
  days: fc.array(
    fc.record(
      {
        Date: fc.oneof(
          fc
            .date({ min: new Date('2015-01-01'), max: new Date('2035-01-01'), noInvalidDate: true })
            .map((d) => d.toISOString().slice(0, 10).replaceAll('-', '')),
          fc.constantFrom('2025-03-09', '20251399', ''),
        ),
        ActiveUserNum: fc.oneof(fc.nat().map(String), fc.constantFrom('-1', 'x', '1.5')),
        AppName: fc.string({ maxLength: 5 }),
        QQ: fc.constant('1'),
      },
      { requiredKeys: ['Date'] },
    ),
    { maxLength: 3 },
  ),
});
const clockArb = fc.oneof(
  fc.record(
    { now: fc.constantFrom('2025-03-10T12:00:00+08:00', 'yesterday', ''), freeze: fc.boolean() },
    { requiredKeys: [] },
  ),
  fc.record({ offsetMs: fc.oneof(fc.integer(), fc.double()) }),
  fc.record({ advanceMs: fc.oneof(fc.integer(), fc.constant(1e300)) }),
);
/** Documents that are valid, so that the routes' successes are reached too. */
const validArb = fc.oneof(
  fc.record({ errorCode: fc.constantFrom(130011, 70169), times: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ httpStatus: fc.integer({ min: 400, max: 599 }), seconds: fc.integer({ min: 1, max: 60 }) }),
  fc.record({
    sdkappid: fc.integer({ min: 1_500_000_000, max: 1_500_100_000 }),
    secretKey: fc.string({ minLength: 1, maxLength: 12 }),
    admins: fc.constant(['administrator']),
  }),
  fc.record({ days: fc.constant([{ Date: '20250309', ActiveUserNum: '5' }]) }),
  fc.record({ advanceMs: fc.integer({ min: -1000, max: 1000 }) }),
);
const bodyArb: fc.Arbitrary<string | Buffer | undefined> = fc.oneof(
  fc.constant(undefined),
  { weight: 2, arbitrary: validArb.map((v) => JSON.stringify(v)) },
  { weight: 3, arbitrary: fc.oneof(faultArb, appArb, daysArb, clockArb).map((v) => JSON.stringify(v)) },
  fc.json({ maxDepth: 3 }),
  fc.constantFrom(
    '',
    '{',
    'null',
    '[]',
    '"x"',
    '{"__proto__":{"polluted":1}}',
    '{"constructor":{"prototype":{}}}',
  ),
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
  fc.string({ maxLength: 30 }),
);
const contentTypeArb = fc.constantFrom(
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  undefined,
);
const authArb = fc.constantFrom<string | undefined>(
  undefined,
  `Bearer ${TOKEN}`,
  'Bearer wrong-token-123',
  TOKEN,
  'Basic x',
);

// ------------------------------------------------------------------ properties

describe('the admin API under arbitrary calls', () => {
  it('answers every call with a documented answer, with and without a token', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        methodArb,
        pathArb,
        journalQueryArb,
        bodyArb,
        contentTypeArb,
        authArb,
        async (useGuarded, method, path, search, body, contentType, auth) => {
          const server = useGuarded ? guarded : open;
          const url = `${ADMIN_PREFIX}${path}${search}`;
          const headers: Record<string, string> = {};
          if (contentType) headers['content-type'] = contentType;
          if (auth) headers.authorization = auth;
          const answer = await send(server, method, url, body, headers);
          if (useGuarded && auth !== `Bearer ${TOKEN}` && answer.status !== 200) {
            expect([401], `${method} ${url}`).toContain(answer.status);
          }
          expectDocumented(method, url, answer);
        },
      ),
      { seed: 0xad317, numRuns: 1000, interruptAfterTimeLimit: 8000, endOnFailure: true },
    );
    expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
    expect([...seen].sort()).toEqual(expect.arrayContaining(['200', '201', '400', '401', '404']));
  }, 20_000);

  it('still answers getappinfo after the flood, once reset', async () => {
    for (const server of [open, guarded]) {
      const headers: Record<string, string> = server === guarded ? { authorization: `Bearer ${TOKEN}` } : {};
      const reset = await send(server, 'POST', `${ADMIN_PREFIX}/reset`, undefined, headers);
      expect(reset.status).toBe(200);
      const q = signedQuery(DEMO_APP, Date.now());
      const res = await send(server, 'POST', urlOf({ query: q }), '{}', {
        'content-type': 'application/json',
      });
      expect(expectEnvelope(res.status, res.contentType, res.text).ErrorCode).toBe(0);
      const health = HealthSchema.parse(
        JSON.parse((await send(server, 'GET', `${ADMIN_PREFIX}/health`, undefined, headers)).text),
      );
      expect(health).toMatchObject({ apps: 2, faults: 0 });
    }
  });
});

describe('caps on what the admin API keeps', () => {
  const post = (path: string, body: unknown) =>
    send(open, 'POST', `${ADMIN_PREFIX}${path}`, JSON.stringify(body), {
      'content-type': 'application/json',
    });
  const put = (path: string, body: unknown) =>
    send(open, 'PUT', `${ADMIN_PREFIX}${path}`, JSON.stringify(body), { 'content-type': 'application/json' });
  const refusal = (a: Answer) => ({
    status: a.status,
    error: AdminErrorSchema.parse(JSON.parse(a.text)).error,
  });

  it(`holds at most ${MAX_FAULT_RULES} fault rules, used-up ones included`, async () => {
    open.reset();
    for (let i = open.faults.list().length; i < MAX_FAULT_RULES - 1; i++)
      open.faults.add({ delayMs: 1, times: 1 });
    expect((await post('/faults', { errorCode: 130011, times: 1 })).status).toBe(201);
    expect(refusal(await post('/faults', { errorCode: 130011 }))).toEqual({
      status: 409,
      error: expect.stringMatching(/^at most 1000 fault rules/),
    });
    expect(open.faults.list()).toHaveLength(MAX_FAULT_RULES);
    open.faults.remove(open.faults.list()[0]!.id);
    expect((await post('/faults', { errorCode: 130011 })).status).toBe(201);
    open.reset();
  });

  it(`serves at most ${MAX_APPS} apps`, async () => {
    for (let id = 1; open.data.apps().length < MAX_APPS - 1; id++) {
      open.data.addApp({ sdkappid: 2_000_000_000 + id, secretKey: 'k', admins: ['a'] });
    }
    expect((await post('/apps', { sdkappid: 1_999_999_999, secretKey: 'k', admins: ['a'] })).status).toBe(
      201,
    );
    expect(refusal(await post('/apps', { sdkappid: 1_999_999_998, secretKey: 'k', admins: ['a'] }))).toEqual({
      status: 409,
      error: expect.stringMatching(/^at most 1000 apps/),
    });
    open.reset();
    expect(open.data.apps()).toHaveLength(2);
  });

  it(`overrides at most ${MAX_OVERRIDDEN_DAYS} days, all apps together`, async () => {
    const date = (i: number) =>
      new Date(Date.UTC(2000, 0, 1) + i * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
    const half = MAX_OVERRIDDEN_DAYS / 2;
    open.data.set(
      DEMO_APP.sdkappid,
      Array.from({ length: half }, (_, i) => ({ Date: date(i) })),
    );
    open.data.set(
      OTHER.sdkappid,
      Array.from({ length: half - 1 }, (_, i) => ({ Date: date(i) })),
    );
    // The last free day, then one too many; a day already overridden does not count again.
    expect((await put(`/apps/${OTHER.sdkappid}/days`, { days: [{ Date: date(half - 1) }] })).status).toBe(
      200,
    );
    expect(refusal(await put(`/apps/${OTHER.sdkappid}/days`, { days: [{ Date: date(half) }] }))).toEqual({
      status: 409,
      error: expect.stringMatching(/^at most 10000 days are overridden/),
    });
    expect(
      (await put(`/apps/${OTHER.sdkappid}/days`, { days: [{ Date: date(0), ActiveUserNum: '1' }] })).status,
    ).toBe(200);
    open.reset();
  });
});
