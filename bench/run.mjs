#!/usr/bin/env node
// pnpm bench: the `timock` command as users run it, the in-process fake and its replicas, against bare
// Fastify and node:http baselines and a calibration row, in alternating rounds; the client's overhead,
// the Redis path's cost and start-up time. See bench/README.md.
//
// The orchestrator (this process) stays mostly idle: every server runs in its own child process and
// the load generator (wrk, or autocannon when wrk is not installed) in another.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureClient, measureRedisCost, measureStartup } from './lib/extras.mjs';
import { benchRequests, LOAD_APPS } from './lib/fixtures.mjs';
import { createSampler } from './lib/http.mjs';
import { runRounds } from './lib/measure.mjs';
import { HELP, parseBenchArgs } from './lib/options.mjs';
import { createProcessGroup, findBinary } from './lib/procs.mjs';
import { createProgress } from './lib/progress.mjs';
import { generatorHeadroom, judgeTargets, pairedRatio, rowsTable, targetsTable } from './lib/report.mjs';
import { createRows } from './lib/rows.mjs';
import { createServers } from './lib/servers.mjs';
import { fmtMB, fmtMs, fmtNum, fmtRatio, table } from './lib/stats.mjs';
import { pickGenerator } from './lib/wrk.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
let config;
try {
  config = parseBenchArgs(process.argv.slice(2), join(here, 'results', 'latest.json'));
} catch (error) {
  // A bad flag or value: one line and exit 2, as the other bench scripts.
  console.error(`bench: ${String(error.message).split('\n')[0]} (see --help)`);
  process.exit(2);
}
if (config.help) {
  console.log(HELP);
  process.exit(0);
}

const procs = createProcessGroup();
procs.installCleanup();
const tmp = mkdtempSync(join(tmpdir(), 'timock-bench-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const sampler = createSampler();
const started = Date.now();
const notes = [];
/** @type {Record<string, string>} why a row or measurement was not run */
const skipped = {};

try {
  const { generator, note: generatorNote } = pickGenerator(config.generator, findBinary('wrk'));
  if (generatorNote) notes.push(generatorNote);
  const load = { ...config.load, generator };
  const requests = benchRequests(Math.floor(Date.now() / 1000));
  const servers = createServers({ procs, root, tmp, redisServer: findBinary('redis-server') });
  const fakeOptions = JSON.stringify({ apps: LOAD_APPS });

  // The fake's answers, fetched once; the baselines serve the same bytes.
  const bodies = { hello: Buffer.from('{"hello":"world"}') };
  const fake = await servers.script('fake.mjs', [fakeOptions]);
  try {
    for (const kind of ['full', 'two', 'invalid'])
      bodies[kind] = (await sampler.sample(fake.url, requests[kind][0])).body;
  } finally {
    await fake.stop();
  }
  const files = { full: join(tmp, 'full.json'), hello: join(tmp, 'hello.json') };
  writeFileSync(files.full, bodies.full);
  writeFileSync(files.hello, bodies.hello);

  const allRows = createRows({ servers, requests, bodies, files, fakeOptions });
  let rows = config.rows.map((id) => allRows[id]);
  if (!servers.hasRedis) {
    for (const r of rows.filter((r) => r.redis)) skipped[r.id] = 'skipped: no redis-server';
    rows = rows.filter((r) => !r.redis);
  }
  for (const [id, reason] of Object.entries(skipped)) notes.push(`${id} ${reason}`);

  const withRedisCost = config.extras && servers.hasRedis && rows.some((r) => r.redis);
  const progress = createProgress(
    rows.length * config.rounds + (config.extras ? 2 : 0) + (withRedisCost ? 1 : 0),
  );
  const print = (text) => {
    progress.clear();
    console.log(text);
  };
  print(
    `timock bench: ${rows.length} rows x ${config.rounds} rounds, ${generator.name}, ${config.load.connections} connections, ` +
      `${config.load.warmupSec} s warm-up + ${config.load.durationSec} s per load; node ${process.version}, ${cpus().length} CPUs; ` +
      `full answer ${bodies.full.length} bytes, two-field ${bodies.two.length} bytes`,
  );

  if (generatorNote) print(`note: ${generatorNote}`);
  const runs = await runRounds({ procs, sampler, load }, rows, config.rounds, {
    step: progress.step,
    result: (round, row, r) =>
      print(
        `  round ${round + 1}/${config.rounds}  ${row.label.padEnd(42)} ${fmtNum(r.rps).padStart(7)} req/s` +
          `  p99 ${fmtMs(r.latencyMs.p99)}  RSS ${fmtMB(r.peakRss)}  CPU ${fmtNum(r.cpuUsPerRequest, 1)} µs/req` +
          `  server ${Math.round(r.serverCpu * 100)}%  gen ${Math.round(r.generatorCpu * 100)}%` +
          (r.cpuBound ? '' : `  [not CPU-bound: ${r.reason}]`) +
          (r.problems.length ? `  !! ${r.problems.join('; ')}` : ''),
      ),
  });

  const extras = { skipped };
  if (config.extras) {
    progress.step('client overhead');
    const client = await measureClient({
      procs,
      servers,
      here,
      usersig: requests.usersig,
      fakeOptions,
      blocks: config.blocks,
    });
    if (client.skipped) skipped.client = client.skipped;
    else extras.client = client;
    progress.step('start-up time');
    extras.startup = await measureStartup({
      procs,
      root,
      request: requests.full[0],
      samples: config.startupSamples,
    });
  } else skipped.client = 'not measured (--no-extras)';
  if (withRedisCost) {
    progress.step('Redis path cost per call');
    extras.redisCost = await measureRedisCost({
      servers,
      sampler,
      requests: requests.full,
      check: allRows.timock.check,
      blocks: config.blocks,
    });
  }
  progress.clear();

  const targets = judgeTargets(runs, extras);
  const labels = Object.fromEntries(rows.map((r) => [r.id, r.label]));
  const lines = [rowsTable(runs, labels), ''];
  const measured = [];
  const head = generatorHeadroom(runs);
  if (Number.isFinite(head.calibration))
    measured.push([
      'generator capacity (calibration row) / fastest other row',
      `${fmtNum(head.calibration)} / ${fmtNum(head.fastest.rps)} req/s (${head.fastest.id})`,
    ]);
  if (runs.timock && runs['timock-silent']) {
    // What the default request lines cost: req/s with them over req/s without (paired per clean round).
    const r = pairedRatio(runs.timock, runs['timock-silent']);
    measured.push([
      'req/s, timock default / --log-level silent (the request lines)',
      r.reason ?? fmtRatio(r.value),
    ]);
  }
  if (extras.client) {
    measured.push([
      'raw undici request + JSON.parse, per call (sequential, median)',
      `${extras.client.rawUsPerCall.toFixed(0)} µs`,
    ]);
    measured.push([
      '@timock/client getAppInfo(), per call (sequential, median)',
      `${extras.client.clientUsPerCall.toFixed(0)} µs`,
    ]);
  }
  if (extras.redisCost)
    measured.push([
      'full pull, sequential: timock in memory / with --redis (the Redis path per call)',
      `${extras.redisCost.memoryUsPerCall.toFixed(0)} µs / ${extras.redisCost.redisUsPerCall.toFixed(0)} µs (+${extras.redisCost.costUs.toFixed(0)} µs)`,
    ]);
  if (extras.startup)
    measured.push([
      `timock start-up to first answer (median of ${extras.startup.samplesMs.length})`,
      fmtMs(extras.startup.medianMs),
    ]);
  if (measured.length) lines.push(table(['measurement', 'value'], measured), '');
  lines.push(targetsTable(targets), '');
  lines.push(
    `machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}; ${config.rounds} rounds x ` +
      `(${config.load.warmupSec} s + ${config.load.durationSec} s), ${config.load.connections} connections, ` +
      `load generator ${generator.name}; ` +
      `wall time ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  for (const n of notes) lines.push(`note: ${n}`);
  console.log(`\n${lines.join('\n')}`);

  mkdirSync(dirname(config.out), { recursive: true });
  const results = {
    meta: {
      date: new Date().toISOString(),
      node: process.version,
      nproc: cpus().length,
      cpu: cpus()[0]?.model,
      generator: generator.name,
      config,
    },
    runs,
    extras,
    targets,
    notes,
  };
  writeFileSync(config.out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nJSON written to ${config.out}`);
  if (Object.values(runs).some((rs) => rs.some((r) => r.problems.length > 0))) {
    console.error('some rows had wrong answers or errors during the load (marked (!)): see the JSON');
    process.exitCode = 1;
  }
} finally {
  await procs.stopAll();
  await sampler.close();
}
