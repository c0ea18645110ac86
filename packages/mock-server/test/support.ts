/**
 * Helpers shared by this package's tests (not exported from the package).
 */
import { connect } from 'node:net';
import { signUserSig } from '@timock/client';
import {
  ERROR_CODES,
  type ErrorCode,
  FAILURE_ENVELOPE_KEYS,
  FailureEnvelopeSchema,
  GETAPPINFO_PATH,
  hasErrorInfoValues,
  isKnownErrorCode,
  type ResponseEnvelope,
  ResponseEnvelopeSchema,
} from '@timock/schema';
import type { FastifyInstance } from 'fastify';
import { request } from 'undici';
import { expect } from 'vitest';

/** A request as a test describes it. */
export interface TestRequest {
  method?: string;
  /** Path without the query; default the getappinfo path. */
  path?: string;
  /** Query parameters (a value of `undefined` leaves the parameter out) or a raw query string. */
  query?: Record<string, string | undefined> | string;
  body?: string | Buffer;
  headers?: Record<string, string>;
}

/** What the tests look at in an answer. */
export interface TestResponse {
  status: number;
  contentType: string | undefined;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests inspect arbitrary JSON
  json: any;
}

/** Sends a {@link TestRequest} somewhere. */
export type Transport = (req: TestRequest) => Promise<TestResponse>;

/** The URL path and query of a test request. */
export function urlOf(req: TestRequest): string {
  const path = req.path ?? `/${GETAPPINFO_PATH}`;
  if (req.query === undefined) return path;
  if (typeof req.query === 'string') return `${path}?${req.query}`;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(req.query)) if (v !== undefined) params.append(k, v);
  return `${path}?${params.toString()}`;
}

const parse = (text: string) => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** Sends through Fastify's `inject` (no network). */
export function injectTransport(server: FastifyInstance): Transport {
  return async (req) => {
    const res = await server.inject({
      method: (req.method ?? 'POST') as 'POST',
      url: urlOf(req),
      ...(req.body !== undefined ? { payload: req.body } : {}),
      ...(req.headers ? { headers: req.headers } : {}),
    });
    return {
      status: res.statusCode,
      contentType: res.headers['content-type'] as string | undefined,
      text: res.body,
      json: parse(res.body),
    };
  };
}

/** Sends over real HTTP with undici, always consuming the body. */
export function httpTransport(baseUrl: string): Transport {
  return async (req) => {
    const res = await request(`${baseUrl}${urlOf(req)}`, {
      method: (req.method ?? 'POST') as 'POST',
      ...(req.body !== undefined ? { body: req.body } : {}),
      ...(req.headers ? { headers: req.headers } : {}),
    });
    const text = await res.body.text();
    return {
      status: res.statusCode,
      contentType: res.headers['content-type'] as string | undefined,
      text,
      json: parse(text),
    };
  };
}

/** The query of a valid getappinfo call for an app, its UserSig signed at `atMs` (the official library). */
export function signedQuery(
  app: { sdkappid: number; secretKey: string },
  atMs: number,
  options: { identifier?: string; expireSeconds?: number } = {},
): Record<'sdkappid' | 'identifier' | 'usersig' | 'random' | 'contenttype', string> {
  const identifier = options.identifier ?? 'administrator';
  return {
    sdkappid: String(app.sdkappid),
    identifier,
    usersig: signUserSig({
      sdkappid: app.sdkappid,
      secretKey: app.secretKey,
      identifier,
      lifetimeSeconds: options.expireSeconds ?? 86_400,
      nowMs: atMs,
    }),
    random: '7',
    contenttype: 'json',
  };
}

/** A catalogue text with values (`{sdkappid}`) as a pattern: each value is a number. */
export function textPattern(info: string): RegExp {
  const parts = info.split(/\{\w+\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('\\d+')}$`);
}

/**
 * Asserts the fake's promise for any answer: HTTP 200, `application/json`, a body that parses as the
 * schema's success or failure envelope, with a code from the catalogue (and, for a failure, the
 * catalogue's text). Returns the parsed envelope.
 */
export function expectEnvelope(
  status: number,
  contentType: string | undefined,
  text: string,
): ResponseEnvelope {
  expect(status).toBe(200);
  expect(contentType).toMatch(/^application\/json/);
  const json = JSON.parse(text);
  const envelope = ResponseEnvelopeSchema.parse(json);
  if (envelope.ErrorCode !== 0) {
    expect(isKnownErrorCode(envelope.ErrorCode), `ErrorCode ${envelope.ErrorCode} in the catalogue`).toBe(
      true,
    );
    // Exactly the gateway's keys in its order, and the catalogue's text (its values, if any, filled in).
    expect(Object.keys(json)).toEqual([...FAILURE_ENVELOPE_KEYS]);
    const info = ERROR_CODES[envelope.ErrorCode as ErrorCode].info;
    const text = FailureEnvelopeSchema.parse(envelope).ErrorInfo;
    if (hasErrorInfoValues(envelope.ErrorCode)) expect(text).toMatch(textPattern(info));
    else expect(text).toBe(info);
  }
  return envelope;
}

/** A raw HTTP answer read off a socket: status line, lower-cased headers and body. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Parses one HTTP/1.1 answer with a `content-length` body; `undefined` when there is none. */
export function parseRawAnswer(raw: Buffer): RawAnswer | undefined {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(statusLine?.match(/^HTTP\/1\.1 (\d{3}) /)?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const length = Number(headers['content-length']);
  const body = raw.subarray(end + 4, end + 4 + length);
  if (Number.isNaN(status) || body.length !== length) return undefined;
  return { status, headers, body: body.toString('utf8') };
}

/**
 * Opens a raw TCP connection, writes `chunks` (with `gapMs` between them), and resolves with every
 * byte received until the server closes the connection (or `timeoutMs` passes: then `timedOut`).
 */
export function rawExchange(
  port: number,
  chunks: readonly (string | Buffer)[],
  options: { gapMs?: number; timeoutMs?: number; endAfterWrite?: boolean } = {},
): Promise<{ data: Buffer; timedOut: boolean; closedAtMs: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const received: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      socket.destroy();
    }, options.timeoutMs ?? 5000);
    socket.on('data', (d) => received.push(d));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ data: Buffer.concat(received), timedOut, closedAtMs: performance.now() - started });
    });
    socket.on('connect', async () => {
      for (const chunk of chunks) {
        if (socket.destroyed) return;
        socket.write(chunk);
        if (options.gapMs) await new Promise((r) => setTimeout(r, options.gapMs));
      }
      if (options.endAfterWrite) socket.end();
    });
  });
}
