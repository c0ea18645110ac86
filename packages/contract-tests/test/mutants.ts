/**
 * Deliberately broken servers: each is a proxy in front of the true fake that breaks one promise of
 * the contract. The suite must fail each one in the named check.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

type Json = Record<string, unknown> & { ErrorCode?: unknown; Result?: Record<string, unknown>[] };

/** How a mutant bends one exchange. */
export interface Mutation {
  /** Rewrites the request (query string and body) before it goes upstream. */
  request?: (query: URLSearchParams, body: string) => { query: URLSearchParams; body: string };
  /** Rewrites the parsed answer; may change the HTTP status. */
  answer?: (
    json: Json,
    status: number,
    query: URLSearchParams,
  ) => Promise<{ json: unknown; status: number }> | { json: unknown; status: number };
}

/** A mutant proxy listening on loopback. */
export interface Mutant {
  readonly url: string;
  close(): Promise<void>;
}

const read = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
};

/** Starts a proxy to `upstream` that applies `m` to every exchange. */
export async function startMutant(upstream: string, m: Mutation): Promise<Mutant> {
  const server = createServer(async (req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    let query = u.searchParams;
    let body = await read(req);
    if (m.request) ({ query, body } = m.request(query, body));
    const up = await request(`${upstream}${u.pathname}?${query}`, {
      method: req.method as 'POST',
      body: req.method === 'GET' ? undefined : body,
      headers: { 'content-type': 'application/json' },
    });
    let status = up.statusCode;
    let json: unknown = await up.body.json();
    if (m.answer) ({ json, status } = await m.answer(json as Json, status, query));
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(json));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

const mapDays = (json: Json, f: (d: Record<string, unknown>) => Record<string, unknown>) =>
  Array.isArray(json.Result) ? { ...json, Result: json.Result.map(f) } : json;

/** Each mutant, with the check that must catch it. */
export const MUTANTS: Record<
  string,
  { check: string; mutation: (upstream: string, goodQuery: () => URLSearchParams) => Mutation }
> = {
  'numbers instead of strings': {
    check: 'shape.values',
    mutation: () => ({
      answer: (json, status) => ({
        status,
        json: mapDays(json, (d) =>
          Object.fromEntries(
            Object.entries(d).map(([k, v]) => [
              k,
              typeof v === 'string' && /^\d+$/.test(v) && k !== 'Date' ? Number(v) : v,
            ]),
          ),
        ),
      }),
    }),
  },
  'oldest day first': {
    check: 'shape.order',
    mutation: () => ({
      answer: (json, status) => ({
        status,
        json: Array.isArray(json.Result) ? { ...json, Result: [...json.Result].reverse() } : json,
      }),
    }),
  },
  '31 days': {
    check: 'shape.days',
    mutation: () => ({
      answer: (json, status) => {
        if (!Array.isArray(json.Result) || json.Result.length === 0) return { status, json };
        const last = json.Result.at(-1)!;
        const d = String(last.Date);
        const t = Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8)) - 86_400_000;
        const Date_ = new Date(t).toISOString().slice(0, 10).replaceAll('-', '');
        return { status, json: { ...json, Result: [...json.Result, { ...last, Date: Date_ }] } };
      },
    }),
  },
  'RequestField ignored': {
    check: 'filtering.one',
    mutation: () => ({ request: (query) => ({ query, body: '{}' }) }),
  },
  'garbage UserSig accepted': {
    check: 'auth.garbage',
    mutation: (upstream, goodQuery) => ({
      answer: async (json, status, query) => {
        if (query.get('usersig') !== 'not*a*usersig') return { json, status };
        const up = await request(`${upstream}/v4/openconfigsvr/getappinfo?${goodQuery()}`, {
          method: 'POST',
          body: '{}',
        });
        return { json: await up.body.json(), status: up.statusCode };
      },
    }),
  },
  'HTTP 500 for an error': {
    check: 'request.invalid-json',
    mutation: () => ({ answer: (json, status) => ({ json, status: json.ErrorCode === 0 ? status : 500 }) }),
  },
  'ErrorCode as a string': {
    check: 'shape.envelope',
    mutation: () => ({
      answer: (json, status) => ({ status, json: { ...json, ErrorCode: String(json.ErrorCode) } }),
    }),
  },
  'Date as YYYY-MM-DD': {
    check: 'shape.values',
    mutation: () => ({
      answer: (json, status) => ({
        status,
        json: mapDays(json, (d) => ({
          ...d,
          Date: String(d.Date).replace(/^(\d{4})(\d{2})(\d{2})$/, '$1-$2-$3'),
        })),
      }),
    }),
  },
};
