#!/usr/bin/env node
// pnpm memory: the fake's memory whatever the number of apps (not part of CI). Starts `timock` with N apps
// (default 1,000), asks each app K distinct field sets (default 256), then runs the full pull of every
// app for a few seconds. Passes when every answer is a correct success (Result: 30 days, exactly the
// fields asked), answers re-asked after eviction are byte for byte the first ones, and the server's RSS
// stays under the target (default 300 MiB). Prints RSS after each phase and the full-pull rate.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_APP, signUserSig } from '@timock/mock-server';
import { FIELD_NAMES, GETAPPINFO_PATH } from '@timock/schema';
import { Pool } from 'undici';
import { TIMOCK_READY } from './lib/servers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const HELP = `pnpm memory [-- options]

  --apps N          apps served (default 1000)
  --field-sets K    distinct field sets asked of each app (default 256)
  --seconds S       full pulls of every app afterwards (default 5)
  --cache-budget B  the fake's --cache-budget in bytes (default: the fake's default)
  --max-rss MIB     largest accepted RSS, MiB (default 300)
  -h, --help`;
const { values: argv, positive: positiveFlag } = scriptArgs('memory', HELP, {
  apps: { type: 'string', default: '1000' },
  'field-sets': { type: 'string', default: '256' },
  seconds: { type: 'string', default: '5' },
  'cache-budget': { type: 'string' },
  'max-rss': { type: 'string', default: '300' },
});
const positive = (name) => positiveFlag(name, { integer: true });
const appCount = positive('apps');
const fieldSets = positive('field-sets');
const seconds = positive('seconds');
const maxRss = positive('max-rss');

// ------------------------------------------------------------------ the apps and their field sets
/** The identifier every app admits (the demo app's admin). */
const ADMIN = DEMO_APP.admins[0];
const apps = Array.from({ length: appCount }, (_, i) => ({
  sdkappid: 1400100000 + i,
  secretKey: `memory-app-key-${i}`,
  admins: [ADMIN],
  rateLimitPerSecond: 1_000_000,
}));
/** A seeded xorshift32: the same field sets on every run. */
let state = 0x9e3779b9;
const random = () => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 2 ** 32;
};
const fields = [...FIELD_NAMES];
const sets = [];
const seen = new Set();
while (sets.length < fieldSets) {
  const set = fields.filter(() => random() < 0.5);
  const key = set.join(',');
  if (set.length > 0 && !seen.has(key)) {
    seen.add(key);
    sets.push(set);
  }
}

// ------------------------------------------------------------------ the fake
const dir = mkdtempSync(join(tmpdir(), 'timock-memory-'));
const config = join(dir, 'apps.json');
writeFileSync(config, JSON.stringify({ apps }), { mode: 0o600 });
const cli = join(here, '..', 'packages', 'mock-server', 'dist', 'cli.js');
const budgetArgs = argv['cache-budget'] === undefined ? [] : ['--cache-budget', argv['cache-budget']];
const child = spawn(
  process.execPath,
  [cli, '--port', '0', '--config', config, '--log-level', 'silent', ...budgetArgs],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const stop = () => {
  if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
};
process.on('exit', stop);
process.on('SIGINT', () => process.exit(130));
let out = '';
const url = await new Promise((resolve, reject) => {
  child.stdout.on('data', (d) => {
    out += d;
    const m = out.match(TIMOCK_READY);
    if (m) resolve(m[1]);
  });
  child.once('exit', (code) => reject(new Error(`timock exited with code ${code}`)));
});
const rssMiB = () => {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kb = (name) => Number(status.match(new RegExp(`${name}:\\s+(\\d+) kB`))?.[1] ?? Number.NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
};

// ------------------------------------------------------------------ the calls
const pool = new Pool(url, { connections: 16, pipelining: 1 });
const nowSeconds = Math.floor(Date.now() / 1000);
const paths = apps.map((app) => {
  const usersig = signUserSig({
    sdkappid: app.sdkappid,
    secretKey: app.secretKey,
    identifier: ADMIN,
    nowMs: nowSeconds * 1000,
    lifetimeSeconds: 86_400,
  });
  return `/${GETAPPINFO_PATH}?sdkappid=${app.sdkappid}&identifier=${ADMIN}&usersig=${encodeURIComponent(usersig)}&random=1&contenttype=json`;
});
let failures = 0;
const fail = (text) => {
  if (failures++ < 5) console.error(`memory: ${text}`);
};
async function ask(appIndex, set) {
  const body = set === undefined ? '{}' : JSON.stringify({ RequestField: set });
  const res = await pool.request({
    method: 'POST',
    path: paths[appIndex],
    headers: { 'content-type': 'application/json' },
    body,
  });
  return Buffer.from(await res.body.arrayBuffer());
}
/** True when `bytes` is a success of 30 days with exactly the fields of `set` (and Date). */
function correct(bytes, set) {
  const answer = JSON.parse(bytes.toString('utf8'));
  if (answer.ErrorCode !== 0 || !Array.isArray(answer.Result) || answer.Result.length !== 30) return false;
  const wanted = new Set([...set, 'Date']);
  return answer.Result.every((day) => {
    const keys = Object.keys(day);
    return keys.every((k) => wanted.has(k));
  });
}
/** Runs `task(i)` for i < count, `width` at a time. */
async function each(count, width, task) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

console.log(
  `memory: ${appCount} apps x ${fieldSets} field sets (${sets.reduce((n, s) => n + s.length, 0) / sets.length} fields on average) against ${url}`,
);
console.log(`  after start:           RSS ${rssMiB().rss.toFixed(0)} MiB`);
/** First answers of a sample (every 100th app, every field set), to compare after eviction. */
const sample = new Map();
let t0 = performance.now();
await each(appCount * fieldSets, 32, async (n) => {
  const appIndex = Math.floor(n / fieldSets);
  const set = sets[n % fieldSets];
  const bytes = await ask(appIndex, set);
  if (!correct(bytes, set)) fail(`app ${appIndex} field set ${n % fieldSets}: wrong answer`);
  if (appIndex % 100 === 0) sample.set(n, bytes);
});
const askedMs = performance.now() - t0;
console.log(
  `  after the field sets:  RSS ${rssMiB().rss.toFixed(0)} MiB (${appCount * fieldSets} calls in ${(askedMs / 1000).toFixed(1)} s)`,
);
for (const [n, first] of sample) {
  const again = await ask(Math.floor(n / fieldSets), sets[n % fieldSets]);
  if (!again.equals(first)) fail(`call ${n}: a different answer the second time`);
}
t0 = performance.now();
let pulls = 0;
const deadline = t0 + seconds * 1000;
await each(Number.MAX_SAFE_INTEGER, 32, async () => {
  if (performance.now() > deadline) throw Object.assign(new Error('done'), { done: true });
  const bytes = await ask(pulls++ % appCount);
  if (!correct(bytes, fields)) fail('a full pull: wrong answer');
}).catch((error) => {
  if (!error.done) throw error;
});
const pullMs = performance.now() - t0;
const { rss, peak } = rssMiB();
console.log(
  `  after the full pulls:  RSS ${rss.toFixed(0)} MiB, peak ${peak.toFixed(0)} MiB (${Math.round((pulls * 1000) / pullMs)} full pulls/s over ${appCount} apps)`,
);
await pool.close();
// The server's stdout pipe would keep this process alive: stop the server now, not on exit.
stop();
const ok = failures === 0 && peak < maxRss;
console.log(`memory: answers ${failures === 0 ? 'PASS' : 'FAIL'}: ${failures} wrong`);
console.log(
  `memory: peak RSS ${peak.toFixed(0)} MiB, target < ${maxRss} MiB: ${peak < maxRss ? 'PASS' : 'MISS'}`,
);

import { scriptArgs } from './lib/script-args.mjs';

process.exitCode = ok ? 0 : 1;
