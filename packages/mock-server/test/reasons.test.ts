/**
 * Every refusal and injected fault says why: in the journal (`reason`), in the request's log line and,
 * for callers of the admin API only, in the `x-timock-reason` header. Real HTTP on loopback; the
 * envelope stays the vendor's.
 */
import { deflateSync } from 'node:zlib';
import { REASON_HEADER } from '@timock/schema';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartServerOptions, startServer } from '../src/server.js';
import { expectEnvelope, signedQuery, type TestRequest, urlOf } from './support.js';

const T = Date.parse('2026-11-30T12:13:00Z');
const APP = { sdkappid: 1400000000, secretKey: 'reason-key-0a1b2c3d4e5f', admins: ['administrator'] };
const OTHER = {
  sdkappid: 1400000001,
  secretKey: 'reason-key-9f8e7d6c5b4a',
  admins: ['ops'],
  rateLimitPerSecond: 2,
};
const TOKEN = 'reason-admin-token-5566';

/** A UserSig-shaped token that is base64url of bytes no inflater accepts, and of zlib of given text. */
const junk = (text: string) =>
  deflateSync(Buffer.from(text))
    .toString('base64')
    .replace(/\+/g, '*')
    .replace(/\//g, '-')
    .replace(/=/g, '_');

interface Seen {
  code: number | undefined;
  header: string | undefined;
  status: number;
}

/** A fake on loopback whose log lines are kept. */
async function fake(options: StartServerOptions = {}) {
  const lines: Record<string, unknown>[] = [];
  const stream = { write: (line: string) => void lines.push(JSON.parse(line)) };
  const mock = await startServer({
    apps: [APP, OTHER],
    now: () => T,
    logger: { level: 'info', stream },
    ...options,
  });
  const send = async (req: TestRequest): Promise<Seen> => {
    const res = await request(`${mock.url}${urlOf(req)}`, {
      method: (req.method ?? 'POST') as 'POST',
      body: req.method === 'GET' ? undefined : (req.body ?? '{}'),
      ...(req.headers ? { headers: req.headers } : {}),
    });
    const text = await res.body.text();
    const header = res.headers[REASON_HEADER] as string | undefined;
    if (res.statusCode !== 200 || !res.headers['content-type']?.toString().startsWith('application/json')) {
      return { code: undefined, header, status: res.statusCode };
    }
    const envelope = expectEnvelope(res.statusCode, res.headers['content-type'] as string, text);
    return { code: envelope.ErrorCode, header, status: res.statusCode };
  };
  return { mock, lines, send };
}

const signed = (over: Partial<Record<string, string>> = {}, app = APP, options = {}) => ({
  ...signedQuery(app, T, options),
  ...over,
});

describe('reasons of refusals', () => {
  let f: Awaited<ReturnType<typeof fake>>;
  beforeAll(async () => {
    f = await fake();
  });
  afterAll(() => f.mock.close());

  const expired = signedQuery(APP, T - (3600 + 2 * 3600 + 13 * 60) * 1000, { expireSeconds: 3600 });
  const CASES: [string, TestRequest, number, string | RegExp][] = [
    [
      'contenttype',
      { query: { ...signed(), contenttype: undefined } },
      60002,
      "contenttype missing, not 'json'",
    ],
    ['random', { query: signed({ random: 'x7' }) }, 60002, "random 'x7', not an integer 0..4294967295"],
    ['no sdkappid', { query: signed({ sdkappid: undefined }) }, 60012, 'sdkappid missing from the query'],
    [
      'bad sdkappid',
      { query: signed({ sdkappid: 'abc' }) },
      70020,
      "sdkappid 'abc' is not an SDKAppID (a positive integer)",
    ],
    [
      'unknown app',
      { query: signed({ sdkappid: '1400000009' }) },
      70020,
      'no app 1400000009 (this fake serves 1400000000, 1400000001)',
    ],
    ['no usersig', { query: signed({ usersig: undefined }) }, 70002, 'usersig missing'],
    ['empty usersig', { query: signed({ usersig: '' }) }, 70002, 'usersig is empty'],
    ['not base64url', { query: signed({ usersig: 'abc!def' }) }, 70003, /^usersig is not base64url \(/],
    [
      'not zlib',
      { query: signed({ usersig: 'AAAAAAAA' }) },
      70003,
      'usersig is not base64url+zlib: inflate failed',
    ],
    [
      'not JSON',
      { query: signed({ usersig: junk('not json') }) },
      70003,
      'usersig is not JSON once inflated',
    ],
    [
      'fields',
      { query: signed({ usersig: junk('{"TLS.ver":"2.0"}') }) },
      70003,
      /^usersig has JSON fields missing or invalid: TLS\.identifier, TLS\.sdkappid, TLS\.time, TLS\.expire, TLS\.sig/,
    ],
    [
      'other app',
      { query: signed({ ...signedQuery(OTHER, T), sdkappid: '1400000000' }) },
      70014,
      'UserSig was made for SDKAppID 1400000001; the request says 1400000000',
    ],
    [
      'other identifier',
      { query: signed({ usersig: signedQuery(APP, T, { identifier: 'bob' }).usersig }) },
      70013,
      "UserSig was made for identifier 'bob'; the request says 'administrator'",
    ],
    [
      'expired',
      { query: expired },
      70001,
      'UserSig expired 2 h 13 min ago (issued 2026-11-30 09:00:00 UTC, lifetime 3600 s)',
    ],
    [
      'other key',
      { query: signed({}, { ...APP, secretKey: 'another-key' }) },
      70009,
      "HMAC does not match app 1400000000's secret key: the UserSig was signed with another key",
    ],
    [
      'not an admin',
      { query: signed({}, APP, { identifier: 'bob' }) },
      60010,
      "identifier 'bob' is not an admin of app 1400000000 (admins: 'administrator')",
    ],
    ['body not JSON', { query: signed(), body: '{"RequestField":' }, 130001, 'body is not JSON'],
    ['body array', { query: signed(), body: '["AppName"]' }, 130001, 'body is a JSON array, not an object'],
    ['body scalar', { query: signed(), body: '7' }, 130001, 'body is JSON number, not an object'],
    [
      'RequestField',
      { query: signed(), body: '{"RequestField":"AppName"}' },
      130001,
      'RequestField is string, not an array',
    ],
    [
      'method last',
      { method: 'GET', query: signed() },
      60008,
      "method 'GET' is not POST (checked after every other check: methodCheck last)",
    ],
    [
      'unknown path',
      { path: '/v4/nope/here', query: signed() },
      60009,
      "no API at '/v4/nope/here' (this fake serves /v4/openconfigsvr/getappinfo)",
    ],
  ];

  it.each(CASES)('%s: header, journal and log line say why', async (_name, req, code, reason) => {
    f.mock.journal.clear();
    f.lines.length = 0;
    const seen = await f.send(req);
    expect(seen.code).toBe(code);
    expect(seen.header).toEqual(typeof reason === 'string' ? reason : expect.stringMatching(reason));
    const [entry] = f.mock.journal.list();
    expect(entry).toMatchObject({ code, reason: seen.header });
    const line = f.lines.find((l) => l.msg === 'request completed');
    expect(line).toMatchObject({ code, reason: seen.header });
    // A reason never quotes the UserSig or a key.
    const usersig = typeof req.query === 'object' ? req.query.usersig : undefined;
    if (usersig) expect(seen.header).not.toContain(usersig);
    for (const key of [APP.secretKey, OTHER.secretKey]) expect(seen.header).not.toContain(key);
  });

  it('says nothing on a success: no header, a null reason, no reason in the log line', async () => {
    f.mock.journal.clear();
    f.lines.length = 0;
    const seen = await f.send({ query: signed() });
    expect(seen).toEqual({ code: 0, header: undefined, status: 200 });
    expect(f.mock.journal.list()).toMatchObject([{ code: 0, reason: null }]);
    expect(f.lines.find((l) => l.msg === 'request completed')).not.toHaveProperty('reason');
  });

  it('names the rate limit', async () => {
    f.mock.journal.clear();
    const query = signed({}, OTHER, { identifier: 'ops' });
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await f.send({ query })).code);
    expect(codes).toEqual([0, 0, 60007]);
    expect(f.mock.journal.list({ code: 60007 })).toMatchObject([
      { reason: 'rate limit: 2 calls within the last second for app 1400000001' },
    ]);
  });

  it('names the fault rule and how many firings are left, for error codes and HTTP statuses', async () => {
    f.mock.journal.clear();
    const rule = f.mock.faults.add({ errorCode: 130011, times: 3 });
    const first = await f.send({ query: signed() });
    expect(first).toMatchObject({
      code: 130011,
      header: `fault rule ${rule.id} (2 of 3 left): ErrorCode 130011`,
    });
    f.mock.faults.remove();
    const page = f.mock.faults.add({ httpStatus: 502 });
    const gateway = await f.send({ query: signed() });
    expect(gateway).toEqual({
      code: undefined,
      status: 502,
      header: `fault rule ${page.id} (fired 1 times, no limit): HTTP 502`,
    });
    f.mock.faults.remove();
    expect(f.mock.journal.list().map((e) => e.reason)).toEqual([first.header, gateway.header]);
    const fromHeader = await f.send({ query: signed(), headers: { 'x-timock-fault': 'code=70169,delay=5' } });
    expect(fromHeader.header).toBe('fault header x-timock-fault: ErrorCode 70169, delayed 5 ms');
  });
});

describe('who reads the reason header', () => {
  it('with an admin token: only requests that carry it, in either header', async () => {
    const f = await fake({ adminToken: TOKEN });
    try {
      const query = signed({ usersig: 'AAAAAAAA' });
      expect((await f.send({ query })).header).toBeUndefined();
      expect(
        (await f.send({ query, headers: { 'x-timock-admin-token': 'wrong-token-123' } })).header,
      ).toBeUndefined();
      const reason = 'usersig is not base64url+zlib: inflate failed';
      expect((await f.send({ query, headers: { 'x-timock-admin-token': TOKEN } })).header).toBe(reason);
      expect((await f.send({ query, headers: { authorization: `Bearer ${TOKEN}` } })).header).toBe(reason);
      // The journal and the log line have it for every request.
      expect(f.mock.journal.list().map((e) => e.reason)).toEqual([reason, reason, reason, reason]);
      expect(f.lines.filter((l) => l.reason === reason)).toHaveLength(4);
    } finally {
      await f.mock.close();
    }
  });

  it('with the admin API off: never, though the journal and the log line still say why', async () => {
    const f = await fake({ admin: false, fidelity: { methodCheck: 'first' } });
    try {
      const seen = await f.send({ method: 'GET', query: signed() });
      expect(seen).toEqual({ code: 60002, header: undefined, status: 200 });
      const reason = "method 'GET' is not POST (methodCheck first)";
      expect(f.mock.journal.list()).toMatchObject([{ reason }]);
      expect(f.lines.find((l) => l.msg === 'request completed')).toMatchObject({ reason });
    } finally {
      await f.mock.close();
    }
  });
});
