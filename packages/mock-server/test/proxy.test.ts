import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FixtureSchema, GETAPPINFO_PATH } from '@timock/schema';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/run.js';
import { DEMO_APP, type StartedServer, startServer } from '../src/index.js';
import { startProxy } from '../src/proxy/proxy.js';
import { signedQuery } from './support.js';

let fake: StartedServer;
const query = () => new URLSearchParams(signedQuery(DEMO_APP, Date.now()));

/** POSTs `body` to getappinfo at `origin` (extra query parameters appended) and reads the raw answer. */
async function call(origin: string, body: string, extra = '') {
  const q = query();
  const res = await request(`${origin}/${GETAPPINFO_PATH}?${q}${extra}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
  });
  const bytes = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, contentType: res.headers['content-type'], bytes, sig: q.get('usersig')! };
}

/** A self-signed certificate for 127.0.0.1, and its key (PEM). */
async function loopbackCertificate(): Promise<{ private: string; cert: string }> {
  const { generate } = await import('selfsigned');
  return generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  fake = await startServer({ port: 0 });
});
afterAll(() => fake.close());

describe('timock proxy in front of the fake', () => {
  it('passes answers byte for byte and finds no violation', async () => {
    const lines: string[] = [];
    const proxy = await startProxy({ upstream: fake.url, log: (l) => lines.push(l) });
    try {
      const sigs: string[] = [];
      for (const body of ['{}', '{"RequestField":["ChainIncrease","ChainDecrease"]}', '{']) {
        const direct = await call(fake.url, body);
        const through = await call(proxy.url, body);
        sigs.push(through.sig);
        expect(through.status).toBe(direct.status);
        expect(through.contentType).toBe(direct.contentType);
        expect(through.bytes.equals(direct.bytes)).toBe(true);
      }
      const journal = proxy.journal();
      expect(journal.map((e) => [e.contract, e.code, e.fields?.length ?? null])).toEqual([
        ['pass', 0, 31],
        ['pass', 0, 2],
        ['pass', 130001, null],
      ]);
      const summary = proxy.summary();
      expect(Object.values(summary.checks).reduce((n, c) => n + c.failures, 0)).toBe(0);
      expect(summary.checks['relations.day'].passes).toBe(2);
      expect(summary.observations.successActionStatus).toEqual({ '(absent)': 2 });
      expect(Object.keys(summary.observations.refusals)).toEqual(['130001']);
      // The same summary and journal over HTTP, and no UserSig anywhere the proxy writes.
      const admin = await request(`${proxy.url}/__admin/contract`);
      expect(await admin.body.json()).toEqual(summary);
      const listed = await (await request(`${proxy.url}/__admin/requests`)).body.text();
      expect(listed).toContain('usersig=[redacted]');
      await proxy.close();
      const written = [listed, JSON.stringify(summary), ...lines].join('\n');
      for (const sig of sigs) expect(written).not.toContain(sig);
      expect(lines.at(-1)).toMatch(/observed refusal 130001/);
      expect(
        lines.some((l) => /^contract summary for .*: 3 calls, 3 getappinfo answers judged/.test(l)),
      ).toBe(true);
    } finally {
      await proxy.close().catch(() => undefined);
    }
  });
});

describe('timock proxy in front of a misbehaving upstream', () => {
  let bad: Server;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  beforeAll(async () => {
    // Each call asks the fake, then breaks its answer as the `break` query parameter says.
    bad = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const url = new URL(req.url ?? '/', 'http://x');
      const real = await call(fake.url, Buffer.concat(chunks).toString());
      const json = JSON.parse(real.bytes.toString()) as { Result: Record<string, unknown>[] } & Record<
        string,
        unknown
      >;
      const mode = url.searchParams.get('break');
      if (mode === 'numbers') json.Result[0]!.ActiveUserNum = 2014;
      if (mode === 'missing-day') json.Result.splice(3, 1);
      if (mode === 'unrequested') json.Result[1]!.AppName = 'x';
      if (mode === 'envelope') json.Surprise = 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    });
    proxy = await startProxy({ upstream: await listen(bad) });
  });
  afterAll(async () => {
    await proxy.close();
    await new Promise((r) => bad.close(r));
  });

  it.each<[string, string, string, string, string[][]]>([
    ['numbers', '{}', 'shape.values', 'ActiveUserNum', []],
    // a missing day also breaks the carry-over of cumulative totals across it
    ['missing-day', '{}', 'shape.order', 'Date', [['relations.carry', 'RegistUserNumTotal']]],
    ['unrequested', '{"RequestField":["ChainIncrease"]}', 'filtering', 'AppName', []],
  ])('reports %s as a violation of %s, the field named', async (mode, body, check, field, more) => {
    await call(proxy.url, body, `&break=${mode}`);
    const entry = proxy.journal().at(-1)!;
    expect(entry.contract).toBe('fail');
    expect(entry.violations.map((v) => [v.check, v.field])).toEqual([[check, field], ...more]);
    expect(proxy.summary().checks[check as 'filtering'].examples.map((e) => e.field)).toContain(field);
  });

  it('reports an extra envelope key as drift, by name', async () => {
    await call(proxy.url, '{}', '&break=envelope');
    const entry = proxy.journal().at(-1)!;
    expect([entry.contract, entry.drift]).toEqual(['pass', ['Surprise']]);
    expect(proxy.summary().drift.envelopeKeys).toEqual({ Surprise: 1 });
  });
});

describe('timock proxy when the upstream fails', () => {
  it('answers 502 to an unreachable upstream and says why in the journal', async () => {
    const closed = createServer();
    const origin = await listen(closed);
    await new Promise((r) => closed.close(r));
    const proxy = await startProxy({ upstream: origin });
    try {
      const answer = await call(proxy.url, '{}');
      expect(answer.status).toBe(502);
      const [entry] = proxy.journal();
      expect(entry).toMatchObject({ status: 502, contract: 'upstream-error' });
      expect(entry?.error).toMatch(/^upstream unreachable: ECONNREFUSED/);
      expect(proxy.summary().upstreamErrors).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it('answers 502 when TLS with the upstream fails, and passes with --ca', async () => {
    const pems = await loopbackCertificate();
    const secure = await startServer({ port: 0, https: { key: pems.private, cert: pems.cert } });
    const untrusting = await startProxy({ upstream: secure.url });
    const trusting = await startProxy({ upstream: secure.url, ca: pems.cert });
    try {
      expect((await call(untrusting.url, '{}')).status).toBe(502);
      expect(untrusting.journal()[0]?.error).toMatch(/^TLS with the upstream failed: /);
      expect((await call(trusting.url, '{}')).status).toBe(200);
      expect(trusting.journal()[0]?.contract).toBe('pass');
    } finally {
      await untrusting.close();
      await trusting.close();
      await secure.close();
    }
  });

  it('listens with HTTPS (--https --cert --key), the answers byte for byte over TLS', async () => {
    const pems = await loopbackCertificate();
    const proxy = await startProxy({ upstream: fake.url, https: { key: pems.private, cert: pems.cert } });
    const trusting = new Agent({ connect: { ca: pems.cert } });
    try {
      expect(proxy.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const q = query();
      const viaProxy = await request(`${proxy.url}/${GETAPPINFO_PATH}?${q}`, {
        method: 'POST',
        body: '{}',
        dispatcher: trusting,
      });
      const direct = await call(fake.url, '{}');
      expect(viaProxy.statusCode).toBe(200);
      expect(Buffer.from(await viaProxy.body.arrayBuffer()).equals(direct.bytes)).toBe(true);
      expect(proxy.journal()[0]?.contract).toBe('pass');
    } finally {
      await trusting.close();
      await proxy.close();
    }
  });

  it('refuses --https without a certificate and key, in one line', async () => {
    const err: string[] = [];
    const result = await main(
      ['proxy', '--upstream', fake.url, '--https'],
      {},
      { outLine: () => {}, errLine: (l) => err.push(l) },
    );
    expect(result).toEqual({ exitCode: 2 });
    expect(err).toEqual(['timock: proxy --https needs --cert FILE and --key FILE']);
  });

  it('answers 502 when the upstream does not answer in time', async () => {
    const silent = createServer(() => undefined);
    const proxy = await startProxy({ upstream: await listen(silent), timeoutMs: 200 });
    try {
      expect((await call(proxy.url, '{}')).status).toBe(502);
      expect(proxy.journal()[0]?.error).toMatch(/^upstream timed out: UND_ERR_HEADERS_TIMEOUT/);
    } finally {
      await proxy.close();
      silent.closeAllConnections();
      await new Promise((r) => silent.close(r));
    }
  });
});

describe('timock proxy --record', () => {
  it('writes a fixture that timock --fixtures replays with the same days, and no secret', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'timock-proxy-')), 'app.json');
    const proxy = await startProxy({ upstream: fake.url, record: file });
    let through: Awaited<ReturnType<typeof call>>;
    try {
      await call(proxy.url, '{"RequestField":["ChainIncrease"]}'); // a filtered pull is not recorded
      through = await call(proxy.url, '{}');
    } finally {
      await proxy.close();
    }
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(through.sig);
    expect(text).not.toContain(DEMO_APP.secretKey);
    const fixture = FixtureSchema.parse(JSON.parse(text));
    expect(fixture).toMatchObject({
      sdkappid: DEMO_APP.sdkappid,
      admins: ['administrator'],
      source: fake.url,
    });
    const replay = await startServer({ port: 0, fixtures: [fixture] });
    try {
      const replayed = await call(replay.url, '{}');
      expect(JSON.parse(replayed.bytes.toString()).Result).toEqual(
        JSON.parse(through.bytes.toString()).Result,
      );
    } finally {
      await replay.close();
    }
  });
});

describe('timock proxy (the command)', () => {
  it('listens, writes a line per call with the UserSig redacted, and the summary when it closes', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const result = await main(
      ['proxy', '--upstream', `${fake.url}/`, '--port', '0'],
      {},
      {
        outLine: (l) => out.push(l),
        errLine: (l) => err.push(l),
      },
    );
    if (!('proxy' in result)) throw new Error(`no proxy: ${err.join('\n')}`);
    const { sig } = await call(result.proxy.url, '{}');
    await result.proxy.close();
    expect(out[0]).toMatch(
      /^timock proxy at http:\/\/127\.0\.0\.1:\d+ forwarding to http:\/\/127\.0\.0\.1:\d+;/,
    );
    expect(out.find((l) => l.startsWith('#1 POST'))).toMatch(
      /usersig=\[redacted\].* -> 200 ErrorCode 0 in \d+ ms; contract: pass$/,
    );
    expect(out).toContainEqual(expect.stringMatching(/^ {2}pass shape\.values: 1 passed, 0 failed$/));
    expect(out.join('\n')).not.toContain(sig);
  });

  it.each([
    [['proxy'], /exactly one of --upstream URL and --region R/],
    [['proxy', '--upstream', 'ftp://x'], /--upstream must be an http: or https: URL/],
    [['proxy', '--region', 'mars'], /--region must be one of/],
    [['proxy', '--region', 'seoul', '--record', '/no/such/dir/app.json'], /its directory does not exist/],
    [['proxy', '--region', 'seoul', '--ca', '/no/such/ca.pem'], /cannot read --ca file/],
  ])('refuses %j with one line and exit code 2', async (argv, message) => {
    const err: string[] = [];
    const result = await main(argv, {}, { outLine: () => undefined, errLine: (l) => err.push(l) });
    expect(result).toEqual({ exitCode: 2 });
    expect(err).toEqual([expect.stringMatching(message)]);
  });
});
