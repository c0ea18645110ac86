/**
 * Helpers shared by this package's tests (not exported from the package).
 */
import { GETAPPINFO_PATH } from '@timock/schema';
import type { FastifyInstance } from 'fastify';
import { request } from 'undici';
import { signUserSig } from '../src/usersig.js';

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
): Record<string, string> {
  const identifier = options.identifier ?? 'administrator';
  return {
    sdkappid: String(app.sdkappid),
    identifier,
    usersig: signUserSig({
      sdkappid: app.sdkappid,
      secretKey: app.secretKey,
      identifier,
      expireSeconds: options.expireSeconds ?? 86_400,
      nowSeconds: Math.floor(atMs / 1000),
    }),
    random: '7',
    contenttype: 'json',
  };
}
