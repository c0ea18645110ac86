// `pnpm soak -- --combined`: everything that can go wrong at once, bounded in time, on 127.0.0.1 only.
// Two `timock --redis` replicas share a redis-server this script starts; a paced load (checked answer by
// answer) runs on both while fault rules are added through the admin API, Redis is killed and started
// again on the same port, and at the end one replica gets SIGTERM. Passes when every answer is a complete
// IM envelope with a code it may have (70500 only while Redis is down), no request went unanswered
// (a request refused by the closing replica is sent again to the other and must be answered there),
// each fault rule fired exactly as often as it said, RSS stayed flat, and the closed replica exited 0.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { createProcessGroup, findBinary, freePort, readMemory } from './procs.mjs';
import { fmtMB, fmtNum } from './stats.mjs';

const READY = /serving getappinfo at (\S+)/;
/** The fault rules' code: one the fake never answers on its own, so each one counted is a firing. */
const FAULT_CODE = 70169;
/** After Redis is back, how long the replicas may still answer 70500 (their reconnect), ms. */
const RECONNECT_GRACE_MS = 5000;

/**
 * Runs the combined soak with a process group of its own (every child stopped at the end, on error
 * and on Ctrl-C) and prints its figures and verdict.
 * @param {Omit<Parameters<typeof combinedSoak>[0], 'procs'>} ctx
 * @returns {Promise<number>} the exit code: 0 when it passed
 */
export async function runCombinedSoak(ctx) {
  const { seconds, rate, connections } = ctx.flags;
  console.log(
    `timock soak --combined: ${seconds} s, ${fmtNum(rate)} req/s over 2 replicas x ${connections} connections, fault rules, a Redis restart, a SIGTERM; node ${process.version}`,
  );
  const procs = createProcessGroup();
  procs.installCleanup();
  let problems;
  try {
    problems = await combinedSoak({ ...ctx, procs });
  } catch (error) {
    problems = [error instanceof Error ? error.message : String(error)];
  } finally {
    await procs.stopAll();
  }
  for (const p of problems) console.log(`  !! ${p}`);
  console.log(problems.length > 0 ? 'soak: FAIL' : 'soak: PASS');
  return problems.length > 0 ? 1 : 0;
}

/**
 * @param {object} ctx
 * @param {ReturnType<import('./procs.mjs').createProcessGroup>} ctx.procs
 * @param {string} ctx.cli      the built `timock` entry (packages/mock-server/dist/cli.js)
 * @param {{ req: { method: string, path: string, headers: Record<string, string>, body: string }, code: number | number[] }[]} ctx.mix
 * @param {object} ctx.options  `{ apps }` for the replicas' config file
 * @param {{ seconds: number, rate: number, connections: number, maxDrift: number }} ctx.flags
 * @returns {Promise<string[]>} the problems found (none: PASS)
 */
async function combinedSoak({ procs, cli, mix, options, flags }) {
  const redisServer = findBinary('redis-server');
  if (redisServer === undefined) return ['no redis-server on PATH: the combined soak needs one'];
  const dir = mkdtempSync(join(tmpdir(), 'timock-soak-'));
  const pools = [];
  try {
    const config = join(dir, 'apps.json');
    writeFileSync(config, JSON.stringify(options), { mode: 0o600 });
    const redisPort = await freePort();
    const startRedis = () =>
      procs.startProcess(
        redisServer,
        [
          '--port',
          String(redisPort),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'no',
          '--dir',
          dir,
        ],
        { cwd: dir, readyPattern: /(Ready) to accept connections/, url: `redis://127.0.0.1:${redisPort}` },
      );
    let redis = await startRedis();
    const replicaArgs = [
      cli,
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--config',
      config,
      '--log-level',
      'warn',
    ];
    const redisArgs = ['--redis', redis.url, '--redis-prefix', 'soak'];
    const replicas = [];
    for (let i = 0; i < 2; i++)
      replicas.push(
        await procs.startProcess(process.execPath, [...replicaArgs, ...redisArgs], {
          cwd: dir,
          readyPattern: READY,
        }),
      );
    for (const r of replicas) pools.push(new Pool(r.url, { connections: flags.connections }));
    const t0 = performance.now();
    const at = (fraction) => t0 + fraction * flags.seconds * 1000;
    const tally = createTally();
    /** [start, end] of the Redis outage, performance.now() ms (end: back up plus the reconnect grace). */
    const outage = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
    /** Set once replica 1 got SIGTERM: a request it refuses is sent again to replica 0. */
    let closing = false;
    const rss = [[], []];

    const send = async (i, n) => {
      const item = mix[n % mix.length];
      // Replica 1 gets its share until it has exited (drained), then replica 0 takes it.
      const target = i === 1 && !replicas[1].alive() ? 0 : i;
      let res;
      try {
        res = await pools[target].request(item.req);
      } catch (error) {
        if (target === 1 && closing) {
          tally.resent++;
          res = await pools[0].request(item.req).catch((again) => again);
        } else res = error;
        if (res instanceof Error)
          return tally.lost(`${target === 1 ? 'replica 1' : 'replica 0'}: ${res.code ?? res.message}`);
      }
      const body = Buffer.from(await res.body.arrayBuffer());
      const now = performance.now();
      if (target === 1 && closing) tally.drained++;
      tally.answer(res.statusCode, body, item, now >= outage[0] && now <= outage[1]);
    };
    // The load: `rate` requests per second in all, spread over both replicas, until the end.
    const load = paced(
      flags.rate,
      flags.connections * 2,
      () => performance.now() < at(1),
      (n) => send(n % 2, n >> 1),
    );
    const sampler = setInterval(() => {
      for (const [i, r] of replicas.entries()) {
        const { rss: bytes } = readMemory(r.pid);
        if (r.alive() && Number.isFinite(bytes)) rss[i].push(bytes);
      }
    }, 1000);

    const admin = (method, path, body) =>
      pools[0]
        .request({
          method,
          path: `/__admin${path}`,
          headers: { 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        })
        .then(async (res) => ({
          status: res.statusCode,
          json: await res.body.json().catch(() => undefined),
        }));
    const problems = [];
    /** Adds a rule (retried while the admin API answers 503: Redis not reachable yet). */
    const addRule = async (rule) => {
      const deadline = performance.now() + 10_000;
      for (;;) {
        const res = await admin('POST', '/faults', rule);
        if (res.status === 201) return res.json.id;
        if (res.status !== 503 || performance.now() > deadline) {
          problems.push(`POST /__admin/faults answered ${res.status}`);
          return undefined;
        }
        await sleep(200);
      }
    };
    const firedOf = async (id) =>
      (await admin('GET', '/faults')).json?.faults?.find((f) => f.id === id)?.fired;

    // 15 %: fault rules (a fixed count, and a delay on a tenth of the calls for 5 s).
    await until(at(0.15));
    const first = await addRule({ errorCode: FAULT_CODE, times: 40 });
    await addRule({ delayMs: [5, 30], probability: 0.1, seed: 7, seconds: 5 });
    await until(at(0.3));
    const firstFired = first === undefined ? undefined : await firedOf(first);
    // 35 %: Redis killed; 3 s later started again on the same port (empty: the rules are gone with it).
    await until(at(0.35));
    outage[0] = performance.now();
    process.kill(redis.pid, 'SIGKILL');
    await sleep(3000);
    redis = await startRedis();
    outage[1] = performance.now() + RECONNECT_GRACE_MS;
    // A rule after the restart: the shared state works again.
    await until(outage[1]);
    const second = await addRule({ errorCode: FAULT_CODE, times: 25 });
    await until(at(0.8));
    const secondFired = second === undefined ? undefined : await firedOf(second);
    // 82 %: a fifth of the calls slowed for 3 s, so that replica 1 has requests in flight to drain.
    await until(at(0.82));
    await addRule({ delayMs: [200, 400], probability: 0.2, seed: 3, seconds: 3 });
    // 85 %: SIGTERM to replica 1 under load; it drains and must exit 0.
    await until(at(0.85));
    const termAt = performance.now();
    const samplesBeforeTerm = rss[0].length;
    closing = true;
    process.kill(replicas[1].pid, 'SIGTERM');
    const exitCode = await replicas[1].exitCode();
    const drainMs = performance.now() - termAt;
    await load;
    clearInterval(sampler);

    if (firstFired !== 40) problems.push(`the first rule (times 40) fired ${firstFired} times`);
    if (secondFired !== 25)
      problems.push(`the rule added after the restart (times 25) fired ${secondFired} times`);
    if (tally.faulted !== 65) problems.push(`${tally.faulted} answers with ${FAULT_CODE}, not 40 + 25`);
    if (exitCode !== 0) problems.push(`replica 1 exited with ${exitCode} after SIGTERM, not 0`);
    problems.push(...tally.problems());
    // Flat: from 10 s in to just before the SIGTERM (then replica 0 takes replica 1's share too).
    const level = (series, n = series.length) => [series[Math.min(10, n - 1)], series[n - 1]];
    const [firstRss, lastRss] = level(rss[0], samplesBeforeTerm);
    const drift = lastRss / firstRss - 1;
    if (!(drift <= flags.maxDrift)) problems.push(`replica 0's RSS grew ${(drift * 100).toFixed(1)} %`);
    const [first1, last1] = level(rss[1]);
    console.log(`  answers      ${fmtNum(tally.answered)}, codes ${JSON.stringify(tally.codes)}`);
    console.log(
      `  outage       Redis down ${((outage[1] - RECONNECT_GRACE_MS - outage[0]) / 1000).toFixed(1)} s: ${fmtNum(tally.outage)} answers 70500`,
    );
    console.log(
      `  faults       ${FAULT_CODE}: ${tally.faulted} answers (rules fired ${firstFired} + ${secondFired})`,
    );
    console.log(
      `  SIGTERM      replica 1 exited ${exitCode} after ${fmtNum(drainMs)} ms, having answered ${tally.drained} requests in flight; ${tally.resent} requests it refused sent again to replica 0`,
    );
    console.log(
      `  RSS          replica 0: ${fmtMB(firstRss)} at 10 s -> ${fmtMB(lastRss)} before the SIGTERM (${(drift * 100).toFixed(1)} %, limit ${(flags.maxDrift * 100).toFixed(0)} %), ${fmtMB(rss[0].at(-1))} at the end; replica 1: ${fmtMB(first1)} -> ${fmtMB(last1)}`,
    );
    return problems;
  } finally {
    await Promise.all(pools.map((p) => p.destroy()));
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What the answers were: counts by code, and what must not happen (an incomplete envelope, a code the
 * request may not get, a 70500 outside the outage, a request never answered).
 */
function createTally() {
  const codes = {};
  const wrong = [];
  const note = (text) => wrong.length < 10 && wrong.push(text);
  let lostCount = 0;
  const tally = {
    answered: 0,
    outage: 0,
    faulted: 0,
    resent: 0,
    drained: 0,
    codes,
    lost(text) {
      lostCount++;
      note(`unanswered: ${text}`);
    },
    answer(status, body, item, inOutage) {
      tally.answered++;
      const env = envelope(status, body);
      if (typeof env === 'string') return note(`${item.req.path.split('?')[0]}: ${env}`);
      codes[env.ErrorCode] = (codes[env.ErrorCode] ?? 0) + 1;
      if (env.ErrorCode === FAULT_CODE) tally.faulted++;
      else if (env.ErrorCode === 70500 && inOutage) tally.outage++;
      else if (![item.code].flat().includes(env.ErrorCode))
        note(
          `${item.req.path.split('?')[0]} answered ${env.ErrorCode}${env.ErrorCode === 70500 ? ' outside the outage' : ''}`,
        );
    },
    problems: () => [...wrong, ...(lostCount > 0 ? [`${lostCount} requests unanswered`] : [])],
  };
  return tally;
}

/** The envelope of an answer, or why it is not a complete one. */
function envelope(status, body) {
  if (status !== 200) return `HTTP ${status}`;
  let env;
  try {
    env = JSON.parse(body.toString('utf8'));
  } catch {
    return `not JSON (${body.length} bytes)`;
  }
  if (typeof env?.ErrorCode !== 'number' || typeof env.ErrorInfo !== 'string')
    return 'no ErrorCode/ErrorInfo';
  if (env.ErrorCode === 0)
    return Array.isArray(env.Result) && env.Result.length === 30 ? env : 'Result not 30 days';
  return env.ActionStatus === 'FAIL' ? env : 'a failure without ActionStatus FAIL';
}

/** Runs `task(n)` for n = 0, 1, ... at `rate` per second, at most `width` at a time, while `more()`. */
async function paced(rate, width, more, task) {
  const start = performance.now();
  let next = 0;
  const lane = async () => {
    while (more()) {
      const n = next++;
      const due = start + (n * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      await task(n);
    }
  };
  await Promise.all(Array.from({ length: width }, lane));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const until = (t) => sleep(Math.max(0, t - performance.now()));
