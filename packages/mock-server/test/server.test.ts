import { Readable, Writable } from 'node:stream';
import { signUserSig } from '@timock/client';
import {
  checkCarryOvers,
  checkDay,
  errorCodeInfo,
  FIELD_NAMES,
  hasErrorInfoValues,
  SuccessEnvelopeSchema,
} from '@timock/schema';
import type { FastifyInstance } from 'fastify';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidOptionsError } from '../src/errors.js';
import { DEMO_APP, type ServerOptions } from '../src/options.js';
import { buildServer, type StartedServer, startServer } from '../src/server.js';
import {
  httpTransport,
  injectTransport,
  type TestRequest,
  type TestResponse,
  type Transport,
} from './support.js';

const T = Date.parse('2025-03-10T04:00:00Z'); // Monday 12:00 in Beijing
const T_S = T / 1000;
const APP2 = { sdkappid: 1400000001, secretKey: 'second-app-key', admins: ['administrator', 'ops'] };
const OPTIONS: ServerOptions = {
  apps: [{ ...DEMO_APP, admins: ['administrator'] }, APP2],
  now: () => T,
};

const sign = (
  identifier: string,
  over: { sdkappid?: number; secretKey?: string; expire?: number; at?: number } = {},
) =>
  signUserSig({
    sdkappid: over.sdkappid ?? DEMO_APP.sdkappid,
    secretKey: over.secretKey ?? DEMO_APP.secretKey,
    identifier,
    lifetimeSeconds: over.expire ?? 86400,
    nowMs: (over.at ?? T_S - 60) * 1000,
  });

const GOOD = sign('administrator');
const q = (over: Record<string, string | undefined> = {}) => ({
  sdkappid: String(DEMO_APP.sdkappid),
  identifier: 'administrator',
  usersig: GOOD,
  random: '12345',
  contenttype: 'json',
  ...over,
});

interface Row {
  name: string;
  req: TestRequest;
  code: number;
  check?: (res: TestResponse) => void;
}

const fieldsOf = (res: TestResponse) => Object.keys(res.json.Result[0]).sort();

/** The behaviour table (reference section 5), top to bottom, each with the exact code. */
const ROWS: Row[] = [
  // path other than a known API -> 60009 (checked first)
  { name: 'unknown API under /v4/', req: { path: '/v4/openconfigsvr/getappinfox', query: q() }, code: 60009 },
  {
    name: 'another vendor API path',
    req: { path: '/v4/im_open_login_svc/account_import', query: q() },
    code: 60009,
  },
  { name: 'path outside /v4/', req: { method: 'GET', path: '/' }, code: 60009 },
  {
    name: 'paths are case-sensitive',
    req: { path: '/v4/OpenConfigSvr/getappinfo', query: q() },
    code: 60009,
  },
  {
    name: 'trailing slash is another path',
    req: { path: '/v4/openconfigsvr/getappinfo/', query: q() },
    code: 60009,
  },
  { name: 'wrong path wins over wrong method', req: { method: 'GET', path: '/v4/nope' }, code: 60009 },
  {
    name: 'undecodable path',
    req: { path: '/v4/openconfigsvr/%E0%A4%A', query: q(), body: '{}' },
    code: 60009,
  },
  // a method other than POST is checked like a POST (see FIDELITY_ROWS for its own answer)
  { name: 'a GET without a query fails the query checks', req: { method: 'GET' }, code: 60002 },
  {
    name: 'a GET with a bad UserSig gets the UserSig answer',
    req: { method: 'GET', query: q({ usersig: 'x' }) },
    code: 70003,
  },
  {
    name: 'a GET for an unknown app gets 70020',
    req: { method: 'GET', query: q({ sdkappid: '1400000009' }) },
    code: 70020,
  },
  // contenttype / random -> 60002
  { name: 'contenttype missing', req: { query: q({ contenttype: undefined }), body: '{}' }, code: 60002 },
  { name: 'contenttype not json', req: { query: q({ contenttype: 'xml' }), body: '{}' }, code: 60002 },
  {
    name: 'contenttype is case-sensitive',
    req: { query: q({ contenttype: 'JSON' }), body: '{}' },
    code: 60002,
  },
  { name: 'random not an integer', req: { query: q({ random: '12.5' }), body: '{}' }, code: 60002 },
  { name: 'random not numeric', req: { query: q({ random: 'abc' }), body: '{}' }, code: 60002 },
  { name: 'random above 4294967295', req: { query: q({ random: '4294967296' }), body: '{}' }, code: 60002 },
  { name: 'random negative', req: { query: q({ random: '-1' }), body: '{}' }, code: 60002 },
  { name: 'random 4294967295 is fine', req: { query: q({ random: '4294967295' }), body: '{}' }, code: 0 },
  { name: 'random 0 is fine', req: { query: q({ random: '0' }), body: '{}' }, code: 0 },
  {
    name: 'contenttype wins over a missing sdkappid',
    req: { query: q({ contenttype: undefined, sdkappid: undefined }), body: '{}' },
    code: 60002,
  },
  // sdkappid missing -> 60012
  { name: 'sdkappid missing', req: { query: q({ sdkappid: undefined }), body: '{}' }, code: 60012 },
  { name: 'sdkappid empty', req: { query: q({ sdkappid: '' }), body: '{}' }, code: 60012 },
  {
    name: 'sdkappid missing wins over a missing usersig',
    req: { query: q({ sdkappid: undefined, usersig: undefined }), body: '{}' },
    code: 60012,
  },
  // sdkappid not numeric / unknown -> 70020
  { name: 'sdkappid not numeric', req: { query: q({ sdkappid: 'abc' }), body: '{}' }, code: 70020 },
  { name: 'sdkappid in exponent form', req: { query: q({ sdkappid: '1.4e9' }), body: '{}' }, code: 70020 },
  {
    name: 'sdkappid repeated',
    req: { query: `${new URLSearchParams(q())}&sdkappid=1400000000`, body: '{}' },
    code: 70020,
  },
  { name: 'no such app', req: { query: q({ sdkappid: '1400000009' }), body: '{}' }, code: 70020 },
  {
    name: 'unknown app wins over a bad UserSig',
    req: { query: q({ sdkappid: '1', usersig: 'x' }), body: '{}' },
    code: 70020,
  },
  // (60007: see the rate-limit tests)
  // UserSig -> 70002 / 70003 / 70014 / 70013 / 70001 / 70009
  { name: 'usersig missing', req: { query: q({ usersig: undefined }), body: '{}' }, code: 70002 },
  { name: 'usersig empty', req: { query: q({ usersig: '' }), body: '{}' }, code: 70002 },
  { name: 'usersig garbage', req: { query: q({ usersig: 'garbage' }), body: '{}' }, code: 70003 },
  { name: 'usersig truncated', req: { query: q({ usersig: GOOD.slice(0, -20) }), body: '{}' }, code: 70003 },
  {
    name: "UserSig of another app (signed with that app's key)",
    req: { query: q({ usersig: sign('administrator', APP2) }), body: '{}' },
    code: 70014,
    check: (res) =>
      expect(res.json.ErrorInfo).toBe(
        'The requested SDKAppID(1400000000) does not match the Usersig(1400000001). You can run a self-checking with the assistant tool on the console.',
      ),
  },
  {
    name: 'UserSig of another identifier',
    req: { query: q({ usersig: sign('ops') }), body: '{}' },
    code: 70013,
  },
  { name: 'identifier missing', req: { query: q({ identifier: undefined }), body: '{}' }, code: 70013 },
  {
    name: 'UserSig expired',
    req: { query: q({ usersig: sign('administrator', { at: T_S - 86401 }) }), body: '{}' },
    code: 70001,
  },
  {
    name: 'UserSig signed with another key',
    req: { query: q({ usersig: sign('administrator', { secretKey: 'not-the-key' }) }), body: '{}' },
    code: 70009,
  },
  // not an admin -> 60010
  {
    name: 'identifier not an app admin',
    req: { query: q({ identifier: 'alice', usersig: sign('alice') }), body: '{}' },
    code: 60010,
  },
  {
    name: 'admin of another app only',
    req: { query: q({ identifier: 'ops', usersig: sign('ops') }), body: '{}' },
    code: 60010,
  },
  {
    name: 'admin check wins over a bad body',
    req: { query: q({ identifier: 'alice', usersig: sign('alice') }), body: 'not json' },
    code: 60010,
  },
  {
    name: 'UserSig check wins over a bad body',
    req: { query: q({ usersig: sign('administrator', { secretKey: 'x' }) }), body: '[' },
    code: 70009,
  },
  // body -> 130001
  { name: 'body empty', req: { query: q() }, code: 130001 },
  { name: 'body not JSON', req: { query: q(), body: '{"RequestField":' }, code: 130001 },
  { name: 'body a non-empty array', req: { query: q(), body: '["ChainIncrease"]' }, code: 130001 },
  { name: 'body null', req: { query: q(), body: 'null' }, code: 130001 },
  { name: 'body a string', req: { query: q(), body: '"{}"' }, code: 130001 },
  {
    name: 'RequestField a string',
    req: { query: q(), body: '{"RequestField":"ChainIncrease"}' },
    code: 130001,
  },
  {
    name: 'RequestField with a number',
    req: { query: q(), body: '{"RequestField":["ChainIncrease",1]}' },
    code: 130001,
  },
  {
    name: 'body not JSON though labelled JSON',
    req: { query: q(), body: 'x=1', headers: { 'content-type': 'application/json' } },
    code: 130001,
  },
  // success
  {
    name: 'full pull',
    req: { query: q(), body: '{}' },
    code: 0,
    check: (res) => {
      expect(Object.keys(res.json)).toEqual(['ErrorCode', 'ErrorInfo', 'Result']);
      expect(res.json.ErrorInfo).toBe('OK');
      expect(res.json.Result).toHaveLength(30);
      expect(res.json.Result[0].Date).toBe('20250309');
      expect(res.json.Result[29].Date).toBe('20250208');
      expect(fieldsOf(res)).toEqual([...FIELD_NAMES, 'Date'].sort());
      expect(res.json.Result[0].AppId).toBe('1400000000');
      expect(res.json.Result[0].AppName).toBe(DEMO_APP.appName);
      expect(res.json.Result[0].Company).toBe(DEMO_APP.company);
      expect(SuccessEnvelopeSchema.safeParse(res.json).success).toBe(true);
      expect(res.json.Result.flatMap(checkDay)).toEqual([]);
      expect(checkCarryOvers(res.json.Result)).toEqual([]);
    },
  },
  {
    name: 'any content type is read as JSON',
    req: { query: q(), body: '{}', headers: { 'content-type': 'text/plain' } },
    code: 0,
  },
  {
    name: 'RequestField filters, Date always present',
    req: { query: q(), body: '{"RequestField":["ChainIncrease","ChainDecrease"]}' },
    code: 0,
    check: (res) => {
      expect(res.json.Result).toHaveLength(30);
      expect(fieldsOf(res)).toEqual(['ChainDecrease', 'ChainIncrease', 'Date']);
    },
  },
  {
    name: 'unknown RequestField names are ignored',
    req: { query: q(), body: '{"RequestField":["ActiveUserNum","NoSuchField","Date"],"Extra":true}' },
    code: 0,
    check: (res) => expect(fieldsOf(res)).toEqual(['ActiveUserNum', 'Date']),
  },
  {
    name: 'RequestField empty = every field',
    req: { query: q(), body: '{"RequestField":[]}' },
    code: 0,
    check: (res) => expect(fieldsOf(res)).toHaveLength(FIELD_NAMES.length + 1),
  },
  {
    name: 'the second app answers with its own AppId',
    req: { query: q({ sdkappid: '1400000001', usersig: sign('ops', APP2), identifier: 'ops' }), body: '{}' },
    code: 0,
    check: (res) => expect(res.json.Result[0].AppId).toBe('1400000001'),
  },
];

/** The rows where the `fidelity` profiles differ: the evidence's answer (the default) and the strict one. */
const FIDELITY_ROWS: (Omit<Row, 'code'> & { evidence: number; strict: number })[] = [
  { name: 'GET', req: { method: 'GET', query: q() }, evidence: 60008, strict: 60002 },
  { name: 'PUT', req: { method: 'PUT', query: q(), body: '{}' }, evidence: 60008, strict: 60002 },
  { name: 'DELETE', req: { method: 'DELETE', query: q() }, evidence: 60008, strict: 60002 },
  {
    name: 'a GET not from an admin',
    req: { method: 'GET', query: q({ identifier: 'alice', usersig: sign('alice') }) },
    evidence: 60010,
    strict: 60002,
  },
  {
    name: 'random missing',
    req: { query: q({ random: undefined }), body: '{}' },
    evidence: 0,
    strict: 60002,
  },
  { name: 'body []', req: { query: q(), body: '[]' }, evidence: 0, strict: 130001 },
  {
    name: 'RequestField null',
    req: { query: q(), body: '{"RequestField":null}' },
    evidence: 0,
    strict: 130001,
  },
];

function expectAnswer(res: TestResponse, code: number) {
  expect(res.status).toBe(200);
  expect(res.contentType).toBe('application/json');
  expect(res.json, res.text.slice(0, 200)).toBeTypeOf('object');
  expect(res.json.ErrorCode).toBe(code);
  if (code !== 0) {
    // Exactly the keys, in the order, of every real gateway failure seen.
    expect(Object.keys(res.json)).toEqual(['ActionStatus', 'ErrorCode', 'ErrorInfo']);
    expect(res.json.ActionStatus).toBe('FAIL');
    if (!hasErrorInfoValues(code)) expect(res.json.ErrorInfo).toBe(errorCodeInfo(code).info);
  }
  if (code === 0) expect(fieldsOf(res)).toContain('Date');
}

describe.each([
  ['inject', async () => ({ send: injectTransport(buildServer(OPTIONS)), close: async () => {} })],
  [
    'real HTTP',
    async () => {
      const mock = await startServer(OPTIONS);
      return { send: httpTransport(mock.url), close: () => mock.close() };
    },
  ],
] as const)('behaviour table through %s', (_name, setup) => {
  let send: Transport;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ send, close } = await setup());
  });
  afterAll(() => close());

  it.each(ROWS)('$name -> $code', async ({ req, code, check }) => {
    const res = await send(req);
    expectAnswer(res, code);
    check?.(res);
  });

  it.each(FIDELITY_ROWS)(
    '$name -> $evidence (fidelity profile evidence, the default)',
    async ({ req, evidence }) => {
      expectAnswer(await send(req), evidence);
    },
  );

  it('60007: 200 accepted and the 201st refused within one clock second, accepted again in the next', async () => {
    let clock = T;
    const server = buildServer({ ...OPTIONS, now: () => clock });
    const mock = _name === 'inject' ? undefined : await server.listen({ port: 0, host: '127.0.0.1' });
    const go = mock ? httpTransport(mock) : injectTransport(server);
    try {
      const codes: number[] = [];
      for (let i = 0; i < 200; i++) codes.push((await go({ query: q(), body: '{}' })).json.ErrorCode);
      expect(codes.every((c) => c === 0)).toBe(true);
      clock = T + 999;
      expectAnswer(await go({ query: q(), body: '{}' }), 60007);
      // Rate limiting precedes the UserSig check: a bad signature still answers 60007.
      expectAnswer(await go({ query: q({ usersig: 'garbage' }), body: '{}' }), 60007);
      // ... but follows the app lookup.
      expectAnswer(await go({ query: q({ sdkappid: '42' }), body: '{}' }), 70020);
      // Another app has its own budget.
      expectAnswer(
        await go({
          query: q({ sdkappid: '1400000001', identifier: 'ops', usersig: sign('ops', APP2) }),
          body: '{}',
        }),
        0,
      );
      clock = T + 1000;
      expectAnswer(await go({ query: q(), body: '{}' }), 0);
    } finally {
      await server.close();
    }
  });
});

describe('fidelity settings', () => {
  const strict = injectTransport(buildServer({ ...OPTIONS, fidelity: { profile: 'strict' } }));
  it.each(FIDELITY_ROWS)('$name -> $strict with the strict profile', async ({ req, strict: code }) => {
    expectAnswer(await strict(req), code);
  });

  it('takes single settings over the profile', async () => {
    const send = injectTransport(
      buildServer({
        ...OPTIONS,
        fidelity: { profile: 'strict', arrayBody: 'all-fields', requireRandom: false },
      }),
    );
    expectAnswer(await send({ query: q(), body: '[]' }), 0);
    expectAnswer(await send({ query: q({ random: undefined }), body: '{}' }), 0);
    expectAnswer(await send({ query: q(), body: '{"RequestField":null}' }), 130001);
    expectAnswer(await send({ method: 'GET', query: q() }), 60002);
    // A present random is checked whatever the settings.
    expectAnswer(await send({ query: q({ random: 'x' }), body: '{}' }), 60002);
  });

  it('shapes the success answer: ActionStatus first, RequestId last, today included', async () => {
    const send = injectTransport(
      buildServer({
        ...OPTIONS,
        fidelity: { successActionStatus: true, successRequestId: true, includeToday: true },
      }),
    );
    const ids = new Set<string>();
    for (const body of ['{}', '{"RequestField":["ChainIncrease"]}', '{}']) {
      const res = await send({ query: q(), body });
      expect(Object.keys(res.json)).toEqual([
        'ActionStatus',
        'ErrorCode',
        'ErrorInfo',
        'Result',
        'RequestId',
      ]);
      expect(res.json.ActionStatus).toBe('OK');
      expect(res.json.RequestId).toMatch(/^Id-[0-9a-f]{32}-O-Seq-\d+$/);
      ids.add(res.json.RequestId);
      expect(res.json.Result).toHaveLength(30);
      expect(res.json.Result[0].Date).toBe('20250310'); // today in Beijing
      expect(res.json.Result[29].Date).toBe('20250209');
      expect(SuccessEnvelopeSchema.safeParse(res.json).success).toBe(true);
    }
    expect(ids.size).toBe(3);
    // Failures keep exactly the gateway's three keys.
    expectAnswer(await send({ query: q({ usersig: 'x' }), body: '{}' }), 70003);
  });

  it('refuses an unknown setting or value, naming it', () => {
    expect(() => buildServer({ fidelity: { requireRandom: 'yes' as never } })).toThrow(
      /fidelity\.requireRandom/,
    );
    expect(() => buildServer({ fidelity: { nope: true } as never })).toThrow(/fidelity.*nope/);
    expect(() => buildServer({ fidelity: { profile: 'lenient' as never } })).toThrow(/fidelity\.profile/);
  });
});

describe('oversized bodies', () => {
  let mock: StartedServer;
  beforeAll(async () => {
    mock = await startServer({ ...OPTIONS, bodyLimit: 1024 });
  });
  afterAll(() => mock.close());

  it('answers 130001 for a body over the limit (Content-Length), through inject and HTTP', async () => {
    const big = `{"RequestField":[${'"ChainIncrease",'.repeat(100)}"Date"]}`;
    expect(big.length).toBeGreaterThan(1024);
    expectAnswer(await injectTransport(mock.server)({ query: q(), body: big }), 130001);
    expectAnswer(await httpTransport(mock.url)({ query: q(), body: big }), 130001);
    // Just under the limit is read.
    expectAnswer(await httpTransport(mock.url)({ query: q(), body: `{}${' '.repeat(1000)}` }), 0);
  });

  it('answers 130001 for an endless chunked body without reading it all', async () => {
    let sent = 0;
    const endless = new Readable({
      read() {
        sent += 65536;
        // Stop after 64 MiB so a broken server cannot hang the test.
        this.push(sent > 64 * 2 ** 20 ? null : Buffer.alloc(65536, 32));
      },
    });
    const res = await request(`${mock.url}/v4/openconfigsvr/getappinfo?${new URLSearchParams(q())}`, {
      method: 'POST',
      body: endless,
    });
    const text = await res.body.text();
    expect(JSON.parse(text).ErrorCode).toBe(130001);
    expect(sent).toBeLessThan(64 * 2 ** 20);
    endless.destroy();
  });

  it('refuses a bad query before reading an oversized body', async () => {
    const res = await httpTransport(mock.url)({
      query: q({ usersig: undefined }),
      body: 'x'.repeat(100_000),
    });
    expectAnswer(res, 70002);
    expectAnswer(await httpTransport(mock.url)({ path: '/nope', body: 'x'.repeat(100_000) }), 60009);
  });
});

describe('clock, caches and determinism', () => {
  it('re-checks expiry on every request although the verified UserSig is cached', async () => {
    let clock = T;
    const send = injectTransport(buildServer({ ...OPTIONS, now: () => clock }));
    const sig = sign('administrator', { at: T_S, expire: 100 });
    expectAnswer(await send({ query: q({ usersig: sig }), body: '{}' }), 0);
    clock = T + 100_000; // exactly TLS.time + TLS.expire: still valid
    expectAnswer(await send({ query: q({ usersig: sig }), body: '{}' }), 0);
    clock = T + 101_000;
    expectAnswer(await send({ query: q({ usersig: sig }), body: '{}' }), 70001);
  });

  it('serves byte-identical answers, from two server instances too (restart-stable)', async () => {
    const a = injectTransport(buildServer(OPTIONS));
    const b = injectTransport(buildServer(OPTIONS));
    const first = await a({ query: q(), body: '{}' });
    expect((await a({ query: q(), body: '{"RequestField":[]}' })).text).toBe(first.text);
    expect((await b({ query: q(), body: '{}' })).text).toBe(first.text);
    const other = injectTransport(buildServer({ ...OPTIONS, seed: 7 }));
    expect((await other({ query: q(), body: '{}' })).text).not.toBe(first.text);
  });

  it('shifts the window by one day when the clock crosses midnight in Beijing', async () => {
    let clock = Date.parse('2025-03-09T15:59:59Z'); // 23:59:59 on the 9th in Beijing
    const send = injectTransport(buildServer({ ...OPTIONS, now: () => clock }));
    const before = (await send({ query: q(), body: '{}' })).json.Result;
    clock = Date.parse('2025-03-09T16:30:00Z'); // already the 10th in Beijing
    const after = (await send({ query: q(), body: '{}' })).json.Result;
    expect(before[0].Date).toBe('20250308');
    expect(after[0].Date).toBe('20250309');
    expect(after.slice(1)).toEqual(before.slice(0, 29));
  });
});

describe('logging', () => {
  it('writes one line per request with sdkappid, identifier, code and time, never a UserSig or key', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, cb) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        cb();
      },
    });
    const server = buildServer({ ...OPTIONS, logger: { level: 'info', stream } });
    const send = injectTransport(server);
    const badSig = sign('administrator', { secretKey: 'x' });
    await send({ query: q(), body: '{}' });
    await send({ query: q({ usersig: badSig }), body: '{}' });
    await send({ path: '/nope', query: q() });
    await send({ query: `${new URLSearchParams(q())}&UserSig=${GOOD}`, body: '{}' });
    await server.close();
    const requests = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request completed');
    expect(requests).toHaveLength(4);
    expect(requests.map((l) => l.code)).toEqual([0, 70009, 60009, 0]);
    for (const line of requests) {
      expect(line.sdkappid).toBe('1400000000');
      expect(line.identifier).toBe('administrator');
      expect(line.responseTimeMs).toBeTypeOf('number');
      expect(line.url).toContain('usersig=[redacted]');
    }
    const all = lines.join('\n');
    for (const secret of [GOOD, badSig, DEMO_APP.secretKey, APP2.secretKey])
      expect(all).not.toContain(secret);
  });
});

describe('options', () => {
  it('refuses a duplicate sdkappid, a bad seed and unknown options, listing every problem', () => {
    const dup = () => buildServer({ apps: [DEMO_APP, { ...DEMO_APP }] });
    expect(dup).toThrow(InvalidOptionsError);
    expect(dup).toThrow(/apps\.1\.sdkappid: duplicate sdkappid 1400000000/);
    expect(() => buildServer({ seed: -1 })).toThrow(/seed/);
    expect(() => buildServer({ apps: [{ ...DEMO_APP, admins: [] }] })).toThrow(/admins/);
    expect(() => buildServer({ nope: 1 } as ServerOptions)).toThrow(/nope/);
    try {
      buildServer({ seed: 1.5, bodyLimit: 0 });
    } catch (error) {
      expect((error as InvalidOptionsError).code).toBe('TIMOCK_INVALID_OPTIONS');
      expect((error as InvalidOptionsError).issues).toHaveLength(2);
    }
  });

  it('validates the redis option: a URL or { url, keyPrefix, commandTimeoutMs }', () => {
    expect(() => buildServer({ redis: 'http://cache:6379' })).toThrow(/redis\.url: must be a redis:\/\//);
    expect(() => buildServer({ redis: { url: 'redis://cache', keyPrefix: '' } })).toThrow(/redis\.keyPrefix/);
    expect(() => buildServer({ redis: { url: 'redis://cache', db: 1 } as never })).toThrow(/db/);
    expect(() => buildServer({ redis: { url: 'redis://cache', commandTimeoutMs: 0 } })).toThrow(
      /commandTimeoutMs/,
    );
  });

  it('answers 70500 (never a local budget) while Redis is unreachable, logging one line, not one per request', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    // Port 1 on loopback: nothing listens there.
    const server = buildServer({
      ...OPTIONS,
      redis: 'redis://:pw-in-url@127.0.0.1:1',
      logger: { level: 'info', stream },
    });
    try {
      await server.ready();
      const send = injectTransport(server);
      for (let i = 0; i < 5; i++) expectAnswer(await send({ query: q(), body: '{}' }), 70500);
      // Checks before the rate limit still answer without Redis.
      expectAnswer(await send({ query: q({ sdkappid: '1400000099' }), body: '{}' }), 70020);
      const outage = lines.filter((l) => l.includes('unreachable'));
      expect(outage).toHaveLength(1);
      expect(JSON.parse(outage[0]!).msg).toMatch(
        /^redis at redis:\/\/:redacted@127\.0\.0\.1:1 is unreachable/,
      );
      expect(lines.join('\n')).not.toContain('pw-in-url');
    } finally {
      await server.close();
    }
  });

  it('serves the demo app by default', async () => {
    const send = injectTransport(buildServer({ now: () => T }));
    expectAnswer(await send({ query: q(), body: '{}' }), 0);
  });
});

describe('startServer', () => {
  it('listens on 127.0.0.1 and a free port, and closes', async () => {
    const mock = await startServer({ now: () => T });
    expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expectAnswer(await httpTransport(mock.url)({ query: q(), body: '{}' }), 0);
    await mock.close();
    await expect(httpTransport(mock.url)({ query: q(), body: '{}' })).rejects.toThrow();
  });

  it('reports a port in use and leaves nothing running', async () => {
    const first = await startServer();
    const port = Number(new URL(first.url).port);
    await expect(startServer({ port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await first.close();
  });

  it('serves HTTPS with the given certificate', async () => {
    const { generate } = await import('selfsigned');
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keyType: 'ec' } as never);
    const mock = await startServer({ now: () => T, https: { key: pems.private, cert: pems.cert } });
    expect(mock.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
    const res = await request(`${mock.url}/v4/openconfigsvr/getappinfo?${new URLSearchParams(q())}`, {
      method: 'POST',
      body: '{}',
      dispatcher,
    });
    expect(JSON.parse(await res.body.text()).ErrorCode).toBe(0);
    await dispatcher.close();
    await mock.close();
  });
});

export type { FastifyInstance };
