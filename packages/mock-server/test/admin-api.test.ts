import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_APP, type ServerOptions } from '../src/options.js';
import { buildServer } from '../src/server.js';
import { injectTransport, signedQuery, type TestRequest } from './support.js';

const T = Date.parse('2025-03-10T04:00:00Z'); // 12:00 in Beijing
const APP2 = { sdkappid: 1400000001, secretKey: 'second-app-key-0123', admins: ['administrator'] };
const TOKEN = 'an-admin-token-0123';

const servers: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function setup(options: ServerOptions = {}) {
  const server = buildServer({ apps: [DEMO_APP, APP2], now: () => T, ...options });
  servers.push(server);
  const send = injectTransport(server);
  const admin = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    send({
      method,
      path: `/__admin${path}`,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      headers: { 'content-type': 'application/json', ...headers },
    });
  const call = (over: Partial<TestRequest> = {}, app: { sdkappid: number; secretKey: string } = DEMO_APP) =>
    send({ query: signedQuery(app, T - 60_000), body: '{}', ...over });
  return { server, send, admin, call };
}

describe('access to the admin API', () => {
  it('answers loopback callers without a token and refuses others with 403', async () => {
    const { server, admin } = setup();
    const health = await admin('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({
      status: 'ok',
      apps: 2,
      faults: 0,
      journal: { size: 0, capacity: 1000 },
      clock: { now: '2025-03-10T04:00:00.000Z', frozen: false },
    });
    const remote = await server.inject({ method: 'GET', url: '/__admin/health', remoteAddress: '10.1.2.3' });
    expect(remote.statusCode).toBe(403);
    expect(remote.json().error).toMatch(/--admin-token/);
  });

  it('with a token, refuses calls without it or with another (401) and accepts it from anywhere', async () => {
    const { server, admin } = setup({ adminToken: TOKEN });
    expect((await admin('GET', '/health')).status).toBe(401);
    const wrong = await admin('GET', '/health', undefined, { authorization: `Bearer ${TOKEN}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error).not.toContain(TOKEN);
    expect((await admin('POST', '/faults', { errorCode: 70500 })).status).toBe(401);
    expect((await admin('GET', '/faults', undefined, { authorization: `Bearer ${TOKEN}` })).json).toEqual({
      faults: [],
    });
    const remote = await server.inject({
      method: 'GET',
      url: '/__admin/health',
      remoteAddress: '10.1.2.3',
      headers: { authorization: `bearer ${TOKEN}` },
    });
    expect(remote.statusCode).toBe(200);
  });

  it('is absent with admin: false, and the fault header is ignored', async () => {
    const { admin, call } = setup({ admin: false });
    const health = await admin('GET', '/health');
    expect(health.json.ErrorCode).toBe(60009);
    expect((await call({ headers: { 'x-timock-fault': 'code=130011' } })).json.ErrorCode).toBe(0);
  });

  it('honours the fault header only with the token when one is set, and only from loopback without one', async () => {
    const open = setup();
    expect((await open.call({ headers: { 'x-timock-fault': 'code=130011' } })).json.ErrorCode).toBe(130011);
    const remote = await open.server.inject({
      method: 'POST',
      url: `/v4/openconfigsvr/getappinfo?${new URLSearchParams(signedQuery(DEMO_APP, T - 60_000))}`,
      payload: '{}',
      headers: { 'x-timock-fault': 'code=130011' },
      remoteAddress: '10.1.2.3',
    });
    expect(remote.json().ErrorCode).toBe(0);

    const guarded = setup({ adminToken: TOKEN });
    const fault = { 'x-timock-fault': 'status=502' };
    expect((await guarded.call({ headers: fault })).status).toBe(200);
    expect((await guarded.call({ headers: { ...fault, 'x-timock-admin-token': 'nope' } })).status).toBe(200);
    expect((await guarded.call({ headers: { ...fault, 'x-timock-admin-token': TOKEN } })).status).toBe(502);
  });

  it('never logs the token, a UserSig or a key, even at trace level', async () => {
    let log = '';
    const stream = new Writable({
      write(chunk, _encoding, callback) {
        log += String(chunk);
        callback();
      },
    });
    const { admin, call } = setup({ adminToken: TOKEN, logger: { level: 'trace', stream } });
    const bearer = { authorization: `Bearer ${TOKEN}` };
    await admin('POST', '/faults', { errorCode: 70500, times: 1 }, bearer);
    await admin(
      'POST',
      '/apps',
      { sdkappid: 1400000009, secretKey: 'added-app-key-0123', admins: ['a'] },
      bearer,
    );
    await admin('GET', '/health', undefined, { authorization: 'Bearer wrong-token-0123' });
    const query = signedQuery(DEMO_APP, T - 60_000);
    await call({ query, headers: { 'x-timock-fault': 'code=130011', 'x-timock-admin-token': TOKEN } });
    await call({ query });
    expect(log).toContain('request completed');
    for (const secret of [
      TOKEN,
      'wrong-token-0123',
      query.usersig,
      DEMO_APP.secretKey,
      'added-app-key-0123',
    ]) {
      expect(log).not.toContain(secret);
    }
  });

  it('answers a bad fault header with 400 and the reason', async () => {
    const { call } = setup();
    const res = await call({ headers: { 'x-timock-fault': 'code=1' } });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(/x-timock-fault.*catalogue/);
  });
});

describe('faults through the admin API', () => {
  it('adds, lists with counts, answers each firing from the catalogue, and removes rules', async () => {
    const { admin, call } = setup();
    const added = await admin('POST', '/faults', { sdkappid: APP2.sdkappid, errorCode: 130011, times: 2 });
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({ id: 'f1', fired: 0, active: true, expiresAt: null });
    expect((await call()).json.ErrorCode).toBe(0); // another app
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await call({}, APP2)).json);
    expect(codes.map((b) => b.ErrorCode)).toEqual([130011, 130011, 0]);
    expect(codes[0]).toEqual({
      ActionStatus: 'FAIL',
      ErrorCode: 130011,
      ErrorInfo: 'SQL query error',
    });
    expect((await admin('GET', '/faults')).json.faults).toMatchObject([
      { id: 'f1', fired: 2, active: false },
    ]);
    await admin('POST', '/faults', { httpStatus: 503 });
    const gateway = await call();
    expect(gateway.status).toBe(503);
    expect(gateway.contentType).toMatch(/^text\/html/);
    expect(gateway.text).toContain('503 Service Unavailable');
    expect((await admin('DELETE', '/faults/f2')).json).toEqual({ removed: 1 });
    expect((await admin('DELETE', '/faults/f2')).status).toBe(404);
    expect((await call()).status).toBe(200);
    expect((await admin('DELETE', '/faults')).json).toEqual({ removed: 1 });
  });

  it('judges `fields` rules on the requested field set', async () => {
    const { admin, call } = setup();
    await admin('POST', '/faults', { errorCode: 130012, fields: ['ChainIncrease'] });
    expect((await call({ body: '{"RequestField":["ActiveUserNum"]}' })).json.ErrorCode).toBe(0);
    expect((await call({ body: '{"RequestField":["ChainIncrease"]}' })).json.ErrorCode).toBe(130012);
    expect((await call({ body: '{}' })).json.ErrorCode).toBe(130012);
    expect((await call({ body: 'not json' })).json.ErrorCode).toBe(130001);
  });

  it('refuses a bad rule with 400 and its issues, adding nothing', async () => {
    const { admin } = setup();
    const res = await admin('POST', '/faults', { errorCode: 130011, drop: true, times: 0 });
    expect(res.status).toBe(400);
    expect(res.json.issues.map((i: { path: string }) => i.path)).toEqual(['times', '']);
    expect((await admin('POST', '/faults', undefined, {})).status).toBe(400); // {} has no action
    const notJson = await admin('PUT', '/clock', undefined, {});
    expect(notJson.status).toBe(400);
    expect((await admin('GET', '/faults')).json.faults).toEqual([]);
  });

  it('fires a seeded probability rule on the same calls on every run', async () => {
    const run = async () => {
      const { admin, call } = setup({ apps: [{ ...DEMO_APP, rateLimitPerSecond: 1000 }] });
      await admin('POST', '/faults', { errorCode: 70169, probability: 0.3, seed: 42 });
      const codes: number[] = [];
      for (let i = 0; i < 100; i++) codes.push((await call()).json.ErrorCode);
      return codes;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(new Set(first)).toEqual(new Set([0, 70169]));
  });
});

describe('the journal', () => {
  it('stays within its bound under 10,000 requests and never holds a UserSig or key', {
    timeout: 60_000,
  }, async () => {
    const { server, admin, call } = setup({
      apps: [{ ...DEMO_APP, rateLimitPerSecond: 1_000_000 }, APP2],
      journalSize: 500,
    });
    const good = signedQuery(DEMO_APP, T - 60_000);
    const wrongKey = signedQuery({ ...DEMO_APP, secretKey: APP2.secretKey }, T - 60_000);
    for (let i = 0; i < 10_000; i++) {
      const query = i % 10 === 0 ? wrongKey : good;
      await call({ query, body: i % 2 ? '{"RequestField":["ChainIncrease"]}' : '{}' });
    }
    await call({}, APP2);
    expect(server.timock.journal.size).toBe(500);
    const all = (await admin('GET', '/requests')).json.requests;
    expect(all).toHaveLength(500);
    expect(all[0].seq).toBe(9502);
    expect(all.at(-1)).toMatchObject({
      seq: 10_001,
      sdkappid: APP2.sdkappid,
      code: 0,
      status: 200,
      fault: null,
    });
    const text = JSON.stringify(all);
    for (const secret of [good.usersig, wrongKey.usersig, DEMO_APP.secretKey, APP2.secretKey, 'usersig']) {
      expect(text).not.toContain(secret);
    }
    // The journal holds requests 9501..9999 (0-based) and APP2's; every tenth one used the wrong key.
    expect((await admin('GET', '/requests/count?code=70009')).json).toEqual({ count: 49 });
    expect((await admin('GET', `/requests?sdkappid=${APP2.sdkappid}`)).json.requests).toHaveLength(1);
    expect(
      (await admin('GET', '/requests?limit=2')).json.requests.map((e: { seq: number }) => e.seq),
    ).toEqual([10_000, 10_001]);
    expect((await admin('GET', '/requests?code=oops')).status).toBe(400);
    expect((await admin('DELETE', '/requests')).json).toEqual({ removed: 500 });
    expect((await admin('GET', '/requests/count')).json).toEqual({ count: 0 });
  });

  it('records the time by the server clock, the fields, the code and the fault', async () => {
    const { admin, call } = setup();
    await admin('PUT', '/clock', { now: '2025-03-10T05:00:00Z' });
    await admin('POST', '/faults', { errorCode: 60007, times: 1 });
    await call({ query: signedQuery(DEMO_APP, Date.parse('2025-03-10T04:59:00Z')) });
    await call({
      query: signedQuery(DEMO_APP, Date.parse('2025-03-10T04:59:00Z')),
      body: '{"RequestField":["AppName"]}',
    });
    await call({ path: '/v4/nothing' });
    const since = Date.parse('2025-03-10T05:00:00Z');
    const { requests } = (await admin('GET', `/requests?since=${since}`)).json;
    expect(requests).toMatchObject([
      {
        time: '2025-03-10T05:00:00.000Z',
        code: 60007,
        fields: null,
        fault: 'f1',
        identifier: 'administrator',
      },
      { code: 0, fields: ['AppName'], fault: null },
      { code: 60009, fields: null },
    ]);
    expect((await admin('GET', '/requests/count?since=2025-03-10T05:00:00.001Z')).json.count).toBe(0);
  });
});

describe('the clock', () => {
  it('moves UserSig expiry, the rate window and the 30-day window, and returns to real time', async () => {
    const { admin, call } = setup({ apps: [{ ...DEMO_APP, rateLimitPerSecond: 2 }] });
    const query = signedQuery(DEMO_APP, T, { expireSeconds: 3600 });
    expect((await call({ query })).json.Result[0].Date).toBe('20250309');
    expect((await call({ query })).json.ErrorCode).toBe(0);
    expect((await call({ query })).json.ErrorCode).toBe(60007);
    const moved = await admin('PUT', '/clock', { advanceMs: 1000 });
    expect(moved.json).toEqual({ now: '2025-03-10T04:00:01.000Z', frozen: false, offsetMs: 1000 });
    expect((await call({ query })).json.ErrorCode).toBe(0);
    await admin('PUT', '/clock', { now: '2025-03-10T05:00:01+00:00' });
    expect((await call({ query })).json.ErrorCode).toBe(70001);
    await admin('PUT', '/clock', { now: '2025-03-10T05:00:00+00:00' });
    expect((await call({ query })).json.ErrorCode).toBe(0);
    await admin('PUT', '/clock', { offsetMs: 86_400_000 });
    const nextDay = await call({ query: signedQuery(DEMO_APP, T + 86_400_000) });
    expect(nextDay.json.Result[0].Date).toBe('20250310');
    expect((await admin('DELETE', '/clock')).json).toMatchObject({ frozen: false, offsetMs: 0 });
    expect((await admin('PUT', '/clock', { now: 'yesterday' })).status).toBe(400);
  });
});

describe('data and apps', () => {
  it('overrides some days, refuses a bad document changing nothing, and returns to generated data', async () => {
    const { admin, call } = setup();
    const before = (await call()).text;
    const put = await admin('PUT', `/apps/${DEMO_APP.sdkappid}/days`, {
      days: [{ Date: '20250309', ActiveUserNum: '7', AppName: 'Overridden' }],
    });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ sdkappid: DEMO_APP.sdkappid, overriddenDays: 1, data: 'generated' });
    const after = (await call()).json.Result;
    const original = JSON.parse(before).Result;
    expect(after[0]).toEqual({ ...original[0], ActiveUserNum: '7', AppName: 'Overridden' });
    expect(after.slice(1)).toEqual(original.slice(1));
    const filtered = (await call({ body: '{"RequestField":["ActiveUserNum"]}' })).json.Result[0];
    expect(filtered).toEqual({ ActiveUserNum: '7', Date: '20250309' });

    const changed = (await call()).text;
    const bad = await admin('PUT', `/apps/${DEMO_APP.sdkappid}/days`, {
      days: [
        { Date: '20250308', ActiveUserNum: '1' },
        { Date: '2025-03-07', Nope: '1', LoginTimes: 3 },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.json.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'days.1',
      'days.1.Date',
      'days.1.LoginTimes',
    ]);
    expect((await call()).text).toBe(changed);
    expect((await admin('PUT', '/apps/1499999999/days', { days: [{ Date: '20250309' }] })).status).toBe(404);

    expect((await admin('DELETE', `/apps/${DEMO_APP.sdkappid}/days`)).json.overriddenDays).toBe(0);
    expect((await call()).text).toBe(before);
  });

  it('adds an app at run time and never shows a secret key', async () => {
    const { admin, call } = setup();
    const app = { sdkappid: 1400000009, secretKey: 'run-time-key-0123', admins: ['ops'], appName: 'Late' };
    const added = await admin('POST', '/apps', app);
    expect(added.status).toBe(201);
    expect(added.json).toEqual({
      sdkappid: 1400000009,
      admins: ['ops'],
      appName: 'Late',
      company: expect.any(String),
      rateLimitPerSecond: 200,
      data: 'generated',
      overriddenDays: 0,
    });
    const res = await call({ query: signedQuery(app, T - 60_000, { identifier: 'ops' }) }, app);
    expect(res.json.Result[0].AppName).toBe('Late');
    expect((await admin('POST', '/apps', app)).status).toBe(409);
    expect((await admin('POST', '/apps', { sdkappid: 1 })).status).toBe(400);
    const list = await admin('GET', '/apps');
    expect(list.json.apps).toHaveLength(3);
    for (const key of [app.secretKey, DEMO_APP.secretKey, APP2.secretKey])
      expect(list.text).not.toContain(key);
    expect(added.text).not.toContain('secretKey');
  });

  it('reset brings journal, faults, clock, overrides and apps back to the start state', async () => {
    const { server, admin, call } = setup();
    const before = (await call()).text;
    await admin('POST', '/faults', { errorCode: 70500 });
    expect((await admin('POST', '/faults', { delayMs: 1 })).json).toMatchObject({ id: 'f2' });
    await admin('PUT', '/clock', { offsetMs: 5000 });
    await admin('PUT', `/apps/${DEMO_APP.sdkappid}/days`, {
      days: [{ Date: '20250309', ActiveUserNum: '1' }],
    });
    await admin('POST', '/apps', { sdkappid: 1400000009, secretKey: 'k', admins: ['administrator'] });
    await call();
    expect((await admin('POST', '/reset')).json).toEqual({ status: 'ok' });
    const health = (await admin('GET', '/health')).json;
    expect(health).toMatchObject({ apps: 2, faults: 0, journal: { size: 0 }, clock: { offsetMs: 0 } });
    expect(server.timock.faults.list()).toEqual([]);
    expect((await call()).text).toBe(before);
    const gone = await call({ query: signedQuery({ sdkappid: 1400000009, secretKey: 'k' }, T - 60_000) });
    expect(gone.json.ErrorCode).toBe(70020);
    // Fault-rule ids start again at f1.
    expect((await admin('POST', '/faults', { errorCode: 70500 })).json).toMatchObject({ id: 'f1' });
  });
});
