/**
 * Liveness and readiness over real HTTP on loopback: `/__admin/ready` while serving, while draining,
 * and while a real `redis-server` is stopped then restarted; the admin API's own 404 for unknown paths.
 */
import { connect } from 'node:net';
import { AdminErrorSchema, GETAPPINFO_PATH, ReadySchema } from '@timock/schema';
import { findRedisServer, NO_REDIS_SERVER, type RedisServer, startRedisServer } from '@timock/test-support';
import { request } from 'undici';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DEMO_APP } from '../src/options.js';
import { type StartedServer, type StartServerOptions, startServer } from '../src/server.js';
import { signedQuery } from './support.js';

const T = Date.parse('2025-03-10T04:00:00Z');
const started: StartedServer[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

async function start(options: StartServerOptions = {}) {
  const mock = await startServer({ now: () => T, ...options });
  started.push(mock);
  return mock;
}

/** `GET /__admin/ready`: the status and the parsed (and checked) answer. */
async function ready(mock: StartedServer) {
  const res = await request(`${mock.url}/__admin/ready`, { reset: true });
  return { status: res.statusCode, body: ReadySchema.parse(await res.body.json()) };
}

describe('readiness', () => {
  it('is ready while serving, for every caller (no token needed), and says "draining" once a close began', async () => {
    const mock = await start({ adminToken: 'an-admin-token-0123', drainTimeout: 5_000 });
    expect(await ready(mock)).toEqual({ status: 200, body: { status: 'ready' } });
    // Liveness stays behind the token.
    const health = await request(`${mock.url}/__admin/health`);
    await health.body.dump();
    expect(health.statusCode).toBe(401);

    // A request held by a delay rule keeps the server draining. Readiness is asked on a connection
    // that began its request before the close (a new one would be refused) and ends it after.
    mock.faults.add({ delayMs: 300, times: 1 });
    const path = `/${GETAPPINFO_PATH}?${new URLSearchParams(signedQuery(DEMO_APP, T - 60_000))}`;
    const held = request(`${mock.url}${path}`, { method: 'POST', body: '{}', reset: true });
    while (mock.faults.list()[0]!.fired === 0) await new Promise((r) => setImmediate(r));
    const probe = rawExchange(Number(new URL(mock.url).port), 'GET /__admin/ready HTTP/1.1\r\nHost: x\r\n');
    // When a full request on another connection is answered, the server has read the probe's start.
    expect((await ready(mock)).status).toBe(200);
    const closed = mock.close();
    // The listener closes right after the close hooks ran (draining begins there).
    for (let i = 0; i < 1000 && mock.server.server.listening; i++) await new Promise((r) => setImmediate(r));
    expect(mock.server.server.listening).toBe(false);
    probe.socket.write('\r\n');
    expect(await probe.answer).toMatch(/^HTTP\/1\.1 503 .*\{"status":"not ready","reason":"draining"\}$/s);
    expect(JSON.parse(await (await held).body.text()).ErrorCode).toBe(0);
    await closed;
  });

  it('unknown admin paths and methods answer the admin 404 (an IM envelope only with the admin API off)', async () => {
    const mock = await start();
    for (const [method, path] of [
      ['GET', '/__admin/nope'],
      ['GET', '/__admin'],
      ['PATCH', '/__admin/health'],
      ['GET', '/__admin/faults/x/y?z=1'],
    ] as const) {
      const res = await request(`${mock.url}${path}`, { method });
      expect(res.statusCode, path).toBe(404);
      const body = AdminErrorSchema.parse(await res.body.json());
      expect(body.error).toBe(`no admin operation ${method} ${path.replace(/\?.*/, '')}`);
    }
    // A path that only starts like the prefix is the API's unknown resource.
    const near = await request(`${mock.url}/__adminx`, { method: 'POST', body: '{}' });
    expect((await near.body.json()) as object).toMatchObject({ ErrorCode: 60009 });

    const off = await start({ admin: false });
    const res = await request(`${off.url}/__admin/ready`);
    expect(res.statusCode).toBe(200);
    expect((await res.body.json()) as object).toMatchObject({ ErrorCode: 60009 });
  });
});

/** Writes `text` on a raw socket; `answer` is every byte received until it closes (3 s at most). */
function rawExchange(port: number, text: string) {
  const socket = connect(port, '127.0.0.1');
  const answer = new Promise<string>((resolve, reject) => {
    let received = '';
    socket.setTimeout(3000, () => socket.destroy(new Error('no answer within 3 s')));
    socket.on('data', (d) => {
      received += d;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
  });
  socket.write(text);
  return { socket, answer };
}

/** `GET /__admin/ready` on a connection of its own: the raw answer. */
const rawReady = (port: number) =>
  rawExchange(port, 'GET /__admin/ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n').answer;

const BIN = findRedisServer();
if (BIN === undefined) console.warn(NO_REDIS_SERVER);

describe.skipIf(BIN === undefined)('readiness with a real redis-server', () => {
  let redis: RedisServer | undefined;
  afterAll(async () => {
    await redis?.close();
  });

  it('503 "store unreachable" while Redis is stopped, 200 again once it is back', async () => {
    redis = await startRedisServer(BIN!);
    const mock = await start({ redis: { url: redis.url, commandTimeoutMs: 500 } });
    const port = Number(new URL(mock.url).port);
    expect(await rawReady(port)).toMatch(/^HTTP\/1\.1 200 .*\{"status":"ready"\}$/s);
    await redis.stop();
    expect(await rawReady(port)).toMatch(
      /^HTTP\/1\.1 503 .*\{"status":"not ready","reason":"store unreachable"\}$/s,
    );
    await redis.restart();
    // The client reconnects on its own (retry every 100 ms up to 1 s): bounded polling, no fixed sleep.
    let last = '';
    for (let i = 0; i < 100 && !last.includes('"ready"}'); i++) {
      last = await rawReady(port);
      if (!last.includes('"ready"}')) await new Promise((r) => setTimeout(r, 50));
    }
    expect(last).toMatch(/^HTTP\/1\.1 200 .*\{"status":"ready"\}$/s);
  }, 20_000);
});
