/**
 * The `timock-contract` command as users run it: real processes against the fake started with the
 * `timock` command (over HTTP and over HTTPS with `--ca`), and against a mutant. `timock-contract` runs
 * from its TypeScript source through tsx (no stale build); `timock` runs through its published bin
 * wrapper, which `pnpm test` builds first.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_APP, signUserSig } from '@timock/mock-server';
import { stripStyles } from '@timock/terminal';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_FLAGS } from '../src/cli/args.js';
import { runCli } from '../src/cli/run.js';
import { CHECKS, type ContractReport } from '../src/index.js';
import { startMutant } from './mutants.js';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const MOCK_SERVER_DIR = dirname(createRequire(import.meta.url).resolve('@timock/mock-server/package.json'));
const children: ChildProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), 'timock-contract-cli-'));

interface Run {
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function spawnNode(args: string[], cwd: string, env: Record<string, string> = {}): Run {
  // Only what the run needs from the environment: no TIM_* variable of the caller leaks in.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TIM_')));
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...base, NODE_OPTIONS: '', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    err += d;
  });
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { stdout: () => out, stderr: () => err, exit };
}

/** Runs `timock-contract` to its end. */
async function contract(args: string[], env: Record<string, string> = {}) {
  const run = spawnNode(['--import', 'tsx', 'src/cli.ts', ...args], PACKAGE_DIR, env);
  const code = await run.exit;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

/** Starts `timock` on a free port and resolves to its URL. */
async function timock(args: string[]): Promise<string> {
  return (await timockRun(args)).url;
}

/** Starts `timock` on a free port and resolves, once it printed its banner, to its URL and its output. */
async function timockRun(args: string[]): Promise<{ url: string; stdout: () => string }> {
  const run = spawnNode(['bin/timock.js', '--port', '0', '--log-level', 'silent', ...args], MOCK_SERVER_DIR);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const m = run.stdout().match(/serving getappinfo at (\S+)\n[\s\S]*curl /);
    if (m) return { url: m[1]!, stdout: run.stdout };
    const exited = await Promise.race([
      run.exit.then(() => true),
      new Promise((r) => setTimeout(r, 50, false)),
    ]);
    if (exited || Date.now() > deadline) throw new Error(`timock did not start: ${run.stderr()}`);
  }
}

afterAll(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGTERM');
});

const KEY = DEMO_APP.secretKey;
const app = (url: string) => [
  '--base-url',
  url,
  '--sdkappid',
  String(DEMO_APP.sdkappid),
  '--secret-key',
  KEY,
  '--identifier',
  'administrator',
];
/** What a UserSig looks like in text: zlib's header base64-encodes to `eJ`, then the URL-safe alphabet. */
const USERSIG_LIKE = /eJ[\w*-]{40,}/;

let httpUrl: string;
let httpsUrl: string;
let caFile: string;

beforeAll(async () => {
  const pems = await generate([{ name: 'commonName', value: 'timock test' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  caFile = join(dir, 'cert.pem');
  writeFileSync(caFile, pems.cert);
  writeFileSync(join(dir, 'key.pem'), pems.private);
  [httpUrl, httpsUrl] = await Promise.all([
    timock([]),
    timock(['--https', '--cert', caFile, '--key', join(dir, 'key.pem')]),
  ]);
}, 30_000);

describe('timock-contract against timock started separately', () => {
  it('passes over HTTP with every check strict, and prints neither the key nor a UserSig', async () => {
    const r = await contract(['--target', 'mock', ...app(httpUrl)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`timock contract: mock target ${httpUrl} (sdkappid ${DEMO_APP.sdkappid})`);
    for (const c of CHECKS.filter((c) => !c.aggressive))
      expect(r.stdout).toMatch(new RegExp(`PASS +${c.id} `));
    expect(r.stdout).toMatch(/\n\d+ passed, 0 failed/);
    expect(r.stdout).not.toContain(KEY);
    expect(r.stdout).not.toMatch(USERSIG_LIKE);
  });

  it('passes over HTTPS when given the CA with --ca, and fails without it', async () => {
    expect(httpsUrl).toMatch(/^https:/);
    const trusted = await contract([
      '--target',
      'mock',
      ...app(httpsUrl),
      '--ca',
      caFile,
      '--only',
      'shape.',
    ]);
    expect(trusted.code).toBe(0);
    expect(trusted.stdout).toMatch(/PASS +shape\.envelope /);
    const untrusted = await contract(['--target', 'mock', ...app(httpsUrl), '--only', 'shape.envelope']);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stdout).toMatch(
      /FAIL +shape\.envelope .*\n.*could not talk to the target: .*certificate/i,
    );
  });

  it('trusts the certificate that timock --https generated, from the file its banner names', async () => {
    const started = await timockRun(['--https']);
    const certFile = started.stdout().match(/self-signed certificate written to (\S+) /)?.[1];
    expect(certFile).toBeDefined();
    const trusted = await contract([
      '--target',
      'mock',
      ...app(started.url),
      '--ca',
      certFile!,
      '--only',
      'shape.',
    ]);
    expect(trusted.stdout).toMatch(/PASS +shape\.envelope /);
    expect(trusted.code).toBe(0);
  });

  it('treats a --base-url target as real by default: the same fake passes', async () => {
    const r = await contract(app(httpUrl));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`timock contract: real target ${httpUrl}`);
  });

  it('writes a JSON report with --reporter json --output FILE', async () => {
    const file = join(dir, 'report.json');
    const r = await contract(['--target', 'mock', ...app(httpUrl), '--reporter', 'json', '--output', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const report = JSON.parse(readFileSync(file, 'utf8')) as ContractReport;
    expect(report.ok).toBe(true);
    expect(report.target).toEqual({
      kind: 'mock',
      origin: httpUrl,
      sdkappid: DEMO_APP.sdkappid,
      identifier: 'administrator',
    });
    expect(report.results.map((x) => x.id)).toEqual(CHECKS.map((c) => c.id));
    expect(readFileSync(file, 'utf8')).not.toContain(KEY);
  });

  it('writes a JUnit report with --reporter junit --output FILE', async () => {
    const file = join(dir, 'report.xml');
    const r = await contract(['--target', 'mock', ...app(httpUrl), '--reporter', 'junit', '--output', file]);
    expect(r.code).toBe(0);
    const xml = readFileSync(file, 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({
      ignoreAttributes: false,
      isArray: (n) => n === 'testsuite' || n === 'testcase',
    }).parse(xml);
    const suites = doc.testsuites.testsuite as { '@_name': string; testcase: { '@_name': string }[] }[];
    expect(Number(doc.testsuites['@_tests'])).toBe(CHECKS.length);
    expect(Number(doc.testsuites['@_failures'])).toBe(0);
    const names = suites.flatMap((s) => s.testcase.map((t) => t['@_name'].split(':')[0]));
    expect(names).toEqual(CHECKS.map((c) => c.id));
  });
});

describe('timock-contract against a mutant', () => {
  const goodQuery = () =>
    new URLSearchParams({
      sdkappid: String(DEMO_APP.sdkappid),
      identifier: 'administrator',
      usersig: signUserSig({ sdkappid: DEMO_APP.sdkappid, secretKey: KEY, identifier: 'administrator' }),
      random: '1',
      contenttype: 'json',
    });

  it('exits 1, shows the request and the answer of a failure, and redacts UserSigs the target echoes', async () => {
    // Accepts garbage UserSigs, and echoes the whole query string (UserSig included) in every error.
    const mutant = await startMutant(httpUrl, goodQuery, {
      answer: async (a, call, ctx) => {
        if (call.query.get('usersig') === 'not*a*usersig') return ctx.askWithGoodSig(call.body);
        if (a.json.ErrorCode === 0) return a;
        const echo = { ...a.json, ErrorInfo: `refused ${call.path}?${call.query}` };
        // An unknown path gets a gateway-style HTTP 404 that echoes the request.
        return call.path.endsWith('/getappinfo') ? { ...a, json: echo } : { ...a, status: 404, json: echo };
      },
    });
    try {
      const r = await contract([
        '--target',
        'mock',
        ...app(mutant.url),
        '--only',
        'auth.',
        '--only',
        'request.',
      ]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(
        /FAIL +auth\.garbage .*\n +expected a failure envelope, got ErrorCode 0\n +request: POST \/v4\/openconfigsvr\/getappinfo\?.*usersig=\[redacted\].*\n +answer: +HTTP 200 \{"ErrorCode":0/,
      );
      expect(r.stdout).toMatch(/PASS +auth\.expired /);
      expect(r.stdout).toMatch(
        /FAIL +request\.unknown-path .*\n +HTTP 404 instead of 200\n.*\n +answer: +HTTP 404 \{.*refused \/v4\/openconfigsvr\/nosuchapi\?.*usersig=\[redacted\]/,
      );
      expect(r.stdout).not.toContain(KEY);
      expect(r.stdout).not.toMatch(USERSIG_LIKE);
    } finally {
      await mutant.close();
    }
  });

  it('never prints a UserSig given with --usersig, even when the target echoes it', async () => {
    const userSig = goodQuery().get('usersig')!;
    const mutant = await startMutant(httpUrl, goodQuery, {
      answer: (a, call) => ({ ...a, status: 500, json: { ...a.json, ErrorInfo: `for ${call.query}` } }),
    });
    try {
      const r = await contract([
        '--base-url',
        mutant.url,
        '--sdkappid',
        String(DEMO_APP.sdkappid),
        '--usersig',
        userSig,
        '--only',
        'shape.http',
      ]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/FAIL +shape\.http +.*\n +HTTP 500 instead of 200\n/);
      expect(r.stdout).toContain('usersig=[redacted]');
      expect(r.stdout).not.toContain(userSig);
      expect(r.stdout).not.toMatch(USERSIG_LIKE);
    } finally {
      await mutant.close();
    }
  });
});

describe('timock-contract usage', () => {
  it.each([
    [['--no-such-flag'], /^timock-contract: Unknown option '--no-such-flag' \(see --help\)\n$/],
    [['--base-url', 'http://127.0.0.1:1', '--secret-key', 'k'], /--sdkappid \(or TIM_SDKAPPID\) is required/],
    [
      ['--base-url', 'not a url', '--sdkappid', '1400000000', '--secret-key', 'k'],
      /--base-url must be an http:\/\/ or https:\/\/ URL, not "not a url"/,
    ],
  ])('%j exits 2 with one line on stderr (a real process)', async (args, message) => {
    const r = await contract(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^timock-contract: [^\n]+\n$/);
  });

  // The same path in-process (the process glue is covered above): every other usage error.
  it.each([
    [['--base-url', 'ftp://host', '--sdkappid', '1', '--secret-key', 'k'], /--base-url must be an http/],
    [['--base-url', 'http://127.0.0.1:1', '--sdkappid', '14e8', '--secret-key', 'k'], /--sdkappid must be/],
    [['--base-url', 'http://127.0.0.1:1', '--sdkappid', '1400000000'], /--secret-key or --usersig/],
    [
      ['--base-url', 'http://127.0.0.1:1', '--region', 'china', '--sdkappid', '1', '--secret-key', 'k'],
      /not both/,
    ],
    [['--region', 'atlantis', '--sdkappid', '1', '--secret-key', 'k'], /--region must be one of china, /],
    [['--target', 'mock', '--region', 'china'], /--target mock needs --base-url/],
    [['--reporter', 'tap'], /--reporter must be one of pretty, json, junit, not "tap"/],
    [['--only', 'nosuch.'], /--only nosuch\. matches no check/],
    [['--sdkappid', '1400000000'], /--sdkappid needs --base-url or --region/],
    [['--target', 'staging'], /--target must be mock or real/],
    [['stray'], /Unexpected argument 'stray'/],
    [
      ['--base-url', 'http://127.0.0.1:1', '--sdkappid', '1', '--secret-key', 'k', '--ca', '/nonexistent'],
      /--ca/,
    ],
    [
      ['--base-url', 'http://127.0.0.1:1', '--sdkappid', '1', '--secret-key', 'k', '--ca', 'package.json'],
      /not a PEM/,
    ],
    [
      ['--base-url', 'http://127.0.0.1:1', '--sdkappid', '-1', '--secret-key', 'k'],
      /--sdkappid must be a positive integer, not "-1"/,
    ],
    [['--fidelity', 'nope=1'], /--fidelity takes NAME=VALUE with NAME one of requireRandom, /],
    [
      ['--fidelity', 'arrayBody=maybe'],
      /--fidelity arrayBody must be one of all-fields, refuse, got "maybe"/,
    ],
  ])('%j exits 2 with one line', async (args, message) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, {}, { out: (t) => out.push(t), err: (t) => err.push(t) });
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(message);
    expect(err[0]).toMatch(/^timock-contract: [^\n]+\n$/);
  });

  it('starts the in-process fake with --strict and --fidelity, and the fidelity checks expect it', async () => {
    const run = async (args: string[]) => {
      const out: string[] = [];
      const code = await runCli(
        ['--only', 'fidelity.', '--reporter', 'json', ...args],
        {},
        {
          out: (t) => out.push(t),
          err: () => {},
        },
      );
      return { code, report: JSON.parse(out.join('')) };
    };
    const strict = await run(['--strict', '--fidelity', 'successActionStatus=true']);
    expect(strict.code).toBe(0);
    const seen = Object.fromEntries(
      (strict.report.fidelity as { setting: string; seen: unknown }[]).map((f) => [f.setting, f.seen]),
    );
    expect(seen).toMatchObject({ requireRandom: true, methodCheck: 'first', successActionStatus: true });
    expect(strict.report.counts.pass).toBe(7);
  });

  it('exits 2 when the report cannot be written, after the run', async () => {
    const err: string[] = [];
    const code = await runCli(
      ['--only', 'shape.http', '--output', join(dir, 'no/such/dir/r.txt')],
      {},
      {
        out: () => {},
        err: (t) => err.push(t),
      },
    );
    expect(code).toBe(2);
    expect(err).toEqual([expect.stringMatching(/^timock-contract: --output .*: cannot write \(ENOENT\)/)]);
  });

  it('reads the target from TIM_* variables, and never echoes the key in an error', async () => {
    const r = await contract(['--target', 'real'], {
      TIM_SDKAPPID: 'abc',
      TIM_SECRET_KEY: 'a-key-never-to-print',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('timock-contract: --sdkappid must be a positive integer, not "abc" (see --help)\n');
    const ok = await contract(['--only', 'shape.envelope'], {
      TIM_BASE_URL: httpUrl,
      TIM_SDKAPPID: String(DEMO_APP.sdkappid),
      TIM_SECRET_KEY: KEY,
    });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/PASS +shape\.envelope /);
  });

  it('exits 2 with real credentials in the environment and no endpoint: never a green run against the fake', async () => {
    const env = {
      TIM_SDKAPPID: '1400123456',
      TIM_SECRET_KEY: 'a-key-never-to-print',
      TIM_IDENTIFIER: 'administrator',
    };
    const r = await contract([], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'timock-contract: TIM_SDKAPPID and TIM_SECRET_KEY are set but no endpoint: add --region R (or TIM_REGION) or --base-url URL (or TIM_BASE_URL); --target mock runs the in-process fake (see --help)\n',
    );
    expect(r.stdout).toBe('');
    const withUserSig = await contract([], { TIM_SDKAPPID: '1400123456', TIM_USERSIG: 'eJx-some-usersig' });
    expect(withUserSig.code).toBe(2);
    expect(withUserSig.stderr).toContain('TIM_SDKAPPID and TIM_USERSIG are set but no endpoint');
    // Asked for by name, the in-process fake runs.
    const asked = await contract(['--target', 'mock', '--only', 'shape.envelope'], env);
    expect(asked.code).toBe(0);
  }, 30_000);

  it('names one shared cause first: a wrong key, an unknown app, an unreachable target', async () => {
    const wrongKey = await contract([
      ...app(httpUrl).slice(0, 4),
      '--secret-key',
      'not-the-key',
      '--target',
      'mock',
    ]);
    expect(wrongKey.code).toBe(1);
    const lines = wrongKey.stdout.split('\n');
    expect(lines[2]).toBe(
      `diagnosis: every signed call was refused with 70009: the secret key does not match app ${DEMO_APP.sdkappid}; check --secret-key / TIM_SECRET_KEY`,
    );
    // No verdict about the envelope of a success that never came back.
    expect(wrongKey.stdout).not.toMatch(/drift\.envelope[^\n]*\n\s+success carries/);
    expect(wrongKey.stdout).toMatch(/SKIP +drift\.envelope /);
    const unknown = await contract([
      '--base-url',
      httpUrl,
      '--sdkappid',
      '1400000009',
      '--secret-key',
      KEY,
      '--target',
      'mock',
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain(
      'diagnosis: every signed call was refused with 70020: the target does not know app 1400000009; check --sdkappid / TIM_SDKAPPID',
    );
    const down = await contract([
      '--base-url',
      'http://127.0.0.1:1',
      '--sdkappid',
      '1400000000',
      '--secret-key',
      KEY,
    ]);
    expect(down.stdout).toMatch(
      /diagnosis: the target http:\/\/127\.0\.0\.1:1 could not be reached \(.*\); check --base-url/,
    );
    for (const r of [wrongKey, unknown, down]) expect(r.stdout).not.toContain(KEY);
    const json = await contract([
      ...app(httpUrl).slice(0, 4),
      '--secret-key',
      'not-the-key',
      '--reporter',
      'json',
      '--only',
      'shape.',
    ]);
    expect((JSON.parse(json.stdout) as ContractReport).diagnosis, json.stdout.slice(-400)).toMatch(
      /^every signed call was refused with 70009/,
    );
  }, 60_000);

  it('--help lists every flag the parser accepts, its variables, and examples that use only those flags', async () => {
    const r = await contract(['--help']);
    expect(r.code).toBe(0);
    const section = (heading: string) => r.stdout.split(`\n${heading}\n`)[1]!.split('\n\n')[0]!;
    const listed = section('Options:')
      .split('\n')
      .map((line) => line.match(/--([a-z-]+)/)![1]);
    expect(listed).toEqual(Object.keys(CLI_FLAGS));
    for (const flag of Object.values(CLI_FLAGS))
      if ('env' in flag) expect(section('Environment:')).toContain(flag.env);
    expect(section('Environment:')).toContain('NO_COLOR');
    const commands = section('Examples:')
      .split('\n')
      .filter((l) => !l.trimStart().startsWith('#'));
    expect(commands.length).toBeGreaterThanOrEqual(2);
    expect(commands.length).toBeLessThanOrEqual(4);
    for (const command of commands) {
      const own = command.split('timock-contract')[1]!.split('|')[0]!;
      for (const [flag] of own.matchAll(/--[a-z-]+/g)) expect(listed, command).toContain(flag.slice(2));
    }
    expect((await contract(['-h'])).stdout).toBe(r.stdout);
  });

  it('runs through the bin wrapper that package.json links', async () => {
    const pkg = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8'));
    const run = spawnNode([pkg.bin['timock-contract'], '--version'], PACKAGE_DIR);
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toBe(`${pkg.version}\n`);
  });
});

describe('timock-contract progress and colour', { timeout: 30_000 }, () => {
  it('--aggressive: one plain progress line per check on stderr (a pipe), and stdout stays pure JSON', async () => {
    const r = await contract(['--aggressive', '--reporter', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as ContractReport;
    expect(report.results.find((c) => c.id === 'rate-limit.burst')?.outcome).toBe('pass');
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines).toEqual(CHECKS.map((c, i) => `[${i + 1}/${CHECKS.length}] ${c.id} ...`));
    expect(r.stderr).not.toContain('\r');
    expect(r.stderr).not.toContain('\u001b[');
    // Without --aggressive and without a terminal, nothing but the report.
    const quiet = await contract(['--only', 'shape.', '--reporter', 'json']);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(JSON.parse(quiet.stdout).counts.pass).toBe(CHECKS.filter((c) => c.id.startsWith('shape.')).length);
  }, 15_000); // two CLI runs, one of them every check: near 5 s on a busy machine

  /** `runCli` with streams that say whether they are terminals. */
  async function onTty(args: string[], env: Record<string, string>, tty: { out?: boolean; err?: boolean }) {
    let out = '';
    let err = '';
    const code = await runCli(args, env, {
      out: (t) => {
        out += t;
      },
      err: (t) => {
        err += t;
      },
      outIsTty: tty.out,
      errIsTty: tty.err,
    });
    return { code, out, err };
  }

  it('on a terminal: one progress line rewritten in place and cleared, coloured marks', async () => {
    const r = await onTty(['--only', 'shape.http', '--only', 'auth.expired'], {}, { out: true, err: true });
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      '\r\u001b[2K\u001b[2m[1/2] shape.http ...\u001b[22m\r\u001b[2K\u001b[2m[2/2] auth.expired ...\u001b[22m\r\u001b[2K',
    );
    expect(r.out).toContain('\u001b[32mPASS    \u001b[39m shape.http');
    expect(r.out).toContain('\u001b[32m2 passed\u001b[39m, 0 failed');
  });

  it('no colour with NO_COLOR, off a terminal, or in a JSON report; FORCE_COLOR colours a pipe', async () => {
    const only = ['--only', 'shape.http'];
    for (const [env, tty] of [
      [{ NO_COLOR: '1' }, { out: true, err: true }],
      [
        { NO_COLOR: '1', FORCE_COLOR: '1' },
        { out: true, err: true },
      ],
      [{}, { out: false, err: false }],
    ] as const) {
      const r = await onTty(only, env, tty);
      expect(r.out, JSON.stringify(env)).not.toContain('\u001b[');
      expect(stripProgress(r.err), JSON.stringify(env)).not.toContain('\u001b[');
    }
    const json = await onTty([...only, '--reporter', 'json'], { FORCE_COLOR: '1' }, { out: true });
    expect(json.out).not.toContain('\u001b[');
    expect(JSON.parse(json.out).counts.pass).toBe(1);
    const forced = await onTty(only, { FORCE_COLOR: '1' }, { out: false });
    expect(forced.out).toContain('\u001b[32mPASS');
    const bad = await onTty(['--reporter', 'tap'], {}, { err: true });
    expect(bad.code).toBe(2);
    const line = stripStyles(bad.err);
    expect(line).toMatch(/^timock-contract: --reporter must be one of [^\n]*\n$/);
    expect(bad.err).toBe(`\u001b[31m${line.trimEnd()}\u001b[39m\n`);
  });
});

/** The progress line's own erase codes removed (they are not colour). */
const stripProgress = (text: string) => text.replaceAll('\r\u001b[2K', '');
