/**
 * The fake over raw sockets: malformed HTTP, slow and stalled clients, idle connections, oversized
 * bodies, and exceptions inside the server. Every answer is an envelope; nothing blocks other clients;
 * no exception drops a connection or stops the server.
 */
import { Writable } from 'node:stream';
import { GETAPPINFO_PATH } from '@timock/schema';
import fc from 'fast-check';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_APP } from '../src/options.js';
import { buildServer, type StartedServer, startServer } from '../src/server.js';
import { expectEnvelope, parseRawAnswer, rawExchange, signedQuery } from './support.js';

const T = Date.parse('2025-03-10T04:00:00Z');
const ROUTE = `/${GETAPPINFO_PATH}`;
const VALID_QUERY = signedQuery(DEMO_APP, T - 60_000);
const QUERY = new URLSearchParams(VALID_QUERY).toString();
const TIMEOUTS = {
  headersTimeout: 300,
  requestTimeout: 600,
  keepAliveTimeout: 1000,
  connectionTimeout: 3000,
};

let mock: StartedServer;
let port: number;
beforeAll(async () => {
  mock = await startServer({ now: () => T, ...TIMEOUTS });
  port = Number(new URL(mock.url).port);
});
afterAll(() => mock.close());

/** The one answer on a raw connection, checked as an envelope; also that the server closed the socket. */
function answerOf(exchange: { data: Buffer; timedOut: boolean }) {
  expect(exchange.timedOut, 'the server closed the connection').toBe(false);
  const answer = parseRawAnswer(exchange.data);
  expect(
    answer,
    `an HTTP answer in ${JSON.stringify(exchange.data.toString('latin1').slice(0, 200))}`,
  ).toBeDefined();
  return {
    ...answer!,
    envelope: expectEnvelope(answer!.status, answer!.headers['content-type'], answer!.body),
  };
}

const post = (headers: string, body = '') =>
  `POST ${ROUTE}?${QUERY} HTTP/1.1\r\nHost: x\r\n${headers}\r\n${body}`;

describe('malformed HTTP on raw sockets', { timeout: 30_000 }, () => {
  it.each([
    ['a garbage request line', 'GARBAGE\r\n\r\n', 60002],
    ['an unknown HTTP version', 'GET / HTTP/9.9\r\nHost: x\r\n\r\n', 60002],
    ['a header without a colon', 'GET / HTTP/1.1\r\nHost x\r\n\r\n', 60002],
    ['a NUL byte in a header value', 'GET / HTTP/1.1\r\nHost: x\r\nX: a\u0000b\r\n\r\n', 60002],
    ['two different Content-Lengths', post('Content-Length: 2\r\nContent-Length: 3\r\n', '{}'), 60002],
    [
      'Content-Length with chunked (smuggling)',
      post('Content-Length: 5\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\n'),
      60002,
    ],
    ['a bad chunk size', post('Transfer-Encoding: chunked\r\n', 'zz\r\n{}\r\n0\r\n\r\n'), 60002],
    ['headers over 16 KiB', `GET / HTTP/1.1\r\nHost: x\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`, 60002],
    ['a TLS handshake on the plain port', Buffer.from('160301020001000100030100', 'hex'), 60002],
    ['an HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 60002],
    [
      'a request line that never ends (headers timeout)',
      'POST /v4/openconfigsvr/getappinfo?sdkappid=1',
      60008,
    ],
  ])('answers %s with an envelope (HTTP 200) and closes', async (_name, raw, code) => {
    const { envelope, headers } = answerOf(await rawExchange(port, [raw]));
    expect(envelope.ErrorCode).toBe(code);
    expect(headers.connection).toBe('close');
  });

  it('answers arbitrary bytes with an envelope and closes (fast-check, seeded)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => Buffer.from(b)),
          fc
            .tuple(
              fc.constantFrom('GET', 'POST', 'PUT', 'G\u00e9T', ''),
              fc.string({ maxLength: 40 }),
              fc.string({ maxLength: 60 }),
            )
            .map(([m, p, h]) => `${m} /${p} HTTP/1.1\r\n${h}\r\n\r\n`),
        ),
        async (raw) => {
          // `Connection: close` semantics for valid requests: the client ends its side after writing.
          const { envelope } = answerOf(await rawExchange(port, [raw], { endAfterWrite: true }));
          expect(envelope.ErrorCode).not.toBe(0);
        },
      ),
      { seed: 0xb17e, numRuns: 60 },
    );
  });
});

describe('slow clients', { timeout: 30_000 }, () => {
  it('a stalled body and a slowloris header do not block other clients, and time out with 60008', async () => {
    const stalled = rawExchange(port, [post('Content-Length: 100\r\n', '{"Req')]);
    const slowloris = rawExchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: 1'.split(''), { gapMs: 20 });
    let stalledDone = false;
    void stalled.then(() => {
      stalledDone = true;
    });
    // Twenty ordinary calls are answered while the stalled request is still open.
    const dispatcher = new Agent({ connections: 5 });
    try {
      for (let i = 0; i < 20; i++) {
        const res = await request(`${mock.url}${ROUTE}?${QUERY}`, { method: 'POST', body: '{}', dispatcher });
        expect(JSON.parse(await res.body.text()).ErrorCode).toBe(0);
      }
      expect(stalledDone, 'the stalled request was still open').toBe(false);
    } finally {
      await dispatcher.close();
    }
    const stalledAnswer = answerOf(await stalled);
    expect(stalledAnswer.envelope.ErrorCode).toBe(60008);
    expect((await stalled).closedAtMs).toBeGreaterThanOrEqual(TIMEOUTS.requestTimeout - 50);
    expect(answerOf(await slowloris).envelope.ErrorCode).toBe(60008);
  });

  it('closes an idle keep-alive connection after keepAliveTimeout, after a complete answer', async () => {
    const exchange = await rawExchange(port, [post('Content-Length: 2\r\n', '{}')]);
    const { envelope, headers } = answerOf(exchange);
    expect(envelope.ErrorCode).toBe(0);
    expect(headers['keep-alive']).toBe(`timeout=${TIMEOUTS.keepAliveTimeout / 1000}`);
    expect(exchange.closedAtMs).toBeGreaterThanOrEqual(TIMEOUTS.keepAliveTimeout - 50);
  });

  it('refuses an oversized body (130001) before the client has sent it all', async () => {
    // 1 MiB announced, sent in 16 KiB pieces 10 ms apart: the answer comes after the limit, not the end.
    const pieces = Array.from({ length: 64 }, () => 'x'.repeat(16_384));
    const exchange = await rawExchange(port, [post(`Content-Length: ${16_384 * 64}\r\n`), ...pieces], {
      gapMs: 10,
    });
    const { envelope } = answerOf(exchange);
    expect(envelope.ErrorCode).toBe(130001);
    expect(exchange.closedAtMs).toBeLessThan(64 * 10);
  });

  it('rejects timeouts that Node would refuse, at the edge', () => {
    expect(() => buildServer({ headersTimeout: 2000, requestTimeout: 1000 })).toThrow(/headersTimeout/);
    expect(() => buildServer({ keepAliveTimeout: 0 })).toThrow(/keepAliveTimeout/);
    expect(() => buildServer({ connectionTimeout: -1 })).toThrow(/connectionTimeout/);
  });
});

describe('crash safety', { timeout: 30_000 }, () => {
  /** A clock that fails on chosen calls: throws, or answers NaN (which breaks the handler, not the hook). */
  function flakyClock(failures: Map<number, 'throw' | 'nan'>) {
    let calls = 0;
    return () => {
      const failure = failures.get(++calls);
      if (failure === 'throw') throw new Error('clock broke');
      return failure === 'nan' ? Number.NaN : T;
    };
  }

  it('turns exceptions in a hook or the handler into 70500 with one logged error; the server stays up', async () => {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l));
        done();
      },
    });
    const crashy = await startServer({
      now: flakyClock(
        new Map([
          [2, 'throw'],
          [4, 'nan'],
        ]),
      ),
      logger: { level: 'info', stream },
    });
    const dispatcher = new Agent({ connections: 1 });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await request(`${crashy.url}${ROUTE}?${QUERY}`, {
          method: 'POST',
          body: '{}',
          dispatcher,
        });
        codes.push(
          expectEnvelope(res.statusCode, res.headers['content-type'] as string, await res.body.text())
            .ErrorCode,
        );
      }
      // One keep-alive connection served all five: no exception dropped it.
      expect(codes).toEqual([0, 70500, 0, 70500, 0]);
      const errors = lines.filter((l) => l.level === 50);
      expect(errors).toHaveLength(2);
      expect(errors.map((e) => (e.err as { message: string }).message)).toEqual([
        'clock broke',
        expect.any(String),
      ]);
      const logged = JSON.stringify(lines);
      expect(logged).not.toContain(VALID_QUERY.usersig);
      expect(logged).not.toContain(DEMO_APP.secretKey);
    } finally {
      await dispatcher.close();
      await crashy.close();
    }
  });
});
