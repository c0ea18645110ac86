import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripStyles } from '@timock/terminal';
import { Agent, request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { verifyUserSig } from '../src/api/usersig.js';
import type { CliOutput } from '../src/cli/output.js';
import { main } from '../src/cli/run.js';
import { fidelityLine } from '../src/cli/serve-start.js';
import { DEMO_APP } from '../src/options.js';
import { startServer } from '../src/server.js';
import { parseRawAnswer } from './support.js';

/**
 * The CLI runs from its TypeScript source through tsx (installed at the repository root), so these
 * tests never exercise a stale build; `@timock/schema` resolves to its build, which `pnpm test` makes first.
 * The Redis scripts (`.lua`) load as text through `test/lua-hooks.mjs`, as tsup bundles them.
 */
const FROM_SOURCE = ['--import', 'tsx', '--import', './test/lua-hooks.mjs'];
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const children: ChildProcess[] = [];

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
  waitFor: (pattern: RegExp) => Promise<RegExpMatchArray>;
  waitForErr: (pattern: RegExp) => Promise<RegExpMatchArray>;
}

/** The caller's environment without the colour variables: a test sets them when it means to. */
const BASE_ENV = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => k !== 'FORCE_COLOR' && k !== 'NO_COLOR'),
);

function cli(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [...FROM_SOURCE, 'src/cli.ts', ...args], {
    cwd: PACKAGE_DIR,
    env: { ...BASE_ENV, ...env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout!.on('data', (d) => {
    out += d;
    for (const w of waiters) w();
  });
  child.stderr!.on('data', (d) => {
    err += d;
    for (const w of waiters) w();
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waiter = (text: () => string) => (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const m = text().match(pattern);
        if (m) {
          waiters.delete(check);
          resolve(m);
        }
      };
      waiters.add(check);
      check();
      void exit.then(() => {
        if (!text().match(pattern)) reject(new Error(`exited before ${pattern}: ${err}`));
      });
    });
  const waitFor = waiter(() => out);
  const waitForErr = waiter(() => err);
  return { child, stdout: () => out, stderr: () => err, exit, waitFor, waitForErr };
}

afterAll(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

const dir = mkdtempSync(join(tmpdir(), 'timock-cli-'));
const SECOND = {
  sdkappid: 1400000002,
  secretKey: 'a-private-key-not-to-print',
  admins: ['ops'],
  appName: 'Second',
};

/** `timock` on port 0 with `config`, a frozen clock and no logs, once it has printed its curl line. */
async function serveFrozen(config: string, extra: string[] = []): Promise<{ run: Run; url: string }> {
  const run = cli([
    '--port',
    '0',
    '--config',
    config,
    '--now',
    '2025-03-10T12:00:00+08:00',
    '--log-level',
    'silent',
    ...extra,
  ]);
  const [, url] = await run.waitFor(/serving getappinfo at (http:\/\/127\.0\.0\.1:\d+)\n/);
  await run.waitFor(/curl .*\n/);
  return { run, url: url! };
}

/** The URL and body of the printed curl command. */
function parseCurl(output: string): { url: string; body: string; insecure: boolean } {
  const line = output.split('\n').find((l) => l.trim().startsWith('curl '));
  expect(line).toBeDefined();
  const url = line!.match(/-X POST '([^']+)'/)?.[1];
  const body = line!.match(/-d '([^']*)'/)?.[1];
  expect(url).toBeDefined();
  return { url: url!, body: body ?? '', insecure: / -k /.test(line!) };
}

/** The JSON answer of one call (POST with a JSON body by default). */
async function answer(url: string, body: string | undefined, method = 'POST'): Promise<unknown> {
  const headers = body === undefined ? {} : { 'content-type': 'application/json' };
  const res = await request(url, { method: method as 'POST', body, headers });
  return JSON.parse(await res.body.text());
}

describe('timock serve', { timeout: 20_000 }, () => {
  it('starts, prints the URL, the apps and a working curl command, and exits 0 on SIGTERM', async () => {
    const config = join(dir, 'apps.json');
    writeFileSync(config, JSON.stringify({ apps: [SECOND, DEMO_APP], seed: 42 }));
    const { run, url } = await serveFrozen(config);
    const out = run.stdout();
    expect(out).toContain('1400000002 Second');
    expect(out).toContain(`secret key (public demo key): ${DEMO_APP.secretKey}`);
    expect(out).not.toContain(SECOND.secretKey);
    const curl = parseCurl(out);
    expect(curl.url.startsWith(`${url}/v4/openconfigsvr/getappinfo?`)).toBe(true);
    expect(new URL(curl.url).searchParams.get('sdkappid')).toBe('1400000000'); // the demo app is preferred
    const res = await request(curl.url, {
      method: 'POST',
      body: curl.body,
      headers: { 'content-type': 'application/json' },
    });
    const json = JSON.parse(await res.body.text());
    expect(json.ErrorCode).toBe(0);
    expect(json.Result).toHaveLength(30);
    expect(json.Result[0].Date).toBe('20250309'); // the frozen clock
    // The evidence profile (the default): no fidelity line, `random` optional, a GET checked then 60008.
    expect(out).not.toContain('fidelity:');
    const noRandom = new URL(curl.url);
    noRandom.searchParams.delete('random');
    expect(await answer(noRandom.href, '{}')).toMatchObject({ ErrorCode: 0 });
    expect(await answer(curl.url, undefined, 'GET')).toMatchObject({ ErrorCode: 60008 });
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
  });

  it('--strict, with a --fidelity setting over it: the banner says so and the running fake checks strictly', async () => {
    const config = join(dir, 'strict.json');
    writeFileSync(config, JSON.stringify({ apps: [DEMO_APP], fidelity: { successActionStatus: true } }));
    const { run } = await serveFrozen(config, ['--strict', '--fidelity', 'arrayBody=all-fields']);
    const out = run.stdout();
    expect(out).toContain('\nfidelity: strict profile; arrayBody=all-fields; successActionStatus=true\n');
    const curl = parseCurl(out);
    const noRandom = new URL(curl.url);
    noRandom.searchParams.delete('random');
    const refused = { ActionStatus: 'FAIL', ErrorCode: 60002, ErrorInfo: expect.any(String) };
    expect(await answer(noRandom.href, '{}')).toEqual(refused);
    expect(await answer(curl.url, undefined, 'GET')).toEqual(refused);
    expect(await answer(curl.url, '{"RequestField":null}')).toMatchObject({ ErrorCode: 130001 });
    // The flag's setting over the profile, and the config file's.
    expect(await answer(curl.url, '[]')).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
  });

  it('names the profile and each setting that differs from it, and nothing for the evidence profile', () => {
    expect(fidelityLine({})).toBeUndefined();
    expect(fidelityLine({ profile: 'evidence', requireRandom: false })).toBeUndefined();
    expect(fidelityLine({ profile: 'strict' })).toBe('fidelity: strict profile');
    expect(fidelityLine({ successActionStatus: true, includeToday: true })).toBe(
      'fidelity: evidence profile; successActionStatus=true; includeToday=true',
    );
    // Strict, every request check set back to the evidence's: the same as the default, so no line.
    const back = {
      requireRandom: false,
      methodCheck: 'last',
      arrayBody: 'all-fields',
      nullRequestField: 'all-fields',
    } as const;
    expect(fidelityLine({ profile: 'strict', ...back })).toBeUndefined();
    expect(fidelityLine({ profile: 'strict', ...back, methodCheck: 'first' })).toBe(
      'fidelity: strict profile; requireRandom=false; arrayBody=all-fields; nullRequestField=all-fields',
    );
  });

  it('serves HTTPS with a generated self-signed certificate, written to a file it names (env vars mirror flags)', async () => {
    const run = cli([], {
      TIMOCK_PORT: '0',
      TIMOCK_HTTPS: '1',
      TIMOCK_LOG_LEVEL: 'silent',
      TIMOCK_SEED: '5',
    });
    await run.waitFor(/serving getappinfo at https:\/\/127\.0\.0\.1:\d+\n/);
    const [, certFile] = await run.waitFor(/self-signed certificate written to (\S+) \(trust it: .*\)\n/);
    await run.waitFor(/\n {2}curl -sS .*\n/);
    const curl = parseCurl(run.stdout());
    expect(curl.insecure).toBe(false);
    expect(run.stdout()).toContain(`curl -sS --cacert '${certFile}' -X POST`);
    const pem = readFileSync(certFile!, 'utf8');
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\s*$/);
    expect(pem).not.toContain('PRIVATE KEY');
    // The named file is enough to trust the fake: no verification switched off.
    const dispatcher = new Agent({ connect: { ca: pem } });
    const res = await request(curl.url, { method: 'POST', body: curl.body, dispatcher });
    expect(JSON.parse(await res.body.text()).ErrorCode).toBe(0);
    await dispatcher.close();
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(0);
  });

  it('exits 2 with exactly one stderr line for a malformed config file (process)', async () => {
    const run = cli(['--config', writeTmp('bad.json', '{"apps": [')]);
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toMatch(/^timock: config file .*bad\.json is not valid JSON: [^\n]*\n$/);
    expect(run.stdout()).toBe('');
  });

  it.each([
    ['a malformed config file', () => ['--config', writeTmp('bad.json', '{"apps": [')], /is not valid JSON/],
    ['a missing config file', () => ['--config', join(dir, 'absent.json')], /absent\.json not found/],
    [
      'a duplicate sdkappid',
      () => ['--config', writeTmp('dup.json', JSON.stringify({ apps: [DEMO_APP, DEMO_APP] }))],
      /duplicate sdkappid 1400000000/,
    ],
    ['a bad flag', () => ['--prot', '1'], /Unknown option '--prot'/],
    ['a bad port', () => ['--port', '-1'], /--port/],
  ])('main() answers exit code 2 and exactly one stderr line for %s', async (_name, args, message) => {
    const out: string[] = [];
    const err: string[] = [];
    const result = await main(args(), {}, { outLine: (l) => out.push(l), errLine: (l) => err.push(l) });
    expect(result).toEqual({ exitCode: 2 });
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^timock: /);
    expect(err[0]).toMatch(message);
    expect(err[0]).not.toContain('\n');
    expect(out).toEqual([]);
  });

  it('exits 2 with one line when the port is in use', async () => {
    const busy = await startServer();
    try {
      const run = cli(['--port', new URL(busy.url).port, '--log-level', 'silent']);
      expect(await run.exit).toBe(2);
      expect(run.stderr()).toBe(`timock: port ${new URL(busy.url).port} on 127.0.0.1 is already in use\n`);
    } finally {
      await busy.close();
    }
  });
});

function writeTmp(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('timock usersig, openapi, --help, --version', { timeout: 20_000 }, () => {
  it('prints a UserSig that verifies', async () => {
    const run = cli([
      'usersig',
      '--sdkappid',
      '1400000002',
      '--secret-key',
      SECOND.secretKey,
      '--identifier',
      'ops',
      '--expire',
      '600',
    ]);
    expect(await run.exit).toBe(0);
    const sig = run.stdout().trim();
    const verdict = verifyUserSig(sig, {
      sdkappid: 1400000002,
      identifier: 'ops',
      secretKey: SECOND.secretKey,
      nowSeconds: Math.floor(Date.now() / 1000),
    });
    expect(verdict.ok).toBe(true);
  });

  it('prints the OpenAPI document, the help and the version', async () => {
    const capture = async (argv: string[]) => {
      const out: string[] = [];
      const result = await main(argv, {}, { outLine: (l) => out.push(l), errLine: (l) => out.push(l) });
      expect(result).toEqual({ exitCode: 0 });
      return out.join('\n');
    };
    expect(JSON.parse(await capture(['openapi'])).openapi).toBe('3.1.0');
    expect(await capture(['--help'])).toMatch(/--config FILE/);
    expect(await capture(['--version'])).toBe(pkg.version);
    expect(await capture(['serve', '-v'])).toBe(pkg.version);
    expect(await capture(['help', 'record'])).toMatch(/^timock record: [\s\S]*--out FILE[\s\S]*Examples:/);
  });

  it('prints the version from package.json through the bin wrapper', async () => {
    const run = spawn(process.execPath, [pkg.bin.timock, '--version'], { cwd: PACKAGE_DIR });
    let out = '';
    run.stdout.on('data', (d) => {
      out += d;
    });
    expect(await new Promise((r) => run.on('close', r))).toBe(0);
    expect(out).toBe(`${pkg.version}\n`);
  });
});

const ANSI = '\u001b[';

/** `main()` with streams that say whether they are terminals; what each received. */
async function tty(argv: string[], env: Record<string, string>, isTty: { out?: boolean; err?: boolean }) {
  const out: string[] = [];
  const err: string[] = [];
  const output: CliOutput = {
    outLine: (l) => out.push(l),
    errLine: (l) => err.push(l),
    outIsTty: isTty.out,
    errIsTty: isTty.err,
  };
  const result = await main(argv, env, output);
  if ('server' in result) await result.server.close();
  return { result, out: out.join('\n'), err: err.join('\n') };
}

describe('colour', { timeout: 20_000 }, () => {
  it('colours the error line on a terminal, and not elsewhere or with NO_COLOR', async () => {
    const onTty = await tty(['--prot'], {}, { err: true });
    expect(onTty.result).toEqual({ exitCode: 2 });
    expect(onTty.err).toBe("\u001b[31mtimock: Unknown option '--prot' (see timock --help)\u001b[39m");
    expect((await tty(['--prot'], {}, { err: false })).err).not.toContain(ANSI);
    expect((await tty(['--prot'], { NO_COLOR: '1' }, { err: true })).err).not.toContain(ANSI);
    expect((await tty(['--prot'], { FORCE_COLOR: '1' }, {})).err).toContain(ANSI);
    // Colour is decided per stream: a terminal on stdout does not colour stderr.
    expect((await tty(['--prot'], {}, { out: true, err: false })).err).not.toContain(ANSI);
  });

  it('colours the serve banner on a terminal only, the same text underneath', async () => {
    const argv = ['--port', '0', '--log-level', 'silent', '--now', '2025-03-10T12:00:00+08:00'];
    const coloured = await tty(argv, {}, { out: true });
    expect(coloured.out).toContain(`serving getappinfo at ${ANSI}36m${ANSI}1mhttp://127.0.0.1:`);
    expect(coloured.out).toContain(`\n  ${ANSI}32mcurl -sS `);
    const plain = await tty(argv, { NO_COLOR: 'yes' }, { out: true });
    expect(plain.out).not.toContain(ANSI);
    const strip = (t: string) =>
      stripStyles(t)
        .replace(/127\.0\.0\.1:\d+/g, 'HOST')
        .replace(/usersig=[^&]+&random=\d+/, 'SIG');
    expect(strip(coloured.out)).toBe(strip(plain.out));
    expect((await tty(argv, {}, { out: false })).out).not.toContain(ANSI);
  });

  it('never colours machine output: usersig and openapi, even with FORCE_COLOR on a terminal', async () => {
    const forced = { FORCE_COLOR: '1' };
    const sig = await tty(
      ['usersig', '--sdkappid', '1400000000', '--secret-key', 'k', '--identifier', 'a'],
      forced,
      { out: true, err: true },
    );
    expect(sig.result).toEqual({ exitCode: 0 });
    expect(sig.out).toMatch(/^eJ[\w*-]+$/);
    const doc = await tty(['openapi'], forced, { out: true, err: true });
    expect(JSON.parse(doc.out).openapi).toBe('3.1.0');
    expect(doc.out).not.toContain(ANSI);
    expect((await tty(['--help'], forced, { out: true })).out).toContain(`${ANSI}1mExamples:`);
  });

  it('a real process: plain on pipes, coloured with FORCE_COLOR=1 unless NO_COLOR is set', async () => {
    const envs: Record<string, string>[] = [{}, { FORCE_COLOR: '1' }, { FORCE_COLOR: '1', NO_COLOR: '1' }];
    const runs = await Promise.all(
      envs.map(async (env) => {
        const run = cli(['--prot'], env);
        expect(await run.exit).toBe(2);
        return run.stderr();
      }),
    );
    expect(runs[0]).toBe("timock: Unknown option '--prot' (see timock --help)\n");
    expect(runs[1]).toBe(`\u001b[31m${runs[0]!.trimEnd()}\u001b[39m\n`);
    // Node 22 and later add a warning of their own when both variables are set; our line stays plain.
    expect(runs[2]!.split('\n')).toContain(runs[0]!.trimEnd());
    expect(runs[2]).not.toContain('\u001b[');
  });
});

describe('timock serve: graceful shutdown', { timeout: 30_000 }, () => {
  it('SIGTERM: in-flight requests finish with complete answers, new connections are refused, exit 0', async () => {
    const secretApp = { ...SECOND, admins: ['administrator'] };
    const config = writeTmp('shutdown.json', JSON.stringify({ apps: [DEMO_APP, secretApp] }));
    chmodSync(config, 0o644);
    const { run, url } = await serveFrozen(config, [
      '--headers-timeout',
      '1000',
      '--request-timeout',
      '1500',
      '--drain-timeout',
      '1500',
    ]);
    // One warning line about the config file's mode, naming no key.
    expect(run.stderr()).toMatch(
      /^timock: warning: config file .*shutdown\.json holds secret keys .*\(mode 644\); chmod 600 it\n$/,
    );
    expect(run.stderr()).not.toContain(SECOND.secretKey);
    const { url: curlUrl } = parseCurl(run.stdout());
    const target = new URL(curlUrl);
    const port = Number(target.port);
    const head = `POST ${target.pathname}${target.search} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n`;

    // Five requests in flight (headers and half the body sent), one that will never finish.
    const inFlight = Array.from({ length: 5 }, () => openSocket(port));
    const stalled = openSocket(port);
    await Promise.all([...inFlight, stalled].map((s) => s.ready));
    for (const s of inFlight) s.socket.write(`${head}{`);
    stalled.socket.write(`${head}{`);
    // A full request on another connection: when it is answered, the server has read the others.
    const barrier = await request(curlUrl, { method: 'POST', body: '{}', reset: true });
    expect(JSON.parse(await barrier.body.text()).ErrorCode).toBe(0);

    run.child.kill('SIGTERM');
    await run.waitForErr(/SIGTERM received, closing \(requests in flight have 1500 ms to finish\)\n/);
    // New connections are refused once the listener is closed. One that raced the signal is either
    // answered in full or reset before it sent anything (it was an idle connection at close time).
    let refused = false;
    for (let i = 0; i < 50 && !refused; i++) {
      try {
        const res = await request(`${url}/nope`, { method: 'POST', body: '{}', reset: true });
        expect(JSON.parse(await res.body.text()).ErrorCode).toBe(60009);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        expect(['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET']).toContain(code);
        refused = code === 'ECONNREFUSED';
      }
    }
    expect(refused).toBe(true);
    expect(run.child.exitCode).toBeNull();

    // The in-flight requests finish: complete success answers; the server then closes each connection.
    for (const s of inFlight) s.socket.write('}');
    for (const s of inFlight) {
      const answer = parseRawAnswer(await s.closed);
      expect(answer?.status).toBe(200);
      expect(JSON.parse(answer!.body).Result).toHaveLength(30);
    }
    // The stalled one is dropped without an answer once the drain deadline has passed since SIGTERM.
    expect((await stalled.closed).length).toBe(0);
    expect(await run.exit).toBe(0);
  });

  /** `count` requests on their own connections, each held `delayMs` by the fault header, all read by the server. */
  async function heldRequests(curlUrl: string, count: number, delayMs: number) {
    const target = new URL(curlUrl);
    const head =
      `POST ${target.pathname}${target.search} HTTP/1.1\r\nHost: x\r\nx-timock-fault: delay=${delayMs}\r\n` +
      'Content-Length: 2\r\n\r\n{}';
    const held = Array.from({ length: count }, () => openSocket(Number(target.port)));
    await Promise.all(held.map((s) => s.ready));
    for (const s of held) s.socket.write(head);
    // A full request on another connection: when it is answered, the server has read the others.
    const barrier = await request(curlUrl, { method: 'POST', body: '{}', reset: true });
    expect(JSON.parse(await barrier.body.text()).ErrorCode).toBe(0);
    return held;
  }

  it('SIGTERM drains: 20 requests held by a delay fault are all answered, then exit 0', async () => {
    const { run } = await serveFrozen(writeTmp('drain.json', JSON.stringify({ apps: [DEMO_APP] })));
    const held = await heldRequests(parseCurl(run.stdout()).url, 20, 800);
    run.child.kill('SIGTERM');
    await run.waitForErr(/SIGTERM received, closing \(requests in flight have 5000 ms to finish\)\n/);
    const answers = await Promise.all(held.map(async (s) => parseRawAnswer(await s.closed)));
    for (const answer of answers) {
      expect(answer?.status).toBe(200);
      expect(JSON.parse(answer!.body).Result).toHaveLength(30);
    }
    expect(await run.exit).toBe(0);
  });

  it('SIGTERM with a short drain deadline: what is left is dropped, exit 0 at once', async () => {
    const { run } = await serveFrozen(writeTmp('drain-short.json', JSON.stringify({ apps: [DEMO_APP] })), [
      '--drain-timeout',
      '100',
    ]);
    const held = await heldRequests(parseCurl(run.stdout()).url, 5, 20_000);
    const signalled = performance.now();
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    // Well before the 20 s delays: the deadline (100 ms) plus the process's own exit.
    expect(performance.now() - signalled).toBeLessThan(5_000);
    for (const s of held) expect((await s.closed).length).toBe(0);
  });
});

/** A raw connection: `ready` when connected, `closed` with every byte received once the server closes. */
function openSocket(port: number) {
  const socket = connect({ host: '127.0.0.1', port });
  const chunks: Buffer[] = [];
  socket.on('data', (d) => chunks.push(d));
  socket.on('error', () => undefined);
  return {
    socket,
    ready: new Promise<void>((resolve) => socket.once('connect', () => resolve())),
    closed: new Promise<Buffer>((resolve) => socket.once('close', () => resolve(Buffer.concat(chunks)))),
  };
}

describe('request lines', () => {
  it('are lines a person reads on a terminal (or with --log-format pretty), never cutting the banner', async () => {
    const out: string[] = [];
    const result = await main(
      ['--port', '0', '--log-format', 'pretty'],
      {},
      { outLine: (l) => out.push(l), errLine: () => {}, outIsTty: false },
    );
    if (!('server' in result)) throw new Error('the fake did not start');
    try {
      const bannerAt = out.findIndex((l) => l.startsWith('timock '));
      expect(bannerAt).toBeGreaterThanOrEqual(0);
      const before = out.length;
      const res = await request(
        `${result.server.url}/v4/openconfigsvr/getappinfo?sdkappid=1400000000&usersig=x&contenttype=json`,
        {
          method: 'POST',
          body: '{}',
        },
      );
      await res.body.text();
      await new Promise((r) => setTimeout(r, 20));
      const lines = out.slice(before);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^\d\d:\d\d:\d\d\.\d{3} POST \/v4\/openconfigsvr\/getappinfo 1400000000 - 70003 usersig is not base64url.* \d+\.\d ms$/,
      );
      // Everything logged while starting came before the banner.
      expect(out.slice(0, bannerAt).every((l) => !l.startsWith('timock '))).toBe(true);
    } finally {
      await result.server.close();
    }
  });

  it('are JSON lines by default when standard output is not a terminal', async () => {
    const out: string[] = [];
    const writes: string[] = [];
    const write = process.stdout.write;
    // The JSON lines are batched and written to the process's standard output (fd 1) on close.
    process.stdout.write = ((chunk: string) => writes.push(String(chunk)) > 0) as typeof process.stdout.write;
    let result: Awaited<ReturnType<typeof main>> | undefined;
    try {
      result = await main(
        ['--port', '0'],
        {},
        { outLine: (l) => out.push(l), errLine: () => {}, outIsTty: false },
      );
      if (!('server' in result)) throw new Error('the fake did not start');
      expect(out.some((l) => l.startsWith('timock '))).toBe(true);
      expect(out.some((l) => l.startsWith('{'))).toBe(false);
    } finally {
      if (result && 'server' in result) await result.server.close();
      process.stdout.write = write;
    }
  });
});
