/**
 * The fault kinds that act on the connection (delay, drop, truncate), over real HTTP on loopback, and
 * the in-process controls that `startServer()` returns.
 */
import { connect } from 'node:net';
import { GETAPPINFO_PATH } from '@timock/schema';
import { request } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isControlError } from '../src/control/errors.js';
import { seededRandom } from '../src/control/random.js';
import { DEMO_APP } from '../src/options.js';
import { buildServer, type StartedServer, startServer } from '../src/server.js';
import { signedQuery } from './support.js';

const T = Date.parse('2025-03-10T04:00:00Z');
const started: StartedServer[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(started.splice(0).map((s) => s.close()));
});

async function start(options: { drainTimeout?: number } = {}) {
  const mock = await startServer({ now: () => T, ...options });
  started.push(mock);
  return mock;
}

const path = () => `/${GETAPPINFO_PATH}?${new URLSearchParams(signedQuery(DEMO_APP, T - 60_000))}`;

/** Sends one request on a raw socket and returns every byte received until the server closes it. */
function rawExchange(url: string, body = '{}'): Promise<Buffer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.write(
      `POST ${path()} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}

const call = (mock: StartedServer, headers: Record<string, string> = {}) =>
  request(`${mock.url}${path()}`, { method: 'POST', body: '{}', headers }).then(async (res) => ({
    status: res.statusCode,
    text: await res.body.text(),
  }));

describe('connection faults over HTTP', () => {
  it('drops the connection without an answer, then stops', async () => {
    const mock = await start();
    mock.faults.add({ drop: true, times: 1 });
    await expect(call(mock)).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
    expect((await call(mock)).status).toBe(200);
    expect(mock.journal.list().map((e) => [e.status, e.fault])).toEqual([
      [0, 'f1'],
      [200, null],
    ]);
  });

  it("answers an injected 70014 in the gateway's shape, naming the request's SDKAppID", async () => {
    const mock = await start();
    const res = await call(mock, { 'x-timock-fault': 'code=70014' });
    expect(res.text).toBe(
      '{"ActionStatus":"FAIL","ErrorCode":70014,"ErrorInfo":"The requested SDKAppID(1400000000) does not match the Usersig(0). You can run a self-checking with the assistant tool on the console."}',
    );
  });

  it('truncates: sends the headers and half of the body, then closes', async () => {
    const mock = await start();
    const whole = Buffer.from((await call(mock)).text);
    mock.faults.add({ truncate: true, times: 1 });
    const bytes = await rawExchange(mock.url);
    const split = bytes.indexOf('\r\n\r\n');
    const head = bytes.subarray(0, split).toString();
    expect(head).toMatch(/^HTTP\/1\.1 200 /);
    expect(head).toContain(`content-length: ${whole.length}`);
    const body = bytes.subarray(split + 4);
    expect(body.length).toBe(Math.floor(whole.length / 2));
    expect(whole.subarray(0, body.length).equals(body)).toBe(true);
    expect((await rawExchange(mock.url)).subarray(split + 4).equals(whole)).toBe(true);
    expect(mock.journal.list({ limit: 2 }).map((e) => e.fault)).toEqual(['f1', null]);
  });

  it('truncates through the per-request header too', async () => {
    const mock = await start();
    await expect(call(mock, { 'x-timock-fault': 'truncate' }).then((r) => r.text)).rejects.toThrow();
    expect(mock.journal.list()[0]).toMatchObject({ fault: 'header', code: 0, status: 200 });
  });

  it('journals the latency from the route, a fault delay included', async () => {
    const mock = await start();
    mock.faults.add({ delayMs: 30, times: 1 });
    await call(mock);
    await call(mock);
    const [delayed, plain] = mock.journal.list();
    expect(delayed!.latencyMs).toBeGreaterThanOrEqual(29); // timers may fire up to 1 ms early
    expect(plain!.latencyMs).toBeGreaterThan(0);
  });

  it('a close drops a pending delay at the drain deadline', async () => {
    const mock = await start({ drainTimeout: 50 });
    mock.faults.add({ delayMs: 600_000 });
    const pending = call(mock).catch((e: unknown) => e);
    while (mock.journal.size === 0 && mock.faults.list()[0]!.fired === 0)
      await new Promise((r) => setImmediate(r));
    await mock.close(); // would wait ten minutes for the delayed answer otherwise
    started.length = 0;
    expect(await pending).toMatchObject({ code: 'UND_ERR_SOCKET' });
  });
});

describe('delays, on an injected timer clock', () => {
  /** A built and ready server (plugins loaded on real timers), then fake timers for the delays. */
  const ready = async () => {
    const server = buildServer({ now: () => T });
    await server.ready();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    return server;
  };

  it('answer after exactly the configured delay, then stop', async () => {
    const server = await ready();
    server.timock.faults.add({ delayMs: 200, errorCode: 70169, times: 1 });
    let settled = false;
    const answer = server.inject({ method: 'POST', url: path(), payload: '{}' }).then((res) => {
      settled = true;
      return res.json();
    });
    while (server.timock.faults.list()[0]!.fired === 0) await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(199);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect((await answer).ErrorCode).toBe(70169);
    const next = await server.inject({ method: 'POST', url: path(), payload: '{}' });
    expect(next.json().ErrorCode).toBe(0);
    await server.close();
  });

  it('draw a range from the rule seed and delay a header request', async () => {
    const server = await ready();
    const spy = vi.spyOn(globalThis, 'setTimeout');
    server.timock.faults.add({ delayMs: [100, 300], seed: 3 });
    const a = server.inject({ method: 'POST', url: path(), payload: '{}' });
    const b = server.inject({
      method: 'POST',
      url: path(),
      payload: '{}',
      headers: { 'x-timock-fault': 'delay=50' },
    });
    await vi.advanceTimersByTimeAsync(300);
    expect((await a).json().ErrorCode).toBe(0);
    expect((await b).json().ErrorCode).toBe(0);
    const drawn = 100 + Math.floor(seededRandom(3)() * 201);
    const delays = spy.mock.calls.map((c) => c[1]);
    expect(delays).toContain(drawn);
    expect(delays).toContain(50);
    await server.close();
  });
});

describe('in-process controls of startServer()', () => {
  it('steer faults, journal, clock and data without HTTP, and reset', async () => {
    const mock = await start();
    const expiry = T - 60_000 + 86_400_000; // the UserSig was signed a minute before T, for a day
    mock.clock.set({ now: new Date(expiry) });
    expect(mock.clock.now()).toBe(expiry);
    expect((await call(mock)).text).toContain('"ErrorCode":0');
    mock.clock.advance(1000);
    expect(JSON.parse((await call(mock)).text).ErrorCode).toBe(70001);
    mock.clock.reset();

    mock.data.set(DEMO_APP.sdkappid, [{ Date: '20250309', ChainIncrease: '42' }]);
    expect(JSON.parse((await call(mock)).text).Result[0].ChainIncrease).toBe('42');
    const bad = (() => {
      try {
        mock.data.set(DEMO_APP.sdkappid, [{ Date: 'today' } as never]);
      } catch (error) {
        return error;
      }
    })();
    expect(isControlError(bad) && bad.issues).toEqual([
      { path: 'days.0.Date', message: 'Date must be YYYYMMDD' },
    ]);

    const rule = mock.faults.add({ errorCode: 60007, times: 1 });
    expect(JSON.parse((await call(mock)).text).ErrorCode).toBe(60007);
    expect(mock.journal.count({ code: 60007 })).toBe(1);
    expect(mock.journal.list({ limit: 1 })[0]!.fault).toBe(rule.id);

    mock.reset();
    expect(mock.journal.size).toBe(0);
    expect(JSON.parse((await call(mock)).text).Result[0].ChainIncrease).not.toBe('42');
  });
});
