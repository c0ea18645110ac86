/**
 * The full-run secret scan: drives a broad, realistic run through real HTTP on loopback and the real
 * command lines, captures every text any of it produces, and asserts that no configured secret key, no
 * admin token and no UserSig that was sent appears anywhere in it.
 *
 * Captured: every log line of the fake at `trace` (through a pino stream of this test), every answer
 * (status, headers, body) to the scenario's calls, every admin answer (journal, faults, apps, health),
 * every error message of the in-process controls and options, stdout and stderr of the `timock`
 * command (config errors, `serve` at trace with requests, `usersig`, `record` failures), and the
 * `timock-contract` command (its published bin) reports (pretty, json, junit) run against the fake with
 * a key.
 *
 * Why one suite and not a hook around the whole vitest run: the other suites start their fakes with
 * logging off and in other worker processes, so a global hook would see little and could not tell a
 * secret a test printed on purpose from a leak; here every source is captured on purpose, the scenario
 * is known to reach each code path (asserted step by step), and the scanner is checked to find a
 * planted secret.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { buildServer, inspectUserSig, type MockControls, signUserSig } from '@timock/mock-server';
import { ADMIN_PREFIX, GETAPPINFO_PATH } from '@timock/schema';
import { findRedisServer, NO_REDIS_SERVER, startRedisServer } from '@timock/test-support';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type FastifyInstance = ReturnType<typeof buildServer>;

// ------------------------------------------------------------------ the secrets

/** Keys with characters that URL encoding changes, so the encoded forms differ from the raw ones. */
const APP_A = {
  sdkappid: 1400000101,
  secretKey: 'scanA+/=7c1e0b9d54f2a86e3b1c0d9f8e7a6b5c4d3e2f1a',
  admins: ['administrator'],
};
const APP_B = {
  sdkappid: 1400000102,
  secretKey: 'scanB 9f3a1d7e&c2b8?46a0e5d1c3b7f9a2e4d6c8b0a1',
  admins: ['ops'],
};
/** Added at run time through the admin API. */
const APP_C = {
  sdkappid: 1400000103,
  secretKey: 'scanC%2Fd41c8b7e2f9a0b3c6d5e4f3a2b1c0d9e8f7a6',
  admins: ['admin2'],
};
/** Only in the config files of the `timock` command. */
const CLI_KEY = 'scanCli#5e2d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1';
/** Only given to `timock usersig` and `timock record`. */
const TOOL_KEY = 'scanTool!a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const ADMIN_TOKEN = 'scan-admin-token-3f9d2c1b0a9e8d7c6b5a';
const SECRET_KEYS = [APP_A.secretKey, APP_B.secretKey, APP_C.secretKey, CLI_KEY, TOOL_KEY, ADMIN_TOKEN];
const SECRET_APPS = [
  APP_A,
  APP_B,
  APP_C,
  { ...APP_A, secretKey: CLI_KEY },
  { ...APP_A, secretKey: TOOL_KEY },
];

// ------------------------------------------------------------------ the scanner

/** One captured text and where it came from. */
interface Captured {
  source: string;
  text: string;
}

/** The forms a secret may take in text: as is, URL-encoded (both ways), base64 and base64url. */
function encodings(secret: string): string[] {
  const b64 = Buffer.from(secret).toString('base64');
  return [
    ...new Set([
      secret,
      encodeURIComponent(secret),
      new URLSearchParams({ x: secret }).toString().slice(2),
      b64,
      b64.replace(/=+$/, ''),
      Buffer.from(secret).toString('base64url'),
      JSON.stringify(secret).slice(1, -1),
    ]),
  ];
}

/** Every 10-character piece of a key: a quoted excerpt (V8's JSON messages quote 10 characters around the error) is a leak too. */
const pieces = (key: string): string[] =>
  Array.from({ length: Math.max(1, key.length - 9) }, (_, i) => key.slice(i, i + 10));

/** Text that looks like a UserSig: zlib's header base64-encodes to `eJ`, then the URL-safe alphabet. */
const USERSIG_LIKE = /eJ[A-Za-z0-9*_-]{30,}/g;

/** The SDKAppID and identifier inside a UserSig-like token, when it decodes. */
function decodeToken(token: string): { sdkappid: number; identifier: string } | undefined {
  try {
    const b64 = token.replace(/[*\-_]/g, (c) => (c === '*' ? '+' : c === '-' ? '/' : '='));
    const doc = JSON.parse(inflateSync(Buffer.from(b64, 'base64')).toString('utf8'));
    return { sdkappid: doc['TLS.sdkappid'], identifier: doc['TLS.identifier'] };
  } catch {
    return undefined;
  }
}

/**
 * Every leak in `captured`: a key or token (in any of its encodings, or a 10-character piece of a key),
 * a UserSig that was sent (as is or URL-encoded), or any UserSig signed with a secret key (also one
 * that was never sent, like a start-up banner's).
 */
function findLeaks(
  captured: readonly Captured[],
  keys: readonly string[],
  userSigs: Iterable<string>,
  apps: readonly { sdkappid: number; secretKey: string }[],
): string[] {
  const needles = new Map<string, string>();
  for (const key of keys) {
    for (const form of encodings(key)) needles.set(form, `a secret key or token (${form.slice(0, 6)}...)`);
    for (const piece of pieces(key)) if (!needles.has(piece)) needles.set(piece, 'a piece of a secret key');
  }
  for (const sig of userSigs) {
    for (const form of [sig, encodeURIComponent(sig)]) needles.set(form, 'a UserSig that was sent');
  }
  const leaks: string[] = [];
  for (const { source, text } of captured) {
    for (const [needle, what] of needles) if (text.includes(needle)) leaks.push(`${source}: ${what}`);
    for (const token of text.match(USERSIG_LIKE) ?? []) {
      const doc = decodeToken(token);
      if (!doc) continue;
      for (const app of apps) {
        const seen = inspectUserSig(token, { ...app, identifier: doc.identifier });
        if ('hmacOk' in seen && seen.hmacOk) leaks.push(`${source}: a UserSig signed with a secret key`);
      }
    }
  }
  return leaks;
}

// ------------------------------------------------------------------ capture

const captured: Captured[] = [];
const capture = (source: string, text: string) => captured.push({ source, text });
/** Every `usersig` value the fakes received, from anyone (this scenario, the CLIs, the contract suite). */
const sentUserSigs = new Set<string>();
const logLines: string[] = [];

const T0 = Date.now();
const sign = (app: { sdkappid: number; secretKey: string }, identifier: string, at = T0, expire = 86_400) =>
  signUserSig({ ...app, identifier, nowMs: at, lifetimeSeconds: expire });

/** A fake at trace level whose log lines go to `logLines`, and that records every UserSig it receives. */
async function traced(
  options: Parameters<typeof buildServer>[0],
): Promise<{ app: FastifyInstance; url: string }> {
  const app = buildServer({
    ...options,
    logger: { level: 'trace', stream: { write: (line: string) => void logLines.push(line) } },
    bodyLimit: 65536,
  });
  app.addHook('onRequest', (req, _reply, done) => {
    const sig = (req.query as Record<string, unknown> | undefined)?.usersig;
    for (const s of [sig].flat()) if (typeof s === 'string' && s.length >= 20) sentUserSigs.add(s);
    done();
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  return { app, url: `http://127.0.0.1:${port}` };
}

let open: FastifyInstance;
let guarded: FastifyInstance;
let url: string;
let guardedUrl: string;

beforeAll(async () => {
  ({ app: open, url } = await traced({ apps: [APP_A, APP_B] }));
  ({ app: guarded, url: guardedUrl } = await traced({ apps: [APP_A], adminToken: ADMIN_TOKEN }));
});
afterAll(async () => {
  await open?.close();
  await guarded?.close();
});

/** One HTTP call; its status, headers and body are captured. */
async function call(
  base: string,
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
  // biome-ignore lint/suspicious/noExplicitAny: tests inspect arbitrary JSON
): Promise<{ status: number; text: string; json: any }> {
  const res = await request(`${base}${path}`, {
    method: method as 'POST',
    ...(body !== undefined ? { body } : {}),
    headers: { 'content-type': 'application/json', ...headers },
  }).catch((error: Error) => ({ error }));
  const where = `${method} ${path.split('?')[0]}`;
  if ('error' in res) {
    capture(`${where} (error)`, String(res.error));
    return { status: 0, text: '', json: undefined };
  }
  const text = await res.body.text().catch((error: Error) => String(error));
  capture(where, `${res.statusCode} ${JSON.stringify(res.headers)} ${text}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, text, json };
}

const ROUTE = `/${GETAPPINFO_PATH}`;
const query = (app: { sdkappid: number }, identifier: string, usersig: string, name = 'usersig') =>
  `?sdkappid=${app.sdkappid}&identifier=${identifier}&${name}=${encodeURIComponent(usersig)}&random=7&contenttype=json`;
const api = (app: { sdkappid: number }, identifier: string, usersig: string, body = '{}', name?: string) =>
  call(url, 'POST', `${ROUTE}${query(app, identifier, usersig, name)}`, body);
const admin = (method: string, path: string, body?: unknown, base = url, headers = {}) =>
  call(
    base,
    method,
    `${ADMIN_PREFIX}${path}`,
    typeof body === 'string' ? body : JSON.stringify(body),
    headers,
  );

// ------------------------------------------------------------------ the scenario

describe('the scanner', () => {
  it('finds a planted key in every encoding, a piece of it, a sent UserSig and one signed with a secret key', () => {
    const sig = sign(APP_A, 'administrator');
    const unsent = sign(APP_B, 'ops');
    const planted = [
      ...encodings(APP_B.secretKey).map((text, i) => ({ source: `encoding ${i}`, text: `x${text}x` })),
      { source: 'piece', text: `Unexpected token, ..."${APP_C.secretKey.slice(3, 20)}"...` },
      { source: 'sent', text: `url=/v4?usersig=${encodeURIComponent(sig)}` },
      { source: 'unsent', text: `curl 'http://x/?usersig=${unsent}&random=1'` },
    ];
    const leaks = findLeaks(planted, SECRET_KEYS, [sig], SECRET_APPS);
    for (const p of planted)
      expect(
        leaks.some((l) => l.startsWith(`${p.source}:`)),
        p.source,
      ).toBe(true);
    const clean = [
      { source: 'clean', text: `usersig=[redacted] ${sign({ sdkappid: 1, secretKey: 'public' }, 'a')}` },
    ];
    expect(findLeaks(clean, SECRET_KEYS, [sig], SECRET_APPS)).toEqual([]);
  });
});

describe('a broad run', () => {
  it('good and bad UserSigs, through every check of the route', async () => {
    const good = sign(APP_A, 'administrator');
    expect((await api(APP_A, 'administrator', good)).json.ErrorCode).toBe(0);
    expect((await api(APP_B, 'ops', sign(APP_B, 'ops'))).json.ErrorCode).toBe(0);
    const expired = sign(APP_A, 'administrator', T0 - 3 * 86_400_000, 60);
    expect((await api(APP_A, 'administrator', expired)).json.ErrorCode).toBe(70001);
    expect(
      (await api(APP_A, 'administrator', sign({ ...APP_A, secretKey: 'other' }, 'administrator'))).json
        .ErrorCode,
    ).toBe(70009);
    expect(await api(APP_A, 'administrator', sign(APP_A, 'someone')).then((r) => r.json.ErrorCode)).toBe(
      70013,
    );
    expect((await api(APP_A, 'administrator', sign(APP_B, 'administrator'))).json.ErrorCode).toBe(70014);
    expect((await api(APP_A, 'administrator', good.slice(0, good.length - 9))).json.ErrorCode).toBe(70003);
    const mutated = `${good.slice(0, 60)}${good[60] === 'A' ? 'B' : 'A'}${good.slice(61)}`;
    expect((await api(APP_A, 'administrator', mutated)).json.ErrorCode).not.toBe(0);
    // The parameter's name percent-encoded, in upper case, repeated; the UserSig in the body too.
    expect((await api(APP_A, 'administrator', good, '{}', 'user%73ig')).json.ErrorCode).toBe(0);
    await api(APP_A, 'administrator', good, '{}', 'USERSIG');
    await call(url, 'POST', `${ROUTE}${query(APP_A, 'administrator', good)}&usersig=${good}`, '{}');
    await api(APP_A, 'administrator', good, JSON.stringify({ RequestField: [good], usersig: good }));
    await api(APP_A, 'administrator', good, `{"usersig": ${good}`);
    await call(url, 'GET', `${ROUTE}${query(APP_A, 'administrator', good)}`);
    await call(url, 'POST', `/v4/unknown${query(APP_A, 'administrator', good)}`, '{}');
    await call(url, 'POST', `${ROUTE}%${query(APP_A, 'administrator', good)}`, '{}');
    // Oversized body: refused with 130001.
    expect(
      (await api(APP_A, 'administrator', good, `{"RequestField":["${'x'.repeat(70_000)}"]}`)).json.ErrorCode,
    ).toBe(130001);
    // Every refusal says why in x-timock-reason (a loopback caller of an open fake): scanned with the rest.
    const reasons = captured.flatMap((c) => c.text.match(/"x-timock-reason":"[^"]*"/g) ?? []).join('\n');
    for (const code of [
      'expired',
      'HMAC does not match',
      "identifier 'someone'",
      'SDKAppID 1400000102',
      'usersig ',
      'body is larger',
    ]) {
      expect(reasons).toContain(code);
    }
  });

  it('the 70500 path (the shared store unreachable) and two replicas sharing a real Redis', async () => {
    const good = sign(APP_A, 'administrator');
    // Nothing listens on port 1: every call answers 70500, and the outage is logged.
    const down = await traced({
      apps: [APP_A],
      redis: { url: 'redis://127.0.0.1:1', commandTimeoutMs: 200 },
    });
    try {
      const res = await call(down.url, 'POST', `${ROUTE}${query(APP_A, 'administrator', good)}`, '{}');
      expect(res.json.ErrorCode).toBe(70500);
      await call(down.url, 'GET', `${ADMIN_PREFIX}/ready`);
      await call(down.url, 'GET', `${ADMIN_PREFIX}/requests`);
    } finally {
      await down.app.close();
    }
    const binary = findRedisServer();
    if (binary === undefined) {
      console.warn(`replica part skipped: ${NO_REDIS_SERVER}`);
      return;
    }
    const redis = await startRedisServer(binary);
    const replicas = [
      await traced({ apps: [APP_A], redis: { url: redis.url, keyPrefix: 'scan' } }),
      await traced({ apps: [APP_A], redis: { url: redis.url, keyPrefix: 'scan' } }),
    ];
    try {
      for (const [i, r] of replicas.entries()) {
        const res = await call(r.url, 'POST', `${ROUTE}${query(APP_A, 'administrator', good)}`, '{}');
        expect(res.json.ErrorCode, `replica ${i}`).toBe(0);
        await call(
          r.url,
          'POST',
          `${ROUTE}${query(APP_A, 'administrator', sign({ ...APP_A, secretKey: 'other' }, 'administrator'))}`,
          '{}',
        );
      }
      await call(
        replicas[0]!.url,
        'POST',
        `${ADMIN_PREFIX}/faults`,
        JSON.stringify({ errorCode: 70169, times: 1 }),
      );
      await call(replicas[1]!.url, 'POST', `${ROUTE}${query(APP_A, 'administrator', good)}`, '{}');
      // The journal every replica shares, and what Redis itself holds.
      await call(replicas[1]!.url, 'GET', `${ADMIN_PREFIX}/requests`);
      const dump = await new Promise<string>((resolve) => {
        const socket = connect(redis.port, '127.0.0.1');
        let text = '';
        socket.on('data', (d) => (text += d));
        socket.write('KEYS *\r\n');
        setTimeout(() => {
          socket.destroy();
          resolve(text);
        }, 200);
      });
      capture('redis KEYS', dump);
      expect(dump).toContain('scan');
    } finally {
      for (const r of replicas) await r.app.close();
      await redis.close();
    }
  });

  it('every fault kind, from rules and from the header', async () => {
    const good = sign(APP_A, 'administrator');
    for (const rule of [
      { errorCode: 130011 },
      { httpStatus: 502 },
      { delayMs: 5, errorCode: 70169 },
      { drop: true },
      { truncate: true },
      { fields: ['ChainIncrease'], errorCode: 130011 },
    ]) {
      expect((await admin('POST', '/faults', { ...rule, sdkappid: APP_A.sdkappid, times: 1 })).status).toBe(
        201,
      );
      await api(APP_A, 'administrator', good, JSON.stringify({ RequestField: ['ChainIncrease'] }));
    }
    for (const value of [
      'code=130011',
      'status=503',
      'delay=5,code=70169',
      'drop',
      'truncate',
      'code=1',
      `bogus=${good}`,
    ]) {
      await call(url, 'POST', `${ROUTE}${query(APP_A, 'administrator', good)}`, '{}', {
        'x-timock-fault': value,
      });
    }
    // With a token: the header needs it too.
    const guardedQuery = query(APP_A, 'administrator', good);
    for (const token of [undefined, 'wrong-token-123', ADMIN_TOKEN]) {
      await call(guardedUrl, 'POST', `${ROUTE}${guardedQuery}`, '{}', {
        'x-timock-fault': 'code=130011',
        ...(token ? { 'x-timock-admin-token': token } : {}),
      });
    }
    expect((await admin('GET', '/faults')).json.faults.length).toBeGreaterThanOrEqual(6);
  });

  it('apps and data overrides through the admin API, refusals included', async () => {
    expect((await admin('POST', '/apps', APP_C)).status).toBe(201);
    expect((await admin('POST', '/apps', APP_C)).status).toBe(409);
    expect(
      (await admin('POST', '/apps', { ...APP_C, sdkappid: 1400000199, rateLimitPerSecond: -1 })).status,
    ).toBe(400);
    expect((await admin('POST', '/apps', { ...APP_C, sdkappid: 'x', extra: APP_C.secretKey })).status).toBe(
      400,
    );
    // Not JSON, with the key around the place where parsing fails.
    expect((await admin('POST', '/apps', `{"secretKey":"${APP_C.secretKey}", "sdkappid": x}`)).status).toBe(
      400,
    );
    expect((await admin('POST', '/apps', `{"sdkappid":1,"secretKey":${APP_C.secretKey}}`)).status).toBe(400);
    expect(
      (await admin('POST', '/apps', `{"secretKey":"${APP_C.secretKey}"${' '.repeat(1 << 20)}}`)).status,
    ).toBe(413);
    expect((await api(APP_C, 'admin2', sign(APP_C, 'admin2'))).json.ErrorCode).toBe(0);
    expect(
      (
        await admin('PUT', `/apps/${APP_A.sdkappid}/days`, {
          days: [{ Date: '20250309', ActiveUserNum: '5' }],
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await admin('PUT', `/apps/${APP_A.sdkappid}/days`, {
          days: [{ Date: 'x', secretKey: APP_A.secretKey }],
        })
      ).status,
    ).toBe(400);
    expect((await admin('PUT', '/apps/99/days', { days: [{ Date: '20250309' }] })).status).toBe(404);
    await admin('PUT', '/clock', { now: '2025-03-10T12:00:00+08:00' });
    await admin('PUT', '/clock', { now: APP_A.secretKey });
    await admin('DELETE', '/clock');
    for (const path of [
      '/health',
      '/apps',
      '/faults',
      '/requests',
      '/requests?limit=5&code=0',
      '/requests/count',
      '/requests?since=x',
    ]) {
      await admin('GET', path);
    }
    // The guarded fake: no token, a wrong one, the right one.
    for (const auth of [undefined, 'Bearer wrong-token-123', `Bearer ${ADMIN_TOKEN}`]) {
      await admin('GET', '/requests', undefined, guardedUrl, auth ? { authorization: auth } : {});
      await admin('POST', '/apps', APP_C, guardedUrl, auth ? { authorization: auth } : {});
    }
  });

  it('in-process controls and options: their errors', () => {
    const errors: unknown[] = [];
    const attempt = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        errors.push(error);
      }
    };
    const { data } = (open as unknown as { timock: MockControls }).timock;
    attempt(() => data.addApp({ ...APP_B, rateLimitPerSecond: 0 }));
    attempt(() => data.addApp({ ...APP_A, sdkappid: APP_A.sdkappid }));
    attempt(() => buildServer({ apps: [APP_A, { ...APP_A }], adminToken: 'short' }));
    attempt(() => buildServer({ apps: [{ ...APP_B, admins: [] }], adminToken: `${ADMIN_TOKEN} x` }));
    expect(errors).toHaveLength(4);
    for (const e of errors) capture('in-process error', `${String(e)} ${JSON.stringify(e)}`);
  });

  it('malformed HTTP on a raw socket, the UserSig in the request line', async () => {
    const good = sign(APP_A, 'administrator');
    const { port } = open.server.address() as { port: number };
    const path = `${ROUTE}${query(APP_A, 'administrator', good)}`;
    for (const raw of [
      `POST ${path} HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n`,
      `POST ${path} HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n{}`,
      `P\0ST ${path} HTTP/1.1\r\n\r\n`,
    ]) {
      const answer = await new Promise<string>((resolve) => {
        const chunks: Buffer[] = [];
        const socket = connect({ host: '127.0.0.1', port }, () => socket.end(raw));
        socket.on('data', (d) => chunks.push(d));
        socket.on('error', () => undefined);
        socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
      });
      capture('raw socket', answer);
      expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    }
  });

  it('the timock command: config errors, serve at trace, usersig, record failures', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'timock-scan-'));
    const file = (name: string, text: string) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };
    const app = { sdkappid: APP_A.sdkappid, secretKey: CLI_KEY, admins: ['administrator'] };
    const runs = await Promise.all([
      timock([
        '--config',
        file('invalid.json', JSON.stringify({ apps: [{ ...app, rateLimitPerSecond: 'x' }], seed: -1 })),
      ]),
      timock([
        '--config',
        file('unknown.json', JSON.stringify({ apps: [app], secretKey: CLI_KEY, extra: 1 })),
      ]),
      timock(['--config', file('broken.json', `{"apps":[{"secretKey":"${CLI_KEY}", "sdkappid": x}]}`)]),
      timock(['--config', file('bare.json', `{"apps":[{"secretKey":${CLI_KEY}}]}`)]),
      timock(['--config', file('dup.json', JSON.stringify({ apps: [app, app] }))]),
      timock(['usersig', '--sdkappid', String(APP_A.sdkappid), '--identifier', 'administrator'], {
        TIMOCK_SECRET_KEY: TOOL_KEY,
      }),
      timock(['usersig', '--sdkappid', 'x', '--identifier', 'a'], { TIMOCK_SECRET_KEY: TOOL_KEY }),
      timock(
        ['record', '--upstream', url, '--sdkappid', String(APP_A.sdkappid), '--out', join(dir, 'f.json')],
        { TIMOCK_SECRET_KEY: TOOL_KEY },
      ),
      timock(
        [
          'record',
          '--upstream',
          'http://127.0.0.1:1',
          '--sdkappid',
          '1400000101',
          '--out',
          join(dir, 'g.json'),
        ],
        { TIMOCK_SECRET_KEY: TOOL_KEY },
      ),
      timock([
        'record',
        '--upstream',
        url,
        '--sdkappid',
        '1400000101',
        '--secret-key',
        TOOL_KEY,
        '--out',
        join(dir, 'no/such/dir/f.json'),
      ]),
    ]);
    const [invalid, unknown, broken, bare, dup, usersig, badUsersig, wrongKey, refused] = runs;
    for (const r of [invalid, unknown, broken, bare, dup, badUsersig]) expect(r!.code).toBe(2);
    for (const r of [wrongKey, refused]) expect(r!.code).toBe(1);
    expect(wrongKey!.stderr).toMatch(/ErrorCode 70009/);
    // `timock usersig` prints a UserSig: its product, not a leak. It is checked here, then left out of
    // the scan and sent to the fake (so it is scanned for everywhere else).
    expect(usersig!.code).toBe(0);
    expect(usersig!.stderr).toBe('');
    const product = usersig!.stdout.trim();
    expect(product).not.toContain(TOOL_KEY);
    const sig = inspectUserSig(product, { ...APP_A, secretKey: TOOL_KEY, identifier: 'administrator' });
    expect(sig).toMatchObject({ hmacOk: true });
    sentUserSigs.add(product);
    // `timock usersig inspect` on it: valid with the key (from the environment or a flag), invalid with
    // another; its output names neither the key nor the UserSig.
    const inspected = await Promise.all([
      timock(
        [
          'usersig',
          'inspect',
          product,
          '--sdkappid',
          String(APP_A.sdkappid),
          '--identifier',
          'administrator',
        ],
        {
          TIMOCK_SECRET_KEY: TOOL_KEY,
        },
      ),
      timock(['usersig', 'inspect', encodeURIComponent(product), '--secret-key', TOOL_KEY, '--json']),
      timock(['usersig', 'inspect', product, '--secret-key', APP_A.secretKey]),
      timock(['usersig', 'inspect', `${product.slice(0, 40)}!`, '--secret-key', TOOL_KEY]),
    ]);
    expect(inspected.map((r) => r.code)).toEqual([0, 0, 1, 1]);
    expect(inspected[2]!.stdout).toContain('invalid: HMAC does not match');
    for (const [i, r] of inspected.entries()) {
      capture(`timock usersig inspect ${i} stdout`, r.stdout);
      capture(`timock usersig inspect ${i} stderr`, r.stderr);
    }
    for (const [i, r] of runs.entries()) {
      capture(`timock run ${i} stderr`, r!.stderr);
      if (r !== usersig) capture(`timock run ${i} stdout`, r!.stdout);
    }

    // `timock serve` with a private key at trace level: banner, request logs, shutdown.
    const config = file('serve.json', JSON.stringify({ apps: [app, { ...APP_B, secretKey: CLI_KEY }] }));
    chmodSync(config, 0o644);
    const served = await timockServe(['--config', config, '--log-level', 'trace'], async (base) => {
      const good = sign(app, 'administrator');
      sentUserSigs.add(good);
      for (const name of ['usersig', 'user%73ig', 'UserSig']) {
        const res = await request(`${base}${ROUTE}${query(app, 'administrator', good, name)}`, {
          method: 'POST',
          body: '{}',
        });
        capture('timock serve answer', await res.body.text());
      }
      const bad = await request(`${base}${ADMIN_PREFIX}/apps`, {
        method: 'POST',
        body: `{"secretKey":"${CLI_KEY}" x}`,
      });
      capture('timock serve admin answer', await bad.body.text());
    });
    expect(served.stdout).toMatch(/serving getappinfo at/);
    expect(served.stdout).toMatch(/"msg":"request completed"/);
    expect(served.stderr).toMatch(/warning: config file .* holds secret keys/);
    capture('timock serve stdout', served.stdout);
    capture('timock serve stderr', served.stderr);
  }, 30_000);

  it('the timock-contract reports (pretty, json, junit) against the fake with a key', async () => {
    const env = {
      TIM_SECRET_KEY: APP_A.secretKey,
      TIM_SDKAPPID: String(APP_A.sdkappid),
      TIM_BASE_URL: url,
      TIM_IDENTIFIER: 'administrator',
    };
    await admin('POST', '/reset');
    for (const reporter of ['pretty', 'json', 'junit']) {
      const run = await timockContract(['--target', 'mock', '--reporter', reporter], env);
      expect(run.code).toBe(0);
      capture(`contract ${reporter} report`, run.stdout);
      capture(`contract ${reporter} stderr`, run.stderr);
    }
    // A failing run shows requests and answers in its report: against the wrong key.
    const failing = await timockContract(
      ['--target', 'mock', '--reporter', 'json', '--only', 'shape.', '--only', 'auth.'],
      { ...env, TIM_SECRET_KEY: APP_B.secretKey },
    );
    expect(failing.code).toBe(1);
    capture('contract failing report', failing.stdout + failing.stderr);
  }, 60_000);

  it('ends with the journal, every admin view and the complete log', async () => {
    for (const base of [url, guardedUrl]) {
      const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
      for (const path of ['/requests', '/faults', '/apps', '/health', '/clock'])
        await admin('GET', path, undefined, base, auth);
    }
    expect((await admin('POST', '/reset')).status).toBe(200);
    expect((await api(APP_A, 'administrator', sign(APP_A, 'administrator'))).json.ErrorCode).toBe(0);
    // The capture saw what it should: trace lines, client errors, admin errors, every kind of answer.
    const log = logLines.join('');
    expect(log).toMatch(/"msg":"request completed"/);
    expect(log).toMatch(/"msg":"client error"/);
    expect(log).toMatch(/"code":70009/);
    expect(logLines.length).toBeGreaterThan(100);
    capture('fake log', log);
    expect(sentUserSigs.size).toBeGreaterThan(15);
  });
});

describe('the scan', () => {
  it('finds no secret key, token or UserSig in anything captured', () => {
    expect(captured.length).toBeGreaterThan(100);
    const leaks = findLeaks(captured, SECRET_KEYS, sentUserSigs, SECRET_APPS);
    expect(leaks).toEqual([]);
  });
});

// ------------------------------------------------------------------ the timock command

const resolvePackage = (name: string) =>
  dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
const MOCK_SERVER_DIR = resolvePackage('@timock/mock-server');
const CONTRACT_TESTS_DIR = resolvePackage('@timock/contract-tests');

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Spawns `timock` (its published bin) with `args`; `whileUp` runs once it prints its URL, then SIGTERM. */
function spawnTimock(
  args: string[],
  env: Record<string, string>,
  whileUp?: (url: string) => Promise<void>,
): Promise<Ran> {
  return spawnBin(MOCK_SERVER_DIR, 'bin/timock.js', args, env, whileUp);
}

/** Runs `timock-contract` (its published bin) with `args` to its end, uncoloured. */
function timockContract(args: string[], env: Record<string, string>): Promise<Ran> {
  return spawnBin(CONTRACT_TESTS_DIR, 'bin/timock-contract.js', args, { NO_COLOR: '1', ...env });
}

/**
 * Spawns a package's bin (relative to its directory) with none of the caller's `TIM*` variables;
 * `whileUp` runs once it prints a `serving getappinfo at` URL, then SIGTERM.
 */
function spawnBin(
  cwd: string,
  bin: string,
  args: string[],
  env: Record<string, string>,
  whileUp?: (url: string) => Promise<void>,
): Promise<Ran> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TIM')));
  const child = spawn(process.execPath, [bin, ...args], {
    cwd,
    env: { ...base, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let started = false;
  child.stdout.on('data', (d) => {
    stdout += d;
    const m = stdout.match(/serving getappinfo at (\S+)\n/);
    if (m && whileUp && !started) {
      started = true;
      whileUp(m[1]!).finally(() => child.kill('SIGTERM'));
    }
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

const timock = (args: string[], env: Record<string, string> = {}) => spawnTimock(args, env);
const timockServe = (args: string[], whileUp: (url: string) => Promise<void>) =>
  spawnTimock(['--port', '0', ...args], {}, whileUp);
