import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { APP, FULL, failure, fakeClock, PATH, verifyUserSig } from '../test/helpers.js';
import { createClient, isAuthError, isTimTransportError, type TimClient } from './index.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string, n: number) => void;

/**
 * A tiny real HTTP server on port 0 that checks the UserSig with the reference's algorithm before
 * handing over to `handler`, and counts TCP connections.
 */
async function startTinyServer(handler: Handler) {
  let n = 0;
  let connections = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://x');
      const sig = url.searchParams.get('usersig') ?? '';
      const check = verifyUserSig(
        sig,
        APP.secretKey,
        url.searchParams.get('identifier') ?? '',
        APP.sdkappid,
        Date.now() / 1000,
      );
      if (url.pathname !== PATH || req.method !== 'POST') {
        res.end(JSON.stringify(failure(60009)));
      } else if (check !== 'ok') {
        res.end(JSON.stringify(failure(check === 'identifier' ? 70013 : 70009)));
      } else {
        handler(req, res, body, n++);
      }
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    connections: () => connections,
    open: () => new Promise<number>((resolve) => server.getConnections((_, count) => resolve(count))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const send = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

describe('over real HTTP (node:http on port 0)', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });
  const client = (baseUrl: string, extra: object = {}): TimClient => {
    const clock = fakeClock(Date.now());
    const c = createClient({ ...APP, baseUrl, sleep: clock.sleep, ...extra });
    cleanup.push(() => c.close());
    return c;
  };

  it('signs requests the server verifies, and reuses keep-alive connections even after errors', async () => {
    const server = await startTinyServer((_req, res, body, n) => {
      const script = [
        () => send(res, 200, FULL),
        () => send(res, 502, `<html>${'Bad Gateway '.repeat(20_000)}</html>`), // more than undici buffers (64 KiB)
        () => send(res, 200, FULL),
        () => send(res, 200, failure(130001)),
        () => send(res, 200, 'not json'),
        () => send(res, 200, { ...FULL, echo: body }),
      ];
      script[n % script.length]?.();
    });
    cleanup.push(server.close);
    const c = client(server.url);
    expect(await c.getAppInfo()).toEqual(FULL.Result);
    expect(await c.getAppInfo()).toEqual(FULL.Result); // the 502 was retried
    await expect(c.getAppInfo()).rejects.toMatchObject({ code: 130001 });
    await expect(c.getAppInfo()).rejects.toMatchObject({ code: 'TIM_ERR_RESPONSE' });
    const raw = await c.raw({ RequestField: ['AppName'] });
    expect((raw.envelope as { echo: string }).echo).toBe('{"RequestField":["AppName"]}');
    for (let round = 0; round < 5; round++) {
      await c.getAppInfo();
      await c.getAppInfo();
      await c.getAppInfo().catch(() => {});
      await c.getAppInfo().catch(() => {});
      await c.raw();
    }
    // undici may open a second connection when a call follows the previous answer within the same
    // tick; an unread body would instead pin its connection and force a new one on every call.
    expect(server.connections()).toBeLessThanOrEqual(2);
  });

  it('maps the server’s auth verdicts to auth errors, without retrying', async () => {
    const server = await startTinyServer((_req, res) => send(res, 200, FULL));
    cleanup.push(server.close);
    const otherKey = client(server.url, { secretKey: 'another key' });
    const err = await otherKey.getAppInfo().catch((e: unknown) => e);
    expect(isAuthError(err)).toBe(true);
    expect(err).toMatchObject({ code: 70009, attempts: 1 });
  });

  it('retries a connection the server drops mid-request', async () => {
    const server = await startTinyServer((req, res, _body, n) => {
      if (n === 0) req.socket.destroy();
      else send(res, 200, FULL);
    });
    cleanup.push(server.close);
    await expect(client(server.url).getAppInfo()).resolves.toEqual(FULL.Result);
    expect(server.connections()).toBe(2);
  });

  it('does not retry a refused connection', async () => {
    const server = await startTinyServer(() => {});
    await server.close(); // the port is now closed
    const err = await client(server.url)
      .getAppInfo()
      .catch((e: unknown) => e);
    expect(isTimTransportError(err, 'TIM_ERR_NETWORK')).toBe(true);
    expect(err).toMatchObject({ retryable: false, attempts: 1 });
    expect((err as Error).message).toContain('ECONNREFUSED');
  });

  it('closes its own pool on close()', async () => {
    const server = await startTinyServer((_req, res) => send(res, 200, FULL));
    cleanup.push(server.close);
    const c = createClient({ ...APP, baseUrl: server.url });
    await c.getAppInfo();
    expect(await server.open()).toBe(1);
    await c.close();
    await expect.poll(() => server.open()).toBe(0);
  });
});
