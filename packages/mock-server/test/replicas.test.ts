/**
 * Three replicas of the fake on loopback ports, sharing their state in a real `redis-server`.
 */
import { Writable } from 'node:stream';
import { findRedisServer, NO_REDIS_SERVER, type RedisServer, startRedisServer } from '@timock/test-support';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO_APP } from '../src/options.js';
import { type StartedServer, startServer } from '../src/server.js';
import { httpTransport, signedQuery, type TestResponse, type Transport } from './support.js';

const BIN = findRedisServer();
if (BIN === undefined) console.warn(NO_REDIS_SERVER);

const T = Date.parse('2025-03-10T04:00:00Z');
const LIMIT = 40;
const APP = { ...DEMO_APP, rateLimitPerSecond: LIMIT };
const QUERY = signedQuery(APP, T - 60_000);
const call = (send: Transport, body = '{}') => send({ query: QUERY, body });
const codes = (answers: TestResponse[]) => answers.map((a) => a.json.ErrorCode as number);

/** Three replicas on one Redis and key prefix, one fake clock, each with its log lines. */
interface Replicas {
  /** The replicas' in-process controls (with `redis`, every call returns a Promise). */
  servers: StartedServer<'async'>[];
  send: Transport[];
  /** Calls the admin API of replica i: method, path under /__admin, JSON body. */
  admin: ((method: string, path: string, body?: unknown) => Promise<TestResponse>)[];
  logs: string[][];
  clock: { t: number };
  close(): Promise<void>;
}

async function startReplicas(url: string, keyPrefix: string): Promise<Replicas> {
  const clock = { t: T };
  const logs: string[][] = [];
  const servers: StartedServer<'async'>[] = [];
  for (let i = 0; i < 3; i++) {
    const lines: string[] = [];
    logs.push(lines);
    const stream = new Writable({
      write(chunk, _enc, done) {
        const entry = JSON.parse(String(chunk));
        if (entry.msg !== 'request completed') lines.push(entry.msg);
        done();
      },
    });
    servers.push(
      await startServer({
        apps: [APP],
        seed: 7,
        now: () => clock.t,
        redis: { url, keyPrefix },
        logger: { level: 'info', stream },
      }),
    );
  }
  const send = servers.map((s) => httpTransport(s.url));
  return {
    servers,
    send,
    admin: send.map(
      (transport) => (method: string, path: string, body?: unknown) =>
        transport({
          method,
          path: `/__admin${path.split('?')[0]}`,
          ...(path.includes('?') ? { query: path.split('?')[1] } : {}),
          ...(body !== undefined
            ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
            : {}),
        }),
    ),
    logs,
    clock,
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}

describe.skipIf(BIN === undefined)('three replicas sharing a real redis-server', () => {
  let redis: RedisServer;
  let replicas: Replicas;
  let prefix = 0;

  beforeAll(async () => {
    redis = await startRedisServer(BIN!);
  });
  afterAll(async () => {
    await replicas?.close();
    await redis?.close();
  });

  async function fresh(): Promise<Replicas> {
    await replicas?.close();
    replicas = await startReplicas(redis.url, `replicas${++prefix}`);
    return replicas;
  }

  it('shares the rate limit: a burst spread over the replicas gets exactly the limit through', async () => {
    const { send, clock } = await fresh();
    const burst = () => Promise.all(Array.from({ length: 3 * LIMIT }, (_, i) => call(send[i % 3]!)));
    const first = codes(await burst());
    expect(first.filter((c) => c === 0)).toHaveLength(LIMIT);
    expect(first.filter((c) => c === 60007)).toHaveLength(2 * LIMIT);
    clock.t += 999;
    expect(codes(await burst()).filter((c) => c === 0)).toHaveLength(0);
    clock.t += 1;
    expect(codes(await burst()).filter((c) => c === 0)).toHaveLength(LIMIT);
  });

  it('gives identical answers from every replica for the same request and clock', async () => {
    const { send, clock } = await fresh();
    const today: string[] = [];
    for (const body of ['{}', '{"RequestField":["APNSMsgNum","ActiveUserNum"]}']) {
      const answers = await Promise.all(send.map((s) => call(s, body)));
      expect(codes(answers)).toEqual([0, 0, 0]);
      expect(answers[0]!.json.Result.length).toBeGreaterThan(0);
      expect(answers[1]!.text).toBe(answers[0]!.text);
      expect(answers[2]!.text).toBe(answers[0]!.text);
      today.push(answers[0]!.text);
    }
    clock.t += 86_400_000; // a day later, every replica moves on to the same new window
    const later = await Promise.all(send.map((s) => call(s)));
    expect(later[0]!.text).not.toBe(today[0]);
    expect(new Set(later.map((a) => a.text)).size).toBe(1);
  });

  it('keeps no secret in Redis: no secret key and no UserSig in any key or value', async () => {
    const { send, admin } = await fresh();
    await admin[0]!('POST', '/faults', { errorCode: 70169, times: 1 });
    await admin[1]!('PUT', '/clock', { offsetMs: 1000 });
    await Promise.all(send.map((s) => call(s)));
    const client = new Redis(redis.url);
    try {
      const keys = await client.keys(`replicas${prefix}:*`);
      expect(keys.length).toBeGreaterThan(3);
      const dump: string[] = [...keys];
      for (const key of keys) {
        const type = await client.type(key);
        if (type === 'list') dump.push(...(await client.lrange(key, 0, -1)));
        else if (type === 'hash') dump.push(JSON.stringify(await client.hgetall(key)));
        else if (type === 'string') dump.push((await client.get(key)) ?? '');
      }
      const text = dump.join('\n');
      expect(text).toContain('70169'); // the dump does hold the shared state
      expect(text).not.toContain(APP.secretKey);
      expect(text).not.toContain(QUERY.usersig);
      expect(text).not.toContain(encodeURIComponent(QUERY.usersig));
    } finally {
      client.disconnect();
    }
  });

  it('fires a fault added on replica 1 on replica 3, exactly `times` times across the replicas', async () => {
    const { send, admin } = await fresh();
    const added = await admin[0]!('POST', '/faults', { errorCode: 70169, times: 3 });
    expect(added.status).toBe(201);
    expect(codes([await call(send[2]!)])).toEqual([70169]); // on replica 3 at once
    const rest = codes(await Promise.all(Array.from({ length: 12 }, (_, i) => call(send[i % 3]!))));
    expect(rest.filter((c) => c === 70169)).toHaveLength(2);
    expect(rest.filter((c) => c === 0)).toHaveLength(10);
    const listed = await admin[1]!('GET', '/faults');
    expect(listed.json.faults).toMatchObject([
      { id: added.json.id, errorCode: 70169, fired: 3, active: false },
    ]);
  });

  it('lists the requests of every replica in the journal of any replica', async () => {
    const { send, admin } = await fresh();
    await admin[0]!('DELETE', '/requests');
    for (let i = 0; i < 9; i++) await call(send[i % 3]!);
    await send[1]!({ query: { ...QUERY, sdkappid: '1400000099' }, body: '{}' }); // 70020
    // Each replica sends its entries after its answers, batched per turn of its event loop.
    await vi.waitFor(async () => {
      for (const ask of admin) {
        const all = await ask('GET', '/requests');
        expect(all.json.requests).toHaveLength(10);
        expect(all.json.requests.map((r: { seq: number }) => r.seq)).toEqual(
          [...all.json.requests.map((r: { seq: number }) => r.seq)].sort((a: number, b: number) => a - b),
        );
        expect((await ask('GET', '/requests/count?code=0')).json.count).toBe(9);
        expect((await ask('GET', '/requests?code=70020')).json.requests).toMatchObject([
          { sdkappid: 1400000099, identifier: 'administrator', code: 70020 },
        ]);
      }
    });
    expect(JSON.stringify((await admin[2]!('GET', '/requests')).json)).not.toContain(QUERY.usersig);
  });

  it('shows the in-process controls the same shared state as the admin API, on every replica', async () => {
    const { servers, send, admin } = await fresh();
    await servers[0]!.journal.clear();
    const added = await servers[0]!.faults.add({ errorCode: 70169, times: 2 });
    expect(codes(await Promise.all(send.map((s) => call(s))))).toEqual([70169, 70169, 0]);
    await vi.waitFor(async () => {
      for (const [i, mock] of servers.entries()) {
        const overHttp = (await admin[i]!('GET', '/requests')).json.requests;
        expect(overHttp).toHaveLength(3);
        expect(await mock.journal.list()).toEqual(overHttp);
        expect(await mock.journal.count({ code: 70169 })).toBe(2);
        expect(await mock.journal.size).toBe(3);
        expect(await mock.faults.list()).toMatchObject([{ id: added.id, fired: 2, active: false }]);
        expect(await mock.faults.list()).toEqual((await admin[i]!('GET', '/faults')).json.faults);
      }
    });
    const health = (await admin[2]!('GET', '/health')).json;
    expect(health).toMatchObject({ faults: 0, journal: { size: 3 } });
    await servers[1]!.clock.set({ offsetMs: 5000 });
    await vi.waitFor(async () => expect((await admin[2]!('GET', '/clock')).json.offsetMs).toBe(5000));
    await servers[2]!.reset(); // resolves once shared; the other replicas apply it as it reaches them
    expect(await servers[0]!.journal.list()).toEqual([]);
    await vi.waitFor(async () => expect(await servers[0]!.faults.list()).toEqual([]));
  });

  it('shares the clock and the day overrides: every replica answers the same new bytes', async () => {
    const { send, admin } = await fresh();
    const before = (await call(send[0]!)).text;
    // Past midnight in Beijing (a new 30-day window), within the test UserSig's 24 hours.
    const clock = await admin[1]!('PUT', '/clock', { now: '2025-03-11T01:00:00+08:00' });
    expect(clock.json.frozen).toBe(true);
    for (const ask of admin) expect((await ask('GET', '/clock')).json.now).toBe('2025-03-10T17:00:00.000Z');
    const moved = await Promise.all(send.map((s) => call(s)));
    expect(moved[0]!.json.Result[0].Date).toBe('20250310');
    expect(new Set(moved.map((a) => a.text)).size).toBe(1);
    expect(moved[0]!.text).not.toBe(before);

    const set = await admin[2]!('PUT', `/apps/${APP.sdkappid}/days`, {
      days: [{ Date: '20250310', ActiveUserNum: '4242' }],
    });
    expect(set.status).toBe(200);
    const overridden = await Promise.all(send.map((s) => call(s)));
    for (const a of overridden) expect(a.json.Result[0].ActiveUserNum).toBe('4242');
    await admin[0]!('DELETE', `/apps/${APP.sdkappid}/days`);
    await vi.waitFor(async () => {
      const back = await Promise.all(send.map((s) => call(s)));
      expect(back.map((a) => a.text)).toEqual([moved[0]!.text, moved[0]!.text, moved[0]!.text]);
    });
  });

  it('resets every replica from any replica', async () => {
    const { send, admin } = await fresh();
    await admin[0]!('POST', '/faults', { errorCode: 70169 });
    await admin[0]!('PUT', '/clock', { offsetMs: 86_400_000 });
    expect(codes(await Promise.all(send.map((s) => call(s))))).toEqual([70169, 70169, 70169]);
    await admin[2]!('POST', '/reset');
    await vi.waitFor(async () => {
      expect(codes(await Promise.all(send.map((s) => call(s))))).toEqual([0, 0, 0]);
      for (const ask of admin) expect((await ask('GET', '/clock')).json.offsetMs).toBe(0);
    });
    expect((await admin[1]!('GET', '/faults')).json.faults).toEqual([]);
  });

  it('survives a Redis restart: 70500 during the outage, one log line each way, success after', async () => {
    const { send, logs, clock } = await fresh();
    expect(codes(await Promise.all(send.map((s) => call(s))))).toEqual([0, 0, 0]);

    await redis.stop();
    const during: TestResponse[] = [];
    for (let round = 0; round < 5; round++) during.push(...(await Promise.all(send.map((s) => call(s)))));
    expect(new Set(codes(during))).toEqual(new Set([70500]));
    expect(during[0]!.json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 70500 });
    for (const lines of logs) {
      const outage = lines.filter((l) => l.includes('unreachable'));
      expect(outage).toHaveLength(1);
      expect(outage[0]).toMatch(
        /^redis at redis:\/\/127\.0\.0\.1:\d+ is unreachable \(.+\); answering 70500/,
      );
    }

    await redis.restart();
    // Each replica reconnects by itself (retries every <= 1 s); bounded wait, polling every 50 ms.
    const deadline = Date.now() + 10_000;
    const recovered = [false, false, false];
    while (recovered.includes(false) && Date.now() < deadline) {
      clock.t += 1000;
      for (let i = 0; i < 3; i++)
        if (!recovered[i]) recovered[i] = (await call(send[i]!)).json.ErrorCode === 0;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(recovered).toEqual([true, true, true]);
    for (const lines of logs) {
      expect(lines.filter((l) => l.includes('unreachable'))).toHaveLength(1);
      expect(lines.filter((l) => l.includes('reachable again'))).toHaveLength(1);
    }
  });
});
