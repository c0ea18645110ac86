/**
 * Property-based fuzzing of the request path through `inject()`: whatever the method, path, query
 * string, content type and body, the answer is HTTP 200 with an envelope from the catalogue, the server
 * stays up, nothing leaks into `Object.prototype`, and memory stays bounded. Seeded and bounded.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FIELD_NAMES, GETAPPINFO_PATH } from '@timock/schema';
import fc from 'fast-check';
import { Agent, request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_APP } from '../src/options.js';
import { buildServer, startServer } from '../src/server.js';
import { expectEnvelope, signedQuery } from './support.js';

const T = Date.parse('2025-03-10T04:00:00Z');
const ROUTE = `/${GETAPPINFO_PATH}`;
const BODY_LIMIT = 65536;
const VALID_QUERY = signedQuery(DEMO_APP, T - 60_000);

// The rate limit is out of the way here (it has its own tests); everything else is the default.
const server = buildServer({ apps: [{ ...DEMO_APP, rateLimitPerSecond: 1_000_000 }], now: () => T });
afterAll(() => server.close());

// ------------------------------------------------------------------ arbitraries

const printable = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });

const pathArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant(ROUTE) },
  fc.constantFrom(
    `${ROUTE}/`,
    '/V4/openconfigsvr/getappinfo',
    '/',
    '/v4/',
    `/${ROUTE}`,
    `${ROUTE}%00`,
    `${ROUTE}%`,
    '/v4/%E0%A4%A',
    '/v4/openconfigsvr/getappinf%6F',
    `${ROUTE}/..`,
    '/v4/openconfigsvr/getappinfo;x=1',
  ),
  fc.webPath().map((p) => (p.startsWith('/') ? p : `/${p}`)),
  printable(60)
    .filter((s) => !s.includes('?') && !s.includes('#'))
    .map((s) => `/${s}`),
);

const methodArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant('POST') },
  fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'SEARCH', 'PROPFIND', 'LOCK', 'TRACE'),
);

/** A query value: the valid one, a small mutation of it, empty, junk, non-ASCII or huge. */
const valueArb = (valid: string) =>
  fc.oneof(
    { weight: 5, arbitrary: fc.constant(valid) },
    fc.constant(''),
    fc.string({ maxLength: 20 }),
    fc.string({ unit: 'grapheme', maxLength: 10 }),
    fc.nat({ max: valid.length }).chain((i) => fc.string({ maxLength: 3 }).map((s) => valid.slice(0, i) + s)),
    fc.constantFrom('4294967296', '-1', '1e3', '0x10', ' 1', '14000000000000000000', '%'),
    fc.constant('x'.repeat(9000)),
  );

/** A structured query: each parameter present, absent or repeated; values from {@link valueArb}. */
const structuredQueryArb = fc
  .record(
    Object.fromEntries(
      Object.entries(VALID_QUERY).map(([k, v]) => [
        k,
        fc.oneof(
          { weight: 8, arbitrary: valueArb(v).map((x) => [x]) },
          fc.constant([] as string[]),
          fc.array(valueArb(v), { minLength: 2, maxLength: 3 }),
        ),
      ]),
    ) as Record<keyof typeof VALID_QUERY, fc.Arbitrary<string[]>>,
  )
  .chain((params) =>
    fc.option(printable(30), { nil: '' }).map((tail) => {
      const search = new URLSearchParams();
      for (const [k, values] of Object.entries(params)) for (const v of values) search.append(k, v);
      return `${search.toString()}${tail ? `&${tail}` : ''}`;
    }),
  );

/** A raw query string: percent-encoding errors, odd separators, non-ASCII escapes. */
const rawQueryArb = fc.string({
  unit: fc.constantFrom(
    '%',
    'z',
    '=',
    '&',
    '0',
    'E',
    'F',
    'ff',
    '%C3%A9',
    '%FF',
    'usersig',
    'sdkappid',
    '+',
    ';',
  ),
  maxLength: 40,
});

const queryArb = fc.oneof(
  { weight: 2, arbitrary: fc.constant(new URLSearchParams(VALID_QUERY).toString()) },
  { weight: 4, arbitrary: structuredQueryArb },
  rawQueryArb,
  fc.constant(''),
);

const fieldNameArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...FIELD_NAMES) },
  fc.constantFrom('Date', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'QQ'),
  fc.string({ maxLength: 12 }),
);

/** A body: absent, random bytes, random JSON, valid and invalid RequestField, deep, huge, hostile keys. */
const bodyArb: fc.Arbitrary<string | Buffer | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constant('{}'),
  fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
  fc.json({ maxDepth: 4 }),
  fc
    .record(
      { RequestField: fc.array(fieldNameArb, { maxLength: 40 }), other: fc.jsonValue({ maxDepth: 2 }) },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o)),
  fc
    .array(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { maxLength: 5 })
    .map((a) => JSON.stringify({ RequestField: a })),
  fc.integer({ min: 1, max: 60_000 }).map((d) => `${'['.repeat(d)}${']'.repeat(d)}`),
  fc.integer({ min: 1, max: 20_000 }).map((d) => `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`),
  // Thousands of names: below and above the body limit.
  fc.integer({ min: 1000, max: 12_000 }).map((n) =>
    JSON.stringify({
      RequestField: Array.from({ length: n }, (_, i) => FIELD_NAMES[i % FIELD_NAMES.length]),
    }),
  ),
  fc.constantFrom(
    '{"__proto__":{"RequestField":["ChainIncrease"]}}',
    '{"__proto__":{"polluted":1},"RequestField":["AppId"]}',
    '{"constructor":{"prototype":{"polluted":1}}}',
    '{"RequestField":["__proto__","constructor"]}',
    '{"RequestField":{"__proto__":["AppId"]}}',
    '{"RequestField":["AppId"],"RequestField":1}',
    '\uFEFF{}',
    '{}\u0000',
    'null',
    '[]',
    '"RequestField"',
  ),
);

/** Well-formed media types: the body is read as JSON whatever they say. */
const MEDIA_TYPES = [
  'application/json',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  '*/*',
];
/** Headers that are not media types: the body is not read (130001). */
const NOT_MEDIA_TYPES = ['', 'json', 'application/', 'x y/z'];

const contentTypeArb = fc.option(
  fc.oneof(fc.constantFrom(...MEDIA_TYPES, ...NOT_MEDIA_TYPES), printable(30)),
  { nil: undefined },
);

// ------------------------------------------------------------------ the oracle

/** Whether the route matches the path once the router has decoded it. */
function routeMatches(path: string): boolean | undefined {
  if (path === ROUTE) return true;
  try {
    return decodeURIComponent(path) === ROUTE ? undefined : false;
  } catch {
    return false;
  }
}

/** The `RequestField` field set of a body, as the behaviour table defines it (`undefined` = 130001). */
function expectedFields(body: string | Buffer | undefined): Set<string> | undefined {
  if (body === undefined) return undefined;
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
  if (buf.length === 0 || buf.length > BODY_LIMIT) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(buf.toString('utf8'));
  } catch {
    return undefined;
  }
  const every = new Set([...FIELD_NAMES, 'Date']);
  // The default fidelity settings: `[]` and `{"RequestField":null}` pull every field.
  if (Array.isArray(parsed) && parsed.length === 0) return every;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const list = (parsed as Record<string, unknown>).RequestField;
  if (!Object.hasOwn(parsed, 'RequestField') || list === null || (Array.isArray(list) && list.length === 0)) {
    return every;
  }
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) return undefined;
  return new Set([...list.filter((n) => (FIELD_NAMES as readonly string[]).includes(n)), 'Date']);
}

// ------------------------------------------------------------------ properties

describe('fuzzing the request path (inject)', { timeout: 60_000 }, () => {
  it('answers every request with HTTP 200 and a catalogue envelope, and the model code where it is known', async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        methodArb,
        pathArb,
        queryArb,
        contentTypeArb,
        bodyArb,
        async (method, path, query, contentType, body) => {
          const res = await server.inject({
            method: method as 'POST',
            url: query === '' ? path : `${path}?${query}`,
            headers: contentType === undefined ? {} : { 'content-type': contentType },
            ...(body === undefined ? {} : { payload: body }),
          });
          const route = routeMatches(path);
          if (method === 'HEAD') {
            // HEAD answers carry no body; status and type are still those of an envelope.
            expect(res.statusCode).toBe(200);
            expect(res.body).toBe('');
            return;
          }
          const envelope = expectEnvelope(res.statusCode, res.headers['content-type'] as string, res.body);
          seen.set(envelope.ErrorCode, (seen.get(envelope.ErrorCode) ?? 0) + 1);
          if (route === false) expect(envelope.ErrorCode).toBe(60009);
          // A method other than POST is checked like a POST, then refused (60008) instead of read.
          if (route === true && method !== 'POST') {
            expect(envelope.ErrorCode).not.toBe(0);
            if (query === new URLSearchParams(VALID_QUERY).toString()) expect(envelope.ErrorCode).toBe(60008);
          }
          if (route === true && method === 'POST' && query === new URLSearchParams(VALID_QUERY).toString()) {
            const mediaType = contentType === undefined || MEDIA_TYPES.includes(contentType);
            const fields = NOT_MEDIA_TYPES.includes(contentType!) ? undefined : expectedFields(body);
            if (!mediaType && fields !== undefined) expect([0, 130001]).toContain(envelope.ErrorCode);
            else if (fields === undefined) expect(envelope.ErrorCode).toBe(130001);
            else {
              expect(envelope.ErrorCode).toBe(0);
              const days = (envelope as { Result: Record<string, string>[] }).Result;
              expect(days).toHaveLength(30);
              expect(new Set(Object.keys(days[0]!))).toEqual(fields);
            }
          }
        },
      ),
      { seed: 0x8008, numRuns: 3000, endOnFailure: true },
    );
    // The generators reach deep into the table, not just its first rows.
    for (const code of [0, 60002, 60008, 60009, 60012, 70002, 70003, 70020, 130001]) {
      expect(seen.get(code) ?? 0, `ErrorCode ${code} seen`).toBeGreaterThan(0);
    }
    // Hostile keys never reach a prototype.
    expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
    expect(Object.hasOwn(Object.prototype, 'RequestField')).toBe(false);
    // Still up and still right.
    const after = await server.inject({
      method: 'POST',
      url: `${ROUTE}?${new URLSearchParams(VALID_QUERY)}`,
      payload: '{"RequestField":["AppId"]}',
    });
    expect(JSON.parse(after.body).Result[0]).toEqual({ AppId: String(DEMO_APP.sdkappid), Date: '20250309' });
  });
});

/** `gc()` when it can be had: `--expose-gc`, or switched on at run time; `undefined` otherwise. */
function collector(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

// Memory is measured over real HTTP: light-my-request's inject() itself retains ~10 KB per call
// (measured with a bare Fastify route too), which would drown the server's own behaviour.
describe('memory under a flood of distinct junk (real HTTP)', { timeout: 60_000 }, () => {
  it('keeps the heap flat while thousands of distinct long UserSigs and bodies arrive', async (ctx) => {
    const gc = collector();
    if (!gc) ctx.skip();
    const mock = await startServer({ apps: [{ ...DEMO_APP, rateLimitPerSecond: 1_000_000 }], now: () => T });
    const dispatcher = new Agent({ connections: 4 });
    // Distinct, decodable-looking UserSigs of 6,000 characters (below the 8,192 decoding limit).
    const junk = (i: number) => `${i.toString(36).padStart(8, 'A')}${'eJyr'.repeat(1498)}`;
    const flood = async (from: number, count: number) => {
      for (let i = from; i < from + count; i += 4) {
        await Promise.all(
          [0, 1, 2, 3].map(async (k) => {
            const query = new URLSearchParams({
              ...VALID_QUERY,
              usersig: junk(i + k),
              identifier: `id${i + k}`,
            });
            const res = await request(`${mock.url}${ROUTE}?${query}`, {
              method: 'POST',
              body: `{"RequestField":["AppId","x${i + k}"]}`,
              dispatcher,
            });
            expect(JSON.parse(await res.body.text()).ErrorCode).toBe(70003);
          }),
        );
      }
    };
    const heapAfterGc = () => {
      gc!();
      gc!();
      return process.memoryUsage().heapUsed;
    };
    try {
      await flood(0, 400);
      const before = heapAfterGc();
      await flood(400, 2400);
      const growth = heapAfterGc() - before;
      // Caching these (2,400 x ~6 KB keys) would add ~15 MB; allow a few MB of noise.
      expect(growth).toBeLessThan(4 * 1024 * 1024);
    } finally {
      await dispatcher.close();
      await mock.close();
    }
  });
});
