import { renameSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import {
  ADMIN_PREFIX,
  type AnswerJudgement,
  type AnswerProblem,
  FIELD_NAMES,
  FixtureSchema,
  GETAPPINFO_PATH,
  judgeAnswer,
} from '@timock/schema';
import { Agent, request } from 'undici';
import { isLoopback } from '../control/access.js';
import { redactUrl } from '../plugins/redaction.js';
import { urlHost } from '../server.js';
import { type ContractSummary, emptySummary, formatSummary, tally } from './tally.js';

/** The options of {@link startProxy}. */
export interface ProxyOptions {
  /** The origin every request goes to, e.g. `https://console.tim.qq.com` (no path, query or credentials). */
  upstream: string;
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
  /** Port; default 0 (any free port). */
  port?: number;
  /** A PEM CA certificate to trust for the upstream (e.g. a staging gateway's own CA). */
  ca?: string;
  /** How long the upstream may take to send its headers, then its body, ms; default 10000. */
  timeoutMs?: number;
  /** Write each full pull that passes every check to this file as a fixture (`timock --fixtures`). */
  record?: string;
  /** Journal entries kept; default 1000. */
  journalSize?: number;
  /** The clock, epoch ms (the newest-day check and journal times); default `Date.now`. */
  now?: () => number;
  /** Receives one readable line per call (and the recording notes); default: none. */
  log?: (line: string) => void;
  /** PEM key and certificate: the proxy listens with HTTPS (as clients reach the real gateway). */
  https?: { key: string | Buffer; cert: string | Buffer };
}

/** How one call fared against the contract. */
export type ContractOutcome = 'pass' | 'fail' | 'not-judged' | 'upstream-error';

/** One call in the proxy's journal (`GET /__admin/requests`). Holds no UserSig, body or header. */
export interface ProxyJournalEntry {
  seq: number;
  /** When the call arrived, ISO 8601. */
  time: string;
  method: string;
  /** Path and query, the UserSig redacted. */
  url: string;
  sdkappid: string | null;
  identifier: string | null;
  /** The fields the body asked for (every field for a full pull); `null` when not a getappinfo call or not a valid body. */
  fields: string[] | null;
  /** HTTP status sent to the client (502 when the upstream failed). */
  status: number;
  /** The answer's `ErrorCode`, when it is a number. */
  code: number | null;
  /** Time from the call to the end of the answer, ms. */
  latencyMs: number;
  contract: ContractOutcome;
  violations: AnswerProblem[];
  /** Names the schema does not know: day fields and envelope keys. */
  drift: string[];
  /** Why the call got a 502, or why its answer was cut. */
  error?: string;
}

/** A listening proxy. */
export interface StartedProxy {
  /** The base URL, e.g. `http://127.0.0.1:54321`. */
  readonly url: string;
  /** The calls so far, oldest first. */
  journal(): ProxyJournalEntry[];
  /** The running contract summary. */
  summary(): ContractSummary;
  /** Stops listening, waits for calls in flight, closes the upstream pool, and logs the summary. */
  close(): Promise<void>;
}

/** Headers that belong to one connection, never forwarded either way (RFC 9110 7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
/** The largest request body forwarded, bytes (getappinfo bodies are a few hundred). */
const MAX_REQUEST_BYTES = 1024 * 1024;
/** The largest answer kept for judging, bytes (a full pull is about 30 KB); larger ones pass unjudged. */
const MAX_JUDGED_BYTES = 4 * 1024 * 1024;
const JUDGED_PATH = `/${GETAPPINFO_PATH}`;

/** Why an upstream call failed, in a few words and its code, with any UserSig redacted. */
export function upstreamFailure(error: unknown): string {
  const e = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e?.cause?.code ?? e?.code ?? 'error';
  const message = redactUrl(e?.cause?.message ?? e?.message ?? String(error));
  const kind = /TIMEOUT/i.test(code)
    ? 'upstream timed out'
    : /CERT|TLS|SSL|SELF_SIGNED|ALTNAME|EPROTO/i.test(`${code} ${message}`)
      ? 'TLS with the upstream failed'
      : 'upstream unreachable';
  return `${kind}: ${code} (${message})`;
}

const decoders: Record<string, (b: Buffer) => Buffer> = {
  gzip: gunzipSync,
  'x-gzip': gunzipSync,
  deflate: inflateSync,
  br: brotliDecompressSync,
};

/** The answer body as text for judging: decoded when it was compressed; `undefined` when it cannot be. */
function answerText(body: Buffer, encoding: string | undefined): string | undefined {
  if (!encoding || encoding === 'identity') return body.toString('utf8');
  const decode = decoders[encoding.toLowerCase()];
  try {
    return decode ? decode(body).toString('utf8') : undefined;
  } catch {
    return undefined;
  }
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_REQUEST_BYTES ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value, null, 2);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(body);
}

/**
 * Starts `timock proxy`: forwards every call as sent (method, path, query, body, end-to-end headers) to
 * `upstream` and streams the answer back byte for byte, status and headers included; it never signs,
 * changes the call or adds to the answer. Each getappinfo answer is judged by `@timock/schema`'s
 * {@link judgeAnswer} against the call's own `RequestField`; the outcome goes to the journal
 * (`GET /__admin/requests`), a log line, and the running summary (`GET /__admin/contract`). An upstream
 * that cannot be reached, times out or fails TLS gets the client an HTTP 502, and the journal says why.
 * The admin paths answer loopback callers only. UserSigs are redacted in everything it writes.
 *
 * @example
 * const proxy = await startProxy({ upstream: 'https://adminapisgp.im.qcloud.com', port: 9000 });
 * // point the app at http://127.0.0.1:9000, then:
 * proxy.summary().checks['shape.values'].failures;
 */
export async function startProxy(options: ProxyOptions): Promise<StartedProxy> {
  const upstream = options.upstream.replace(/\/+$/, '');
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  const capacity = options.journalSize ?? 1000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const agent = new Agent({ connect: options.ca ? { ca: options.ca } : {} });
  const summary = emptySummary(upstream);
  const entries: ProxyJournalEntry[] = [];
  let seq = 0;
  let recordedApp: string | undefined;

  const recordFixture = (entry: ProxyJournalEntry, judgement: AnswerJudgement, text: string) => {
    const file = options.record;
    if (!file || judgement.kind !== 'success' || judgement.violations.length > 0) return;
    if (judgement.requested?.length !== FIELD_NAMES.length || !entry.sdkappid || !entry.identifier) return;
    if (recordedApp !== undefined && recordedApp !== entry.sdkappid) return;
    const days = (JSON.parse(text) as { Result: Record<string, unknown>[] }).Result;
    const first = days[0] as { AppName?: unknown; Company?: unknown } | undefined;
    const fixture = FixtureSchema.safeParse({
      timockFixture: 1,
      sdkappid: Number(entry.sdkappid),
      admins: [entry.identifier],
      ...(typeof first?.AppName === 'string' ? { appName: first.AppName } : {}),
      ...(typeof first?.Company === 'string' ? { company: first.Company } : {}),
      recordedAt: new Date(now()).toISOString(),
      source: upstream,
      days,
    });
    if (!fixture.success) return;
    try {
      // The parsed days, not the schema's output: they keep the upstream's key order and unknown fields.
      writeFileSync(`${file}.tmp`, `${JSON.stringify({ ...fixture.data, days }, null, 2)}\n`);
      renameSync(`${file}.tmp`, file);
      if (recordedApp === undefined) log(`recording app ${entry.sdkappid}'s full pulls to ${file}`);
      recordedApp = entry.sdkappid;
    } catch (error) {
      log(`cannot write the fixture ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  };

  const finish = (entry: ProxyJournalEntry, started: number) => {
    entry.latencyMs = Math.round((performance.now() - started) * 1000) / 1000;
    entries.push(entry);
    if (entries.length > capacity) entries.shift();
    const outcome =
      entry.contract === 'fail'
        ? `contract: ${entry.violations.map((v) => `${v.check}${v.field ? ` (${v.field})` : ''}`).join(', ')}`
        : entry.contract === 'upstream-error'
          ? entry.error
          : `contract: ${entry.contract}`;
    const code = entry.code === null ? '' : ` ErrorCode ${entry.code}`;
    const drift = entry.drift.length ? `; drift: ${entry.drift.join(', ')}` : '';
    log(
      `#${entry.seq} ${entry.method} ${entry.url} -> ${entry.status}${code} in ${Math.round(entry.latencyMs)} ms; ${outcome}${drift}`,
    );
  };

  const admin = (req: IncomingMessage, res: ServerResponse, path: string) => {
    if (!isLoopback(req.socket.remoteAddress))
      return sendJson(res, 403, { error: 'the proxy admin API answers loopback callers only' });
    if (req.method === 'GET' && path === `${ADMIN_PREFIX}/requests`) return sendJson(res, 200, entries);
    if (req.method === 'GET' && path === `${ADMIN_PREFIX}/contract`) return sendJson(res, 200, summary);
    return sendJson(res, 404, {
      error: `the proxy serves GET ${ADMIN_PREFIX}/requests and ${ADMIN_PREFIX}/contract`,
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const target = req.url ?? '/';
    const path = target.split('?')[0]!;
    if (path === ADMIN_PREFIX || path.startsWith(`${ADMIN_PREFIX}/`)) return admin(req, res, path);
    const method = req.method ?? 'GET';
    const query = new URLSearchParams(target.includes('?') ? target.slice(target.indexOf('?') + 1) : '');
    summary.calls++;
    const entry: ProxyJournalEntry = {
      seq: ++seq,
      time: new Date(now()).toISOString(),
      method,
      url: redactUrl(target),
      sdkappid: query.get('sdkappid'),
      identifier: query.get('identifier'),
      fields: null,
      status: 0,
      code: null,
      latencyMs: 0,
      contract: 'not-judged',
      violations: [],
      drift: [],
    };
    const body = await readBody(req);
    if (body === undefined) {
      entry.status = 413;
      entry.error = `request body over ${MAX_REQUEST_BYTES} bytes, not forwarded`;
      res.writeHead(413, { 'content-type': 'text/plain' }).end('413 Payload Too Large\n');
      return finish(entry, started);
    }
    const headers: string[] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i]!.toLowerCase();
      if (!HOP_BY_HOP.has(name) && name !== 'host' && name !== 'content-length')
        headers.push(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    }
    const chunks: Buffer[] = [];
    let kept = 0;
    const answerHeaders: Record<string, string | string[]> = {};
    try {
      const up = await request(`${upstream}${target}`, {
        method: method as 'POST',
        headers,
        ...(body.length > 0 || !['GET', 'HEAD'].includes(method) ? { body } : {}),
        dispatcher: agent,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      for (const [name, value] of Object.entries(up.headers))
        if (value !== undefined && !HOP_BY_HOP.has(name)) answerHeaders[name] = value;
      entry.status = up.statusCode;
      res.writeHead(up.statusCode, answerHeaders);
      for await (const chunk of up.body) {
        res.write(chunk);
        kept += chunk.length;
        if (kept <= MAX_JUDGED_BYTES) chunks.push(chunk);
      }
      res.end();
    } catch (error) {
      entry.contract = 'upstream-error';
      entry.error = upstreamFailure(error);
      summary.upstreamErrors++;
      if (res.headersSent) res.destroy();
      else {
        entry.status = 502;
        res.writeHead(502, { 'content-type': 'text/plain' }).end('502 Bad Gateway\n');
      }
      return finish(entry, started);
    }
    if (path === JUDGED_PATH && kept <= MAX_JUDGED_BYTES) {
      const text = answerText(Buffer.concat(chunks), String(answerHeaders['content-encoding'] ?? ''));
      if (text !== undefined) {
        const judgement = judgeAnswer({
          requestBody: body.toString('utf8'),
          status: entry.status,
          contentType: String(answerHeaders['content-type'] ?? ''),
          body: text,
          now: now(),
        });
        entry.fields = judgement.requested ? [...judgement.requested] : null;
        entry.code = judgement.code ?? null;
        entry.contract = judgement.violations.length ? 'fail' : 'pass';
        entry.violations = [...judgement.violations];
        entry.drift = [...judgement.drift.unknownFields, ...judgement.drift.envelopeKeys];
        tally(summary, judgement, entry.seq);
        recordFixture(entry, judgement, text);
      }
    }
    finish(entry, started);
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      log(`proxy error: ${redactUrl(error instanceof Error ? error.message : String(error))}`);
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end('502 Bad Gateway\n');
      else res.destroy();
    });
  };
  const server = options.https ? createHttpsServer(options.https, onRequest) : createServer(onRequest);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `${options.https ? 'https' : 'http'}://${urlHost(host, address)}:${address.port}`,
    journal: () => [...entries],
    summary: () => structuredClone(summary),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await agent.close();
      for (const line of formatSummary(summary)) log(line);
    },
  };
}
