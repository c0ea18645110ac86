#!/usr/bin/env node
// pnpm bench: the fake against bare Fastify and node:http baselines (and Prism), alternating and
// repeated; start-up time, contract-suite wall time, client overhead, RSS drift. See bench/README.md.
//
// The orchestrator (this process) stays mostly idle: every server runs in its own child process and
// the load generator (autocannon) in another.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { agent, sample, waitFor200 } from './lib/http.mjs';
import { runLoad } from './lib/load.mjs';
import { findBinary, forkWorker, freePort, installCleanup, startProcess, stopAll } from './lib/procs.mjs';
import { createProgress } from './lib/progress.mjs';
import {
  fmtMB,
  fmtMs,
  fmtNum,
  fmtRatio,
  fmtSpread,
  median,
  ratio,
  spread,
  table,
  verdict,
} from './lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const require = createRequire(import.meta.url);

// ---------------------------------------------------------------- options

const HELP = `pnpm bench [-- options]

  --quick              short smoke run (1 round, 2 s per load, fewer samples)
  --rounds N           rounds of alternating rows (default 3)
  --duration S         measured seconds per load (default 8)
  --warmup S           unmeasured seconds of load before each measurement (default 1)
  --connections N      concurrent connections (default 50)
  --rows a,b,...       rows to run (default: ${'baseline-a,baseline-b,baseline-c,fake-full,fake-two,fake-invalid,prism'})
                       extra: baseline-b-buffer (Fastify sending a Buffer), prism-dynamic,
                       fake-redis-1, fake-redis-3 (see --replicas)
  --replicas           add the replica rows: the fake with its rate limit in Redis, 1 replica and
                       3 replicas (load split over them), and the Redis path's cost per call; needs
                       redis-server (skipped with a note without it)
  --no-prism           skip the Prism row
  --no-extras          skip start-up, contract-suite and client-overhead measurements
  --soak               run the 60 s RSS-drift measurement in a --quick run too (a full run always does)
  --no-soak            skip the RSS-drift measurement in a full run
  --memory             run only the 60 s RSS-drift measurement
  --soak-seconds S     length of the drift measurement (default 60; RSS compared at 10 s and at the end)
  --out FILE           JSON results (default bench/results/latest.json)
  -h, --help`;

const { values: argv } = parseArgs({
  // `pnpm bench -- --quick` passes a lone `--` through: drop it.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    rows: { type: 'string' },
    'no-prism': { type: 'boolean', default: false },
    'no-extras': { type: 'boolean', default: false },
    replicas: { type: 'boolean', default: false },
    soak: { type: 'boolean', default: false },
    'no-soak': { type: 'boolean', default: false },
    memory: { type: 'boolean', default: false },
    'soak-seconds': { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (argv.help) {
  console.log(HELP);
  process.exit(0);
}

const num = (v, d) => {
  if (v === undefined) return d;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`not a positive number: ${v}`);
  return n;
};
const quick = argv.quick;
const config = {
  rounds: Math.round(num(argv.rounds, quick ? 1 : 3)),
  durationSec: num(argv.duration, quick ? 2 : 8),
  warmupSec: num(argv.warmup, quick ? 0.5 : 1),
  connections: Math.round(num(argv.connections, 50)),
  startupSamples: quick ? 2 : 5,
  client: quick
    ? { blocks: 10, callsPerBlock: 50, warmupCalls: 200 }
    : { blocks: 40, callsPerBlock: 100, warmupCalls: 500 },
  soakSec: num(argv['soak-seconds'], 60),
  out: resolve(argv.out ?? join(here, 'results', 'latest.json')),
};
const DEFAULT_ROWS = [
  'baseline-a',
  'baseline-b',
  'baseline-c',
  'fake-full',
  'fake-two',
  'fake-invalid',
  'prism',
];
let rowIds = argv.rows ? argv.rows.split(',').map((s) => s.trim()) : DEFAULT_ROWS;
if (argv['no-prism']) rowIds = rowIds.filter((r) => !r.startsWith('prism'));
if (argv.replicas) {
  for (const id of ['fake-full', 'fake-redis-1', 'fake-redis-3']) if (!rowIds.includes(id)) rowIds.push(id);
}

// ---------------------------------------------------------------- fixtures

installCleanup();
const tmp = mkdtempSync(join(tmpdir(), 'timock-bench-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const notes = [];
/** Erases the progress line (on a terminal) before a line is printed; set once the run starts. */
let clearProgress = () => {};
const note = (s) => {
  notes.push(s);
  clearProgress();
  console.log(`  note: ${s}`);
};

let mock;
try {
  mock = await import('@timock/mock-server');
  if (typeof mock.startServer !== 'function' || typeof mock.signUserSig !== 'function') mock = undefined;
} catch {
  mock = undefined;
}
const fakeAvailable = mock !== undefined;

const SDKAPPID = mock?.DEMO_APP.sdkappid ?? 1400000000;
const SECRET = mock?.DEMO_APP.secretKey ?? '4bd5f421d42f92390a839616f68545c92c4c4b55efc8d62ca74d17b130b81ed9';
const ADMIN = 'administrator';
const nowSec = Math.floor(Date.now() / 1000);
const validSig = mock?.signUserSig({
  sdkappid: SDKAPPID,
  secretKey: SECRET,
  identifier: ADMIN,
  expireSeconds: 30 * 86400,
  nowSeconds: nowSec,
});
// Well-formed, right app and identifier, wrong key: the HMAC check refuses it (70009).
const invalidSig = mock?.signUserSig({
  sdkappid: SDKAPPID,
  secretKey: 'f'.repeat(64),
  identifier: ADMIN,
  expireSeconds: 30 * 86400,
  nowSeconds: nowSec,
});
/** Server options of the fake for the load rows: the demo app with its rate limit out of the way. */
const FAKE_LOAD_OPTIONS = { apps: [{ ...(mock?.DEMO_APP ?? {}), rateLimitPerSecond: 1_000_000 }] };

const PATH = '/v4/openconfigsvr/getappinfo';
const TWO_FIELDS = '{"RequestField":["ChainIncrease","ChainDecrease"]}';
/** 16 distinct `random` values, cycled by every connection (as a real caller varies it). */
const RANDOMS = Array.from({ length: 16 }, (_, i) => String((2654435761 * (i + 1)) >>> 0));
const requestsFor = (usersig, body) =>
  RANDOMS.map((random) => ({
    method: 'POST',
    path: `${PATH}?sdkappid=${SDKAPPID}&identifier=${ADMIN}&usersig=${encodeURIComponent(usersig ?? 'none')}&random=${random}&contenttype=json`,
    headers: { 'content-type': 'application/json' },
    body,
  }));
const fullRequests = requestsFor(validSig, '{}');
const twoRequests = requestsFor(validSig, TWO_FIELDS);
const invalidRequests = requestsFor(invalidSig, '{}');

const serverScript = (name) => join(here, 'servers', name);
const startNode = (script, args = []) => startProcess(process.execPath, [script, ...args], { cwd: here });

/** The fake's answers, fetched once from a fake in its own process; the baselines serve the same bytes. */
let fullBody;
let twoBody;
let invalidBody;
if (fakeAvailable) {
  const srv = await startNode(serverScript('fake.mjs'), [JSON.stringify(FAKE_LOAD_OPTIONS)]);
  try {
    const full = await sample(srv.url, fullRequests[0]);
    const two = await sample(srv.url, twoRequests[0]);
    const invalid = await sample(srv.url, invalidRequests[0]);
    if (full.status !== 200 || full.json?.ErrorCode !== 0 || !Array.isArray(full.json?.Result)) {
      throw new Error(
        `the fake's full pull did not answer ErrorCode 0: ${full.body.toString().slice(0, 300)}`,
      );
    }
    if (two.json?.ErrorCode !== 0) throw new Error(`two-field pull: ${two.body.toString().slice(0, 300)}`);
    if (!(invalid.json?.ErrorCode > 0)) throw new Error(`invalid UserSig was not refused: ${invalid.body}`);
    fullBody = full.body;
    twoBody = two.body;
    invalidBody = invalid.body;
  } finally {
    await srv.stop();
  }
} else {
  // Until the fake lands: a synthetic body of the documented shape and about the same size.
  const day = (i) =>
    Object.fromEntries(
      'APNSMsgNum ActiveUserNum AppId AppName C2CAPNSMsgNum C2CDownMsgNum C2CSendMsgUserNum C2CUpMsgNum CallBackReq CallBackRsp ChainDecrease ChainIncrease Company Date DownMsgNum GroupAPNSMsgNum GroupAllGroupNum GroupDestroyGroupNum GroupDownMsgNum GroupJoinGroupTimes GroupNewGroupNum GroupQuitGroupTimes GroupSendMsgGroupNum GroupSendMsgUserNum GroupUpMsgNum LoginTimes LoginUserNum MaxOnlineNum RegistUserNumOneDay RegistUserNumTotal SendMsgUserNum UpMsgNum'
        .split(' ')
        .map((k, j) => [k, String((i * 7919 + j * 104729) % 999999)]),
    );
  fullBody = Buffer.from(
    JSON.stringify({ ErrorCode: 0, ErrorInfo: 'OK', Result: Array.from({ length: 30 }, (_, i) => day(i)) }),
  );
  note(
    '@timock/mock-server is not available: the fake rows are skipped and the baselines use a synthetic body',
  );
}
const bodyFile = join(tmp, 'full-answer.json');
writeFileSync(bodyFile, fullBody);

// Prism: the fake's own OpenAPI document, with the full-pull example replaced by the fake's full answer
// (so Prism serves a static example of the same size).
let prismBin;
let prismDoc;
if (rowIds.some((r) => r.startsWith('prism'))) {
  try {
    const pkgJson = require.resolve('@stoplight/prism-cli/package.json');
    const bin = join(dirname(pkgJson), JSON.parse(readFileSync(pkgJson, 'utf8')).bin.prism);
    const docPath = require.resolve('@timock/schema/openapi.json');
    const doc = JSON.parse(readFileSync(docPath, 'utf8'));
    const media = doc.paths[PATH].post.responses['200'].content['application/json'];
    if (media.examples?.full) media.examples.full.value = JSON.parse(fullBody.toString('utf8'));
    prismDoc = join(tmp, 'openapi.json');
    writeFileSync(prismDoc, JSON.stringify(doc));
    prismBin = bin;
  } catch (error) {
    note(
      `Prism skipped: @stoplight/prism-cli is not installed or the OpenAPI document is missing (${error.message}). ` +
        'Prism 5.14.2 is the last version whose engines allow Node 20.',
    );
    rowIds = rowIds.filter((r) => !r.startsWith('prism'));
  }
}

// ---------------------------------------------------------------- rows

/**
 * @typedef {object} Row
 * @property {string} id
 * @property {string} label
 * @property {() => Promise<import('./lib/procs.mjs').RunningServer>} start
 * @property {object[]} requests
 * @property {(s: { status: number, body: Buffer, json: any }) => string | undefined} check  problem, if any
 * @property {number} [bodyBytes]  expected body size of every answer
 */

const expectCode = (code, bytes) => (s) => {
  if (s.status !== 200) return `HTTP ${s.status}`;
  if (code === 0 && s.json?.ErrorCode !== 0) return `ErrorCode ${s.json?.ErrorCode} (${s.json?.ErrorInfo})`;
  if (code > 0 && s.json?.ErrorCode !== code) return `expected ErrorCode ${code}, got ${s.json?.ErrorCode}`;
  if (bytes !== undefined && s.body.length !== bytes)
    return `body of ${s.body.length} bytes, expected ${bytes}`;
  return undefined;
};
const anyOk = (s) => (s.status === 200 ? undefined : `HTTP ${s.status}`);

/** @type {Record<string, Row>} */
const ROWS = {
  'baseline-a': {
    id: 'baseline-a',
    label: 'A  Fastify hello world',
    start: () => startNode(serverScript('baseline-a.mjs')),
    requests: fullRequests,
    check: (s) => (s.body.toString() === '{"hello":"world"}' ? undefined : `unexpected body ${s.body}`),
    bodyBytes: 17,
  },
  'baseline-b': {
    id: 'baseline-b',
    label: 'B  Fastify, pre-serialized string',
    start: () => startNode(serverScript('baseline-b.mjs'), [bodyFile]),
    requests: fullRequests,
    check: expectCode(0, fullBody.length),
    bodyBytes: fullBody.length,
  },
  'baseline-b-buffer': {
    id: 'baseline-b-buffer',
    label: 'B2 Fastify, pre-encoded Buffer',
    start: () => startNode(serverScript('baseline-b.mjs'), [bodyFile, '--buffer']),
    requests: fullRequests,
    check: expectCode(0, fullBody.length),
    bodyBytes: fullBody.length,
  },
  'baseline-c': {
    id: 'baseline-c',
    label: 'C  node:http, pre-encoded Buffer',
    start: () => startNode(serverScript('baseline-c.mjs'), [bodyFile]),
    requests: fullRequests,
    check: expectCode(0, fullBody.length),
    bodyBytes: fullBody.length,
  },
  'fake-full': {
    id: 'fake-full',
    label: 'fake: full pull {}',
    start: () => startNode(serverScript('fake.mjs'), [JSON.stringify(FAKE_LOAD_OPTIONS)]),
    requests: fullRequests,
    check: expectCode(0, fullBody.length),
    bodyBytes: fullBody.length,
    fake: true,
  },
  'fake-two': {
    id: 'fake-two',
    label: 'fake: two-field pull',
    start: () => startNode(serverScript('fake.mjs'), [JSON.stringify(FAKE_LOAD_OPTIONS)]),
    requests: twoRequests,
    check: expectCode(0, twoBody?.length),
    bodyBytes: twoBody?.length,
    fake: true,
  },
  'fake-invalid': {
    id: 'fake-invalid',
    label: 'fake: invalid UserSig (refusal)',
    start: () => startNode(serverScript('fake.mjs'), [JSON.stringify(FAKE_LOAD_OPTIONS)]),
    requests: invalidRequests,
    check: expectCode(70009, invalidBody?.length),
    bodyBytes: invalidBody?.length,
    fake: true,
  },
  'fake-redis-1': {
    id: 'fake-redis-1',
    label: 'fake + Redis, 1 replica',
    start: () => startReplicas(1),
    requests: fullRequests,
    check: expectCode(0, fullBody.length),
    bodyBytes: fullBody.length,
    fake: true,
    redis: true,
  },
  'fake-redis-3': {
    id: 'fake-redis-3',
    label: 'fake + Redis, 3 replicas',
    start: () => startReplicas(3),
    requests: fullRequests,
    check: expectCode(0, fullBody.length),
    bodyBytes: fullBody.length,
    fake: true,
    redis: true,
  },
  prism: {
    id: 'prism',
    label: 'Prism 5.14.2, static example',
    start: () => startPrism(false),
    requests: fullRequests,
    check: anyOk,
  },
  'prism-dynamic': {
    id: 'prism-dynamic',
    label: 'Prism 5.14.2, --dynamic',
    start: () => startPrism(true),
    requests: fullRequests,
    check: anyOk,
  },
};

async function startPrism(dynamic) {
  const port = await freePort();
  const args = [prismBin, 'mock', '-h', '127.0.0.1', '-p', String(port), '-v', 'error', '--cors', 'false'];
  if (dynamic) args.push('--dynamic');
  args.push(prismDoc);
  // Prism prints nothing at this log level: readiness is the first answer.
  const srv = await startProcess(process.execPath, args, {
    cwd: here,
    readyPattern: null,
    url: `http://127.0.0.1:${port}`,
  });
  try {
    await waitFor200(srv.url, fullRequests[0], { timeoutMs: 30000, intervalMs: 50, isAlive: srv.alive });
  } catch (error) {
    await srv.stop();
    throw new Error(`Prism did not start: ${error.message}\n${srv.stderr()}`);
  }
  return srv;
}

let redisKeys = 0;
/**
 * A fresh redis-server (no persistence, a temporary directory, a free loopback port) and `n` fakes in
 * processes of their own sharing their rate limit in it. The load is split over the replicas' URLs;
 * peak RSS is the first replica's.
 */
async function startReplicas(n) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmp, 'redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const redis = await startProcess(redisServer, [...args, '--dir', dir], {
    cwd: here,
    readyPattern: /(Ready) to accept connections/,
    url: `redis://127.0.0.1:${port}`,
  });
  const replicas = [];
  const stop = async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await redis.stop();
  };
  try {
    const options = { ...FAKE_LOAD_OPTIONS, redis: { url: redis.url, keyPrefix: `bench${++redisKeys}` } };
    for (let i = 0; i < n; i++)
      replicas.push(await startNode(serverScript('fake.mjs'), [JSON.stringify(options)]));
  } catch (error) {
    await stop();
    throw error;
  }
  return { ...replicas[0], urls: replicas.map((r) => r.url), stop };
}

for (const id of rowIds)
  if (!ROWS[id]) throw new Error(`unknown row ${id}; known: ${Object.keys(ROWS).join(', ')}`);
let rows = rowIds.map((id) => ROWS[id]);
if (!fakeAvailable) rows = rows.filter((r) => !r.fake);
const redisServer = findBinary('redis-server');
if (rows.some((r) => r.redis) && redisServer === undefined) {
  note('replica rows skipped: no redis-server on PATH (apt-get install redis-server)');
  rows = rows.filter((r) => !r.redis);
}

// ---------------------------------------------------------------- one load

/** One load at the benchmark's connection count (see lib/load.mjs). */
const load = (srv, requests, opts) => runLoad(srv, requests, { connections: config.connections, ...opts });

/** Starts the row's server, checks a sample answer, loads it, checks again, stops it. */
async function measureRow(row) {
  const srv = await row.start();
  try {
    const before = row.check(await sample(srv.url, row.requests[0]));
    if (before) throw new Error(`${row.id}: sample answer before the load is wrong: ${before}`);
    const r = await load(srv, row.requests, { durationSec: config.durationSec, warmupSec: config.warmupSec });
    const after = row.check(await sample(srv.url, row.requests[1]));
    const problems = [];
    if (after) problems.push(`sample answer after the load: ${after}`);
    // Every answer must have been the expected one: its average size (headers + body) must be the
    // body size plus a constant header block (an error envelope or a 429 would drag it far off).
    if (row.bodyBytes !== undefined) {
      const headerBytes = r.bytesPerResponse - row.bodyBytes;
      if (headerBytes < 50 || headerBytes > 400) {
        problems.push(
          `average answer of ${r.bytesPerResponse.toFixed(0)} bytes for a ${row.bodyBytes}-byte body`,
        );
      }
    }
    if (r.non2xx > 0) problems.push(`${r.non2xx} non-2xx answers`);
    if (r.errors > 0) problems.push(`${r.errors} errors (${r.timeouts} timeouts)`);
    const { rssSeries: _series, ...rest } = r;
    return { ...rest, problems };
  } finally {
    await srv.stop();
  }
}

// ---------------------------------------------------------------- extras

/** Start-up: process spawn to the first HTTP 200 answer of a full pull (CLI if usable). */
async function measureStartup() {
  const cli = join(root, 'packages', 'mock-server', 'dist', 'cli.js');
  const sig = mock.signUserSig({ sdkappid: SDKAPPID, secretKey: SECRET, identifier: ADMIN });
  const req = {
    method: 'POST',
    path: `${PATH}?sdkappid=${SDKAPPID}&identifier=${ADMIN}&usersig=${encodeURIComponent(sig)}&random=1&contenttype=json`,
    headers: { 'content-type': 'application/json' },
    body: '{}',
  };
  const once = async (mode) => {
    const port = await freePort();
    const args =
      mode === 'cli'
        ? [cli, '--port', String(port), '--host', '127.0.0.1']
        : [serverScript('fake.mjs'), JSON.stringify({ port })];
    const srv = await startProcess(process.execPath, args, {
      cwd: here,
      readyPattern: null,
      url: `http://127.0.0.1:${port}`,
    });
    try {
      const ans = await waitFor200(srv.url, req, { timeoutMs: 5000, isAlive: srv.alive });
      const json = JSON.parse(ans.body.toString('utf8'));
      if (json.ErrorCode !== 0) throw new Error(`first answer ErrorCode ${json.ErrorCode}`);
      return ans.at - srv.startedAt;
    } catch (error) {
      throw new Error(`${error.message} ${srv.stderr().slice(0, 300)}`);
    } finally {
      await srv.stop();
    }
  };
  let mode = 'cli';
  try {
    if (!existsSync(cli)) throw new Error('dist/cli.js not built');
    await once('cli');
  } catch (error) {
    mode = 'api';
    note(
      `start-up measured with startServer() in a fresh process (bench/servers/fake.mjs), not the CLI: ${error.message.split('\n')[0]}`,
    );
  }
  const samples = [];
  for (let i = 0; i < config.startupSamples; i++) samples.push(await once(mode));
  return { mode, samplesMs: samples, medianMs: median(samples) };
}

/** The contract suite's wall time against the fake (its default options: demo app, 200 calls/s). */
async function measureContract() {
  let contract;
  try {
    contract = await import('@timock/contract-tests');
  } catch (error) {
    note(`contract suite skipped: @timock/contract-tests cannot be loaded (${error.message.split('\n')[0]})`);
    return undefined;
  }
  if (typeof contract.runContract !== 'function') {
    note('contract suite skipped: @timock/contract-tests does not export runContract');
    return undefined;
  }
  const srv = await startNode(serverScript('fake.mjs'));
  try {
    const t0 = performance.now();
    const report = await contract.runContract({
      kind: 'mock',
      baseUrl: srv.url,
      sdkappid: SDKAPPID,
      secretKey: SECRET,
    });
    const wallMs = performance.now() - t0;
    const failed = report.results.filter((r) => r.outcome === 'fail').map((r) => r.id);
    if (failed.length)
      note(`contract suite: ${failed.length} check(s) failed against the fake: ${failed.join(', ')}`);
    return { wallMs, counts: report.counts, ok: report.ok, checks: report.results.length };
  } finally {
    await srv.stop();
  }
}

/** Client overhead per call vs a raw undici request, sequential, in its own process. */
async function measureClient() {
  const srv = await startNode(serverScript('fake.mjs'), [JSON.stringify(FAKE_LOAD_OPTIONS)]);
  const worker = forkWorker(join(here, 'lib', 'client-worker.mjs'));
  try {
    const msg = await new Promise((res, rej) => {
      worker.once('message', res);
      worker.once('exit', (code) => rej(new Error(`client worker exited (${code})`)));
      worker.send({
        type: 'run',
        config: {
          url: srv.url,
          sdkappid: SDKAPPID,
          secretKey: SECRET,
          identifier: ADMIN,
          usersig: validSig,
          ...config.client,
        },
      });
    });
    if (msg.type === 'skip') {
      note(`client overhead skipped: ${msg.reason}`);
      return undefined;
    }
    if (msg.type === 'error') throw new Error(`client worker: ${msg.message}`);
    return msg.result;
  } finally {
    worker.removeAllListeners();
    if (worker.connected) worker.disconnect();
    await srv.stop();
  }
}

/**
 * The Redis path's cost per call: sequential full pulls (one connection, so no queueing) against the
 * in-memory fake and a fake whose rate limit is in Redis, in alternating blocks; median µs per call.
 */
async function measureRedisCost() {
  const memory = await startNode(serverScript('fake.mjs'), [JSON.stringify(FAKE_LOAD_OPTIONS)]);
  const shared = await startReplicas(1);
  try {
    const { blocks, callsPerBlock, warmupCalls } = config.client;
    const block = async (srv, calls) => {
      const t0 = performance.now();
      for (let i = 0; i < calls; i++) {
        const problem = ROWS['fake-full'].check(await sample(srv.url, fullRequests[i % fullRequests.length]));
        if (problem) throw new Error(`redis cost: wrong answer: ${problem}`);
      }
      return ((performance.now() - t0) * 1000) / calls;
    };
    await block(memory, warmupCalls);
    await block(shared, warmupCalls);
    const mem = [];
    const red = [];
    for (let b = 0; b < blocks; b++) {
      if (b % 2 === 0) {
        mem.push(await block(memory, callsPerBlock));
        red.push(await block(shared, callsPerBlock));
      } else {
        red.push(await block(shared, callsPerBlock));
        mem.push(await block(memory, callsPerBlock));
      }
    }
    const memoryUs = median(mem);
    const redisUs = median(red);
    return { memoryUsPerCall: memoryUs, redisUsPerCall: redisUs, costUs: redisUs - memoryUs };
  } finally {
    await Promise.all([memory.stop(), shared.stop()]);
  }
}

/**
 * RSS drift: one long full-pull load. V8's old space fills and is collected in a sawtooth of several
 * seconds, so single readings depend on the phase: the levels compared are the medians of the VmRSS
 * samples (every 100 ms) in [8, 10] s and in the last 2 s; growth is one-sided (a drop is no growth).
 */
async function measureDrift() {
  const srv = await ROWS['fake-full'].start();
  try {
    const problem = ROWS['fake-full'].check(await sample(srv.url, fullRequests[0]));
    if (problem) throw new Error(`drift: sample answer is wrong: ${problem}`);
    const r = await load(srv, fullRequests, { durationSec: config.soakSec, warmupSec: 0 });
    const window = (from, to) => median(r.rssSeries.filter(([t]) => t >= from && t <= to).map(([, v]) => v));
    const end = r.rssSeries.at(-1)?.[0] ?? config.soakSec;
    const at10 = window(8, 10);
    const atEnd = window(end - 2, end);
    const every5s = [];
    for (let t = 5; t <= end + 0.01; t += 5) every5s.push([t, window(t - 0.5, t)]);
    return {
      seconds: config.soakSec,
      rssAt10s: at10,
      rssAtEnd: atEnd,
      drift: atEnd / at10 - 1,
      rssMin: Math.min(...r.rssSeries.map(([, v]) => v)),
      peakRss: r.peakRss,
      rssEvery5s: every5s,
      rps: r.rps,
      p99Ms: r.latencyMs.p99,
    };
  } finally {
    await srv.stop();
  }
}

// ---------------------------------------------------------------- main

const started = Date.now();
const results = {
  meta: {
    date: new Date().toISOString(),
    node: process.version,
    nproc: cpus().length,
    cpu: cpus()[0]?.model,
    memory: totalmem(),
    config: { ...config, rows: rows.map((r) => r.id) },
    fullAnswerBytes: fullBody.length,
    twoFieldAnswerBytes: twoBody?.length,
    fakeAvailable,
  },
  rows: {},
  ratios: {},
  extras: {},
  targets: [],
  notes,
};

try {
  console.log(
    `timock bench: ${rows.length} rows x ${config.rounds} rounds, ${config.connections} connections, ` +
      `${config.warmupSec} s warm-up + ${config.durationSec} s per load; node ${process.version}, ${cpus().length} CPUs`,
  );
  console.log(`  full answer: ${fullBody.length} bytes; two-field answer: ${twoBody?.length ?? '-'} bytes`);

  const withExtras = fakeAvailable && !argv.memory && !argv['no-extras'];
  const withRedisCost = fakeAvailable && argv.replicas && redisServer !== undefined && !argv.memory;
  // Every target gets a verdict in a full run, so the drift runs there unless --no-soak.
  const drift = argv.memory || argv.soak || (!argv.quick && !argv['no-soak']);
  const withDrift = fakeAvailable && drift;
  const progress = createProgress(
    (argv.memory ? 0 : rows.length * config.rounds) +
      (withExtras ? 3 : 0) +
      (withRedisCost ? 1 : 0) +
      (withDrift ? 1 : 0),
  );
  clearProgress = progress.clear;
  const step = progress.step;
  /** A result line on stdout, after the step line (on a terminal) is erased. */
  const log = (text) => {
    progress.clear();
    console.log(text);
  };

  if (!argv.memory) {
    /** @type {Record<string, any[]>} */
    const runs = Object.fromEntries(rows.map((r) => [r.id, []]));
    for (let round = 0; round < config.rounds; round++) {
      // Alternate: every round runs every row once, starting one row further each round.
      const order = rows.map((_, i) => rows[(i + round) % rows.length]);
      for (const row of order) {
        step(`round ${round + 1}/${config.rounds} ${row.label}`);
        const r = await measureRow(row);
        runs[row.id].push(r);
        log(
          `  round ${round + 1}/${config.rounds}  ${row.label.padEnd(34)} ${fmtNum(r.rps).padStart(7)} req/s` +
            `  p50 ${fmtMs(r.latencyMs.p50)}  p99 ${fmtMs(r.latencyMs.p99)}  peak RSS ${fmtMB(r.peakRss)}` +
            `  CPU ${fmtNum(r.cpuUsPerRequest, 1)} µs/req` +
            (r.problems.length ? `  !! ${r.problems.join('; ')}` : ''),
        );
      }
    }
    for (const row of rows) {
      const rs = runs[row.id];
      const rps = spread(rs.map((r) => r.rps));
      results.rows[row.id] = {
        label: row.label,
        rps: rps.median,
        rpsMin: rps.min,
        rpsMax: rps.max,
        rpsSpread: rps.relative,
        p50Ms: median(rs.map((r) => r.latencyMs.p50)),
        p99Ms: median(rs.map((r) => r.latencyMs.p99)),
        peakRss: Math.max(...rs.map((r) => r.peakRss)),
        cpuUsPerRequest: median(rs.map((r) => r.cpuUsPerRequest)),
        non2xx: rs.reduce((a, r) => a + r.non2xx, 0),
        errors: rs.reduce((a, r) => a + r.errors, 0),
        bodyBytes: row.bodyBytes,
        problems: [...new Set(rs.flatMap((r) => r.problems))],
        runs: rs,
      };
    }
    // Paired ratios: within each round (rows run minutes apart drift with the machine), then the
    // median over rounds. The ratio of the medians is kept alongside for reference.
    const paired = (a, b, key = 'rps') => {
      const ra = runs[a];
      const rb = runs[b];
      if (!ra?.length || !rb?.length) return { median: Number.NaN, perRound: [], ofMedians: Number.NaN };
      const get = (r) => (key === 'p99' ? r.latencyMs.p99 : r.rps);
      const perRound = ra.map((r, i) => ratio(get(r), rb[i] ? get(rb[i]) : undefined));
      return {
        median: median(perRound),
        perRound,
        ofMedians: ratio(median(ra.map(get)), median(rb.map(get))),
      };
    };
    const pairs = {
      fullVsC: paired('fake-full', 'baseline-c'),
      fullVsB: paired('fake-full', 'baseline-b'),
      fullVsBBuffer: paired('fake-full', 'baseline-b-buffer'),
      twoVsA: paired('fake-two', 'baseline-a'),
      invalidVsA: paired('fake-invalid', 'baseline-a'),
      p99FullVsB: paired('fake-full', 'baseline-b', 'p99'),
      fullVsPrism: paired('fake-full', 'prism'),
      redis1VsMemory: paired('fake-redis-1', 'fake-full'),
      redis3VsRedis1: paired('fake-redis-3', 'fake-redis-1'),
    };
    results.ratios = Object.fromEntries(Object.entries(pairs).map(([k, v]) => [k, v.median]));
    results.ratioDetails = pairs;
  }

  if (withExtras) {
    step('start-up time');
    results.extras.startup = await measureStartup();
    step('contract suite');
    results.extras.contract = await measureContract();
    step('client overhead');
    results.extras.client = await measureClient();
    progress.clear();
  }
  if (withRedisCost) {
    step('Redis path cost per call');
    results.extras.redisCost = await measureRedisCost();
    progress.clear();
  }
  if (withDrift) {
    step(`RSS drift: ${config.soakSec} s of full-pull load, RSS sampled every 100 ms`);
    results.extras.drift = await measureDrift();
    progress.clear();
  } else if (!argv.memory) note('RSS drift not measured (a full run or --soak measures it: 60 s of load)');
  if (!fakeAvailable && argv.memory) note('RSS drift not measured: the fake is not available');
} finally {
  await stopAll();
  await agent.close();
}

// ---------------------------------------------------------------- targets and report

const R = results.rows;
const X = results.extras;
const Q = results.ratios;
const fakePeaks = [
  ...['fake-full', 'fake-two', 'fake-invalid'].map((id) => R[id]?.peakRss),
  X.drift?.peakRss,
].filter((v) => v !== undefined && Number.isFinite(v));
const fakePeak = fakePeaks.length ? Math.max(...fakePeaks) : Number.NaN;
const targets = [
  ['full pull >= 0.75x baseline C (node:http, same bytes)', Q.fullVsC, '>=', 0.75, fmtRatio(Q.fullVsC)],
  ['full pull above baseline B (Fastify, same bytes)', Q.fullVsB, '>=', 1, fmtRatio(Q.fullVsB)],
  ['two-field pull >= 0.6x baseline A (hello world)', Q.twoVsA, '>=', 0.6, fmtRatio(Q.twoVsA)],
  ['p99 full pull <= 1.5x baseline B p99', Q.p99FullVsB, '<=', 1.5, fmtRatio(Q.p99FullVsB)],
  [
    'peak RSS under load < 150 MiB',
    fakePeak / 1024 / 1024,
    '<',
    150,
    Number.isFinite(fakePeak) ? fmtMB(fakePeak) : '-',
  ],
  [
    `RSS after ${X.drift?.seconds ?? 60} s of load <= 1.1x RSS after 10 s`,
    X.drift ? X.drift.drift : undefined,
    '<=',
    0.1,
    X.drift
      ? `${fmtMB(X.drift.rssAt10s)} -> ${fmtMB(X.drift.rssAtEnd)} (${(X.drift.drift * 100).toFixed(1)}%)`
      : 'not run (--quick/--no-soak)',
  ],
  [
    `start-up to first answer < 1 s (${X.startup?.mode ?? 'cli'})`,
    X.startup?.medianMs,
    '<',
    1000,
    fmtMs(X.startup?.medianMs),
  ],
  [
    'client overhead per call (signing cached) <= 20% of raw undici',
    X.client?.overhead,
    '<=',
    0.2,
    X.client ? `${(X.client.overhead * 100).toFixed(1)}%` : '-',
  ],
];
results.targets = targets.map(([name, value, op, limit, shown]) => ({
  name,
  value: Number.isFinite(value) ? value : null,
  op,
  limit,
  shown,
  verdict: verdict(value, op, limit),
}));

/** Median over rounds of the per-round req/s ratio of two rows. */
const pairedRps = (a, b) => {
  const ra = R[a]?.runs;
  const rb = R[b]?.runs;
  if (!ra || !rb) return Number.NaN;
  return median(ra.map((r, i) => ratio(r.rps, rb[i]?.rps)));
};
const lines = [];
if (Object.keys(R).length) {
  lines.push(
    table(
      [
        'row',
        'req/s (median)',
        'spread',
        'p50',
        'p99',
        'peak RSS',
        'CPU/req',
        'non-2xx',
        'errors',
        'vs C',
        'vs A',
      ],
      Object.entries(R).map(([id, r]) => [
        r.label + (r.problems.length ? ' (!)' : ''),
        fmtNum(r.rps),
        fmtSpread(r.rpsSpread),
        fmtMs(r.p50Ms),
        fmtMs(r.p99Ms),
        fmtMB(r.peakRss),
        `${fmtNum(r.cpuUsPerRequest, 1)} µs`,
        fmtNum(r.non2xx),
        fmtNum(r.errors),
        fmtRatio(pairedRps(id, 'baseline-c')),
        fmtRatio(pairedRps(id, 'baseline-a')),
      ]),
    ),
  );
  lines.push('');
}
const extras = [];
if (X.startup)
  extras.push([
    `start-up, spawn to first 200 (${X.startup.mode}, median of ${X.startup.samplesMs.length})`,
    fmtMs(X.startup.medianMs),
  ]);
if (X.contract)
  extras.push([
    `contract suite wall time (${X.contract.checks} checks, ${X.contract.counts.pass} pass, ${X.contract.counts.fail} fail)`,
    fmtMs(X.contract.wallMs),
  ]);
if (X.client) {
  extras.push([
    'raw undici Pool request + JSON.parse, per call (sequential, median)',
    `${X.client.rawUsPerCall.toFixed(0)} µs`,
  ]);
  extras.push([
    '@timock/client getAppInfo(), per call (sequential, median)',
    `${X.client.clientUsPerCall.toFixed(0)} µs`,
  ]);
  extras.push([
    `client overhead per call (median of ${X.client.blocks.raw.length} paired blocks of ${X.client.callsPerBlock})`,
    `${(X.client.overhead * 100).toFixed(1)}%`,
  ]);
}
if (Number.isFinite(Q.redis1VsMemory))
  extras.push([
    'req/s, 1 replica with Redis / in-memory fake (paired per round)',
    fmtRatio(Q.redis1VsMemory),
  ]);
if (Number.isFinite(Q.redis3VsRedis1))
  extras.push([
    'req/s, 3 replicas / 1 replica, both with Redis (paired per round)',
    fmtRatio(Q.redis3VsRedis1),
  ]);
if (X.redisCost) {
  extras.push([
    'full pull per call, sequential: in-memory fake / fake + Redis',
    `${X.redisCost.memoryUsPerCall.toFixed(0)} µs / ${X.redisCost.redisUsPerCall.toFixed(0)} µs`,
  ]);
  extras.push(['Redis path cost per call (the difference)', `${X.redisCost.costUs.toFixed(0)} µs`]);
}
if (X.drift)
  extras.push([
    `RSS drift over ${X.drift.seconds} s of load (${fmtNum(X.drift.rps)} req/s)`,
    `${fmtMB(X.drift.rssAt10s)} -> ${fmtMB(X.drift.rssAtEnd)} (min ${fmtMB(X.drift.rssMin)}, peak ${fmtMB(X.drift.peakRss)})`,
  ]);
if (extras.length) lines.push(table(['measurement', 'value'], extras), '');
lines.push(
  table(
    ['target', 'measured', 'verdict'],
    results.targets.map((t) => [t.name, t.shown, t.verdict]),
  ),
);
lines.push('');
lines.push(
  `machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}; ` +
    `${config.rounds} rounds x ${config.durationSec} s, ${config.connections} connections; ` +
    `full answer ${fullBody.length} bytes; wall time ${((Date.now() - started) / 1000).toFixed(0)} s`,
);
for (const n of notes) lines.push(`note: ${n}`);

console.log(`\n${lines.join('\n')}`);
results.meta.wallSeconds = (Date.now() - started) / 1000;
mkdirSync(dirname(config.out), { recursive: true });
writeFileSync(config.out, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nJSON written to ${config.out}`);
const problems = Object.values(R).some((r) => r.problems.length > 0);
if (problems) {
  console.error('some rows had wrong answers or errors during the load (marked (!)): see the JSON');
  process.exitCode = 1;
}
