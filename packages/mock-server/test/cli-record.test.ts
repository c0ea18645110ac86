/**
 * `timock record` against a second fake as the upstream, then `timock --fixtures` replaying it.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ERROR_CODES, GETAPPINFO_PATH } from '@timock/schema';
import { stripStyles } from '@timock/terminal';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliResult, main } from '../src/cli/run.js';
import { DEMO_APP } from '../src/options.js';
import { type StartedServer, startServer } from '../src/server.js';
import { signedQuery } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'timock-record-'));
const UPSTREAM_APP = {
  sdkappid: 1400000042,
  secretKey: 'the-upstream-secret-key',
  admins: ['recorder'],
  appName: '录制 "quoted" app',
  company: 'Upstream Co',
};
const running: StartedServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function cli(argv: string[], env: Record<string, string> = {}, isTty = false) {
  const out: string[] = [];
  const err: string[] = [];
  const result: CliResult = await main(argv, env, {
    outLine: (l) => out.push(l),
    errLine: (l) => err.push(l),
    outIsTty: isTty,
    errIsTty: isTty,
  });
  if ('server' in result) running.push(result.server);
  return { result, out, err };
}

async function pull(
  url: string,
  app: { sdkappid: number; secretKey: string },
  body: string,
  identifier: string,
) {
  const query = new URLSearchParams(signedQuery(app, Date.now(), { identifier }));
  const res = await request(`${url}/${GETAPPINFO_PATH}?${query}`, { method: 'POST', body });
  return res.body.text();
}

const recordArgs = (upstream: string, out: string, key = UPSTREAM_APP.secretKey) => [
  'record',
  '--upstream',
  upstream,
  '--sdkappid',
  String(UPSTREAM_APP.sdkappid),
  '--identifier',
  'recorder',
  '--out',
  out,
  '--secret-key',
  key,
];

describe('record and replay', { timeout: 20_000 }, () => {
  it('replays the upstream figures byte for byte, keeping the signature, admin and filtering checks', async () => {
    const upstream = await startServer({ apps: [UPSTREAM_APP], seed: 99 });
    running.push(upstream);
    const file = join(dir, 'recorded.json');
    const recorded = await cli(recordArgs(upstream.url, file));
    expect(recorded.result).toEqual({ exitCode: 0 });
    expect(recorded.out).toEqual([`recorded 30 days of app 1400000042 from ${upstream.url} to ${file}`]);
    // Progress on stderr, one plain line per step; never the key.
    expect(recorded.err).toEqual([
      `timock: requesting every field of app 1400000042's last 30 days from ${upstream.url} ...`,
      expect.stringMatching(
        /^timock: checking the answer \(\d{4,} bytes\) against the getappinfo schema \.\.\.$/,
      ),
      `timock: writing 30 days to ${file} ...`,
    ]);
    expect(recorded.err.join('\n')).not.toContain(UPSTREAM_APP.secretKey);
    // On a terminal the same lines, coloured: progress dim, the result green.
    const onTty = await cli(recordArgs(upstream.url, join(dir, 'recorded-tty.json')), {}, true);
    expect(onTty.err[0]).toBe(`\u001b[2m${recorded.err[0]}\u001b[22m`);
    expect(onTty.out[0]).toBe(`\u001b[32m${stripStyles(onTty.out[0]!)}\u001b[39m`);
    expect(onTty.out[0]).toMatch(/recorded 30 days of app 1400000042 .*recorded-tty\.json/);

    const text = readFileSync(file, 'utf8');
    for (const secret of [UPSTREAM_APP.secretKey, 'usersig', 'TLS.sig']) expect(text).not.toContain(secret);
    expect(JSON.parse(text)).toMatchObject({
      timockFixture: 1,
      sdkappid: 1400000042,
      admins: ['recorder'],
      appName: UPSTREAM_APP.appName,
      company: 'Upstream Co',
      source: upstream.url,
    });

    // The replaying fake does not know the app: it serves it with the public demo key.
    const replay = await cli(['--port', '0', '--fixtures', file, '--log-level', 'silent', '--seed', '1']);
    expect('server' in replay.result).toBe(true);
    expect(replay.out.join('\n')).toMatch(
      /1400000042 serves 30 recorded days from .*signed with the public demo key/,
    );
    const replayUrl = (replay.result as { server: StartedServer }).server.url;
    const replayApp = { sdkappid: UPSTREAM_APP.sdkappid, secretKey: DEMO_APP.secretKey };
    for (const body of ['{}', '{"RequestField":["ChainIncrease","AppName"]}', '{"RequestField":[]}']) {
      const original = await pull(upstream.url, UPSTREAM_APP, body, 'recorder');
      const replayed = await pull(replayUrl, replayApp, body, 'recorder');
      expect(replayed).toBe(original);
      expect(JSON.parse(replayed).Result).toHaveLength(30);
    }
    const wrongKey = await pull(replayUrl, UPSTREAM_APP, '{}', 'recorder');
    expect(JSON.parse(wrongKey).ErrorCode).toBe(70009);
    expect(JSON.parse(await pull(replayUrl, replayApp, '{}', 'someone')).ErrorCode).toBe(60010); // not an admin
  });

  it('serves a fixture for a configured app with its own key, from the config field', async () => {
    const fixture = {
      timockFixture: 1,
      sdkappid: DEMO_APP.sdkappid,
      admins: ['administrator'],
      recordedAt: '2025-03-10T04:00:00Z',
      source: 'china',
      days: [
        { QQ: '12', Date: '20250309', ChainIncrease: '5', AppName: 'Kept order' },
        { Date: '20250308', ChainIncrease: '4', QQ: '11', AppName: 'Kept order' },
      ],
    };
    writeFileSync(join(dir, 'demo-fixture.json'), JSON.stringify(fixture));
    const config = join(dir, 'with-fixture.json');
    writeFileSync(config, JSON.stringify({ apps: [DEMO_APP], fixtures: ['demo-fixture.json'] }));
    const replay = await cli(['--port', '0', '--config', config, '--log-level', 'silent']);
    const url = (replay.result as { server: StartedServer }).server.url;
    expect(await pull(url, DEMO_APP, '{}', 'administrator')).toBe(
      `{"ErrorCode":0,"ErrorInfo":"OK","Result":${JSON.stringify(fixture.days)}}`,
    );
    expect(
      JSON.parse(await pull(url, DEMO_APP, '{"RequestField":["ChainIncrease"]}', 'administrator')).Result,
    ).toEqual([
      { Date: '20250309', ChainIncrease: '5' },
      { Date: '20250308', ChainIncrease: '4' },
    ]);
  });

  it('checks --out before calling anyone: one line and exit 2 when it cannot be written', async () => {
    const upstream = await startServer({ apps: [UPSTREAM_APP] });
    running.push(upstream);
    const readOnly = join(dir, 'read-only');
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o555);
    const cases: [string, string][] = [
      [join(dir, 'no', 'such', 'x.json'), `directory ${join(dir, 'no', 'such')} does not exist`],
      [dir, 'it is a directory'],
      [join(dir, 'a-file.json', 'x.json'), `${join(dir, 'a-file.json')} is not a directory`],
    ];
    // root may write anywhere: the mode check only means something for another user.
    if (process.getuid?.() !== 0)
      cases.push([join(readOnly, 'x.json'), `directory ${readOnly} is not writable`]);
    writeFileSync(join(dir, 'a-file.json'), '{}');
    for (const [out, reason] of cases) {
      const run = await cli(recordArgs(upstream.url, out));
      expect(run.result, out).toEqual({ exitCode: 2 });
      expect(run.err).toEqual([`timock: cannot write --out ${out}: ${reason}`]);
    }
    expect(upstream.journal.size).toBe(0); // nobody was called
  });

  it('fails with one line and exit 1 when the upstream refuses or cannot be reached', async () => {
    const upstream = await startServer({ apps: [UPSTREAM_APP] });
    running.push(upstream);
    const refused = await cli(recordArgs(upstream.url, join(dir, 'never.json'), 'another-key'));
    expect(refused.result).toEqual({ exitCode: 1 });
    expect(refused.err).toEqual([
      `timock: requesting every field of app 1400000042's last 30 days from ${upstream.url} ...`,
      `timock: cannot record from ${upstream.url}: it answered ErrorCode 70009 (${ERROR_CODES[70009].info})`,
    ]);
    expect(refused.err.join('\n')).not.toContain('another-key');
    const closed = await startServer();
    await closed.close();
    const unreachable = await cli(recordArgs(closed.url, join(dir, 'never.json')));
    expect(unreachable.result).toEqual({ exitCode: 1 });
    expect(unreachable.err).toHaveLength(2);
    expect(unreachable.err[1]).toMatch(/^timock: cannot record from http:\/\/127\.0\.0\.1:\d+: /);
  });
});

describe('serve flags of the control plane', { timeout: 20_000 }, () => {
  it('--no-admin removes the admin API; --admin-token guards it; --journal-size bounds the journal', async () => {
    const off = await cli(['--port', '0', '--no-admin', '--log-level', 'silent']);
    expect(off.out).toContain('admin API: off (--no-admin)');
    const offUrl = (off.result as { server: StartedServer }).server.url;
    const health = await request(`${offUrl}/__admin/health`);
    expect(JSON.parse(await health.body.text()).ErrorCode).toBe(60009);

    const token = 'cli-token-0123456789';
    const on = await cli(['--port', '0', '--journal-size', '3', '--log-level', 'silent'], {
      TIMOCK_ADMIN_TOKEN: token,
    });
    const onUrl = (on.result as { server: StartedServer }).server.url;
    expect(on.out).toContain(`admin API: ${onUrl}/__admin (token required)`);
    expect(on.out.join('\n')).not.toContain(token);
    const refused = await request(`${onUrl}/__admin/health`);
    expect(refused.statusCode).toBe(401);
    await refused.body.dump();
    const ok = await request(`${onUrl}/__admin/health`, { headers: { authorization: `Bearer ${token}` } });
    expect(JSON.parse(await ok.body.text()).journal).toEqual({ size: 0, capacity: 3 });

    const wide = await cli(['--port', '0', '--host', '0.0.0.0', '--log-level', 'silent']);
    expect(wide.out.join('\n')).toMatch(/admin API: .*\(loopback callers only: set --admin-token/);
  });
});
