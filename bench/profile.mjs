#!/usr/bin/env node
// CPU profile of the fake under load: node bench/profile.mjs [full|two|invalid] [seconds] [timock flags]
// Starts the fake (bench/servers/fake.mjs, or with `--timock` the `timock` command with its default
// flags, its output to a file) with --cpu-prof, loads it with autocannon in another process, stops it, and prints the self time by function and by package/file. The .cpuprofile stays
// in bench/results/ (open it in Chrome DevTools or speedscope).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchRequests, LOAD_APPS } from './lib/fixtures.mjs';
import { createProcessGroup } from './lib/procs.mjs';
import { createServers } from './lib/servers.mjs';
import { table } from './lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const kind = process.argv[2] ?? 'full';
const seconds = Number(process.argv[3] ?? 10);
const dir = join(here, 'results');
const procs = createProcessGroup();
procs.installCleanup();
mkdirSync(dir, { recursive: true });

const requests = benchRequests(Math.floor(Date.now() / 1000))[kind];
if (!requests) throw new Error(`usage: node bench/profile.mjs [full|two|invalid] [seconds]`);
const timockFlags = process.argv.indexOf('--timock');
const servers = createServers({
  procs,
  root: resolve(here, '..'),
  tmp: mkdtempSync(join(tmpdir(), 'timock-profile-')),
  redisServer: undefined,
  nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir],
});
const before = new Set(readdirSync(dir));
const srv =
  timockFlags > 0
    ? await servers.timock(process.argv.slice(timockFlags + 1))
    : await servers.script('fake.mjs', [JSON.stringify({ apps: LOAD_APPS })]);
try {
  const worker = procs.forkWorker(join(here, 'lib', 'load-worker.mjs'));
  const result = await new Promise((resolve, reject) => {
    worker.on('message', (m) => {
      if (m.type === 'result') resolve(m.result);
      if (m.type === 'error') reject(new Error(m.message));
    });
    worker.send({
      type: 'run',
      config: {
        urls: [srv.url],
        connections: 50,
        durationSec: seconds,
        warmupSec: 0,
        requests,
      },
    });
  });
  worker.disconnect();
  console.log(`${kind}: ${Math.round(result.rps)} req/s under the profiler (slower than without it)`);
} finally {
  await srv.stop(); // SIGTERM: the fake closes and exits normally, which writes the profile
  await procs.stopAll();
}

const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile') && !before.has(f));
if (!file) throw new Error('no .cpuprofile written');
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));

// Self time per node = samples hitting it x average interval.
const hits = new Map();
for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
const total = profile.samples.length;
const byFunction = new Map();
const byPlace = new Map();
const placeOf = (url) => {
  if (!url) return '(native / VM)';
  if (url.startsWith('node:')) return url;
  const m = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
  if (m) return `${m[1]}/${m[2].split('/').slice(-1)[0]}`;
  return url.replace(/^file:\/\/.*?\/(packages|bench)\//, '$1/');
};
for (const node of profile.nodes) {
  const n = hits.get(node.id) ?? 0;
  if (!n) continue;
  const cf = node.callFrame;
  const place = placeOf(cf.url);
  const fn = `${cf.functionName || '(anonymous)'}  ${place}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + n);
  byPlace.set(place, (byPlace.get(place) ?? 0) + n);
}
const top = (m, k) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(([name, n]) => [name, `${((n / total) * 100).toFixed(1)}%`]);
console.log(`\nself time by function (top 25 of ${total} samples)\n`);
console.log(table(['function  file:line', 'self'], top(byFunction, 25)));
console.log('\nself time by file\n');
console.log(table(['file', 'self'], top(byPlace, 20)));
console.log(`\nprofile: ${join(dir, file)}`);
