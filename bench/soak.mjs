#!/usr/bin/env node
// pnpm soak: 60 s of moderate, mixed load on the fake over loopback (not part of CI). Passes when there
// were no errors, timeouts or non-200 answers, every sampled answer had its expected code, and RSS stayed
// flat; reports the server's event-loop delay. Reuses the benchmark's pieces (lib/, servers/fake.mjs).
// `--combined`: two replicas on Redis, fault rules, a Redis restart and a SIGTERM (lib/combined-soak.mjs).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_APP, signUserSig } from '@timock/mock-server';
import { GETAPPINFO_PATH } from '@timock/schema';
import { runCombinedSoak } from './lib/combined-soak.mjs';
import { createSampler } from './lib/http.mjs';
import { runLoad } from './lib/load.mjs';
import { createProcessGroup } from './lib/procs.mjs';
import { createProgress } from './lib/progress.mjs';
import { scriptArgs } from './lib/script-args.mjs';
import { fmtMB, fmtMs, fmtNum, rssLevels } from './lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const HELP = `pnpm soak [-- options]

  --seconds S       length of the load (default 60; 40 with --combined)
  --rate N          requests per second over all connections (default 1500; 600 with --combined)
  --connections N   concurrent connections (default 10; per replica with --combined)
  --max-drift F     largest accepted RSS growth from 10 s to the end, as a fraction (default 0.10)
  --combined        two timock --redis replicas and a redis-server of its own: load checked answer by
                    answer, fault rules (admin API), Redis killed and restarted mid-run, SIGTERM to
                    one replica at the end (needs redis-server and the build; about 60 s)
  -h, --help`;

const { values, positive } = scriptArgs('soak', HELP, {
  seconds: { type: 'string' },
  rate: { type: 'string' },
  connections: { type: 'string', default: '10' },
  'max-drift': { type: 'string', default: '0.10' },
  combined: { type: 'boolean', default: false },
});
values.seconds ??= values.combined ? '40' : '60';
values.rate ??= values.combined ? '600' : '1500';
const seconds = positive('seconds');
const rate = positive('rate');
const connections = Math.round(positive('connections'));
const maxDrift = positive('max-drift');

// Two apps: the demo app with its limit out of the way, and one at 100 calls/s that the mix exceeds.
const LIMITED = {
  sdkappid: 1400000009,
  secretKey: 'soak-limited-app-key',
  admins: ['ops'],
  rateLimitPerSecond: 100,
};
const OPTIONS = { apps: [{ ...DEMO_APP, rateLimitPerSecond: 1_000_000 }, LIMITED] };
const PATH = `/${GETAPPINFO_PATH}`;
/** A path beside the API's (the same service, another command): answered 60009. */
const OTHER_PATH = PATH.replace(/[^/]+$/, 'other');
const ADMIN = DEMO_APP.admins[0];
const sig = (app, identifier, key = app.secretKey) =>
  signUserSig({ sdkappid: app.sdkappid, secretKey: key, identifier, lifetimeSeconds: 86_400 });
const query = (app, identifier, usersig, extra = '') =>
  `sdkappid=${app.sdkappid}&identifier=${identifier}&usersig=${encodeURIComponent(usersig)}&random=7&contenttype=json${extra}`;
const good = sig(DEMO_APP, ADMIN);
const post = (path, body) => ({
  method: 'POST',
  path,
  headers: { 'content-type': 'application/json' },
  body,
});

/** The mix, each with the code it must answer (the limited app: 0 or 60007). */
const MIX = [
  { code: 0, req: post(`${PATH}?${query(DEMO_APP, ADMIN, good)}`, '{}') },
  {
    code: 0,
    req: post(`${PATH}?${query(DEMO_APP, ADMIN, good)}`, '{"RequestField":["ChainIncrease"]}'),
  },
  {
    code: 70009,
    req: post(`${PATH}?${query(DEMO_APP, ADMIN, sig(DEMO_APP, ADMIN, 'x'))}`, '{}'),
  },
  {
    code: 60002,
    req: post(`${PATH}?${query(DEMO_APP, ADMIN, good).replace('random=7', 'random=x')}`, '{}'),
  },
  { code: 60009, req: post(`${OTHER_PATH}?${query(DEMO_APP, ADMIN, good)}`, '{}') },
  { code: 130001, req: post(`${PATH}?${query(DEMO_APP, ADMIN, good)}`, '{"RequestField":') },
  { code: [0, 60007], req: post(`${PATH}?${query(LIMITED, 'ops', sig(LIMITED, 'ops'))}`, '{}') },
];

/** Every request of the mix answered once; the problems found. */
async function checkSamples(url, when) {
  const problems = [];
  for (const { code, req } of MIX) {
    const s = await sampler.sample(url, req);
    const ok = s.status === 200 && [code].flat().includes(s.json?.ErrorCode);
    if (!ok)
      problems.push(
        `${when}: ${req.path.split('?')[0]} answered HTTP ${s.status} ${s.body.toString().slice(0, 120)}`,
      );
  }
  return problems;
}

if (values.combined) {
  const cli = join(here, '..', 'packages', 'mock-server', 'dist', 'cli.js');
  const flags = { seconds, rate, connections, maxDrift };
  process.exit(await runCombinedSoak({ cli, mix: MIX, options: OPTIONS, flags }));
}

const procs = createProcessGroup();
procs.installCleanup();
const sampler = createSampler();
let failed = false;
try {
  console.log(
    `timock soak: ${seconds} s, ${fmtNum(rate)} req/s over ${connections} connections, ${MIX.length} kinds of request; node ${process.version}`,
  );
  const srv = await procs.startProcess(
    process.execPath,
    [join(here, 'servers', 'fake.mjs'), JSON.stringify(OPTIONS)],
    {
      cwd: here,
      env: { ...process.env, TIMOCK_BENCH_ELD: '1' },
    },
  );
  const progress = createProgress(3);
  progress.step('one request of each kind, before');
  const problems = await checkSamples(srv.url, 'before');
  progress.step(`${seconds} s of load at ${fmtNum(rate)} req/s`);
  const r = await runLoad(
    procs,
    srv,
    MIX.map((m) => m.req),
    { connections, durationSec: seconds, warmupSec: 0, overallRate: rate },
  );
  progress.step('one request of each kind, after');
  problems.push(...(await checkSamples(srv.url, 'after')));
  progress.clear();
  if (!srv.alive()) problems.push('the server process died');
  await srv.stop();
  const eldLine = srv.stdout().match(/^ELD (.+)$/m)?.[1];
  const eld = eldLine ? JSON.parse(eldLine) : undefined;
  const { at10, atEnd, every5s } = rssLevels(r.rssSeries, seconds);
  const drift = atEnd / at10 - 1;
  if (r.errors > 0 || r.timeouts > 0) problems.push(`${r.errors} errors (${r.timeouts} timeouts)`);
  if (r.non2xx > 0) problems.push(`${r.non2xx} non-200 answers`);
  if (!(drift <= maxDrift)) problems.push(`RSS grew ${(drift * 100).toFixed(1)} % from 10 s to the end`);
  console.log(
    `  answers      ${fmtNum(r.requests)} (${fmtNum(r.rps)} req/s), statuses ${JSON.stringify(r.statuses)}`,
  );
  console.log(`  errors       ${r.errors} (timeouts ${r.timeouts}), non-200 ${r.non2xx}`);
  console.log(
    `  latency      p50 ${fmtMs(r.latencyMs.p50)}  p99 ${fmtMs(r.latencyMs.p99)}  max ${fmtMs(r.latencyMs.max)}`,
  );
  console.log(
    `  RSS          ${fmtMB(at10)} at 10 s -> ${fmtMB(atEnd)} at the end (${(drift * 100).toFixed(1)} %, limit ${(maxDrift * 100).toFixed(0)} %); peak ${fmtMB(r.peakRss)}`,
  );
  console.log(`  RSS every 5 s  ${every5s.map(([t, v]) => `${t}s ${fmtMB(v)}`).join('  ')}`);
  console.log(
    eld
      ? `  event loop   delay p50 ${fmtMs(eld.p50)}  p99 ${fmtMs(eld.p99)}  max ${fmtMs(eld.max)} (server process, lateness of a 10 ms timer)`
      : '  event loop   delay not reported by the server',
  );
  for (const p of problems) console.log(`  !! ${p}`);
  failed = problems.length > 0;
  console.log(failed ? 'soak: FAIL' : 'soak: PASS');
} catch (error) {
  console.error(`soak: ${error instanceof Error ? error.message : String(error)}`);
  failed = true;
} finally {
  await procs.stopAll();
  await sampler.close();
}
process.exitCode = failed ? 1 : 0;
