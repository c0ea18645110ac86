import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIDELITY_NAMES, FIDELITY_VALUES, FidelityBaseSchema, resolveFidelity } from '@timock/schema';
import { describe, expect, it } from 'vitest';
import { DEMO_APP, resolveServerOptions, ServerOptionsSchema } from '../options.js';
import { painter, stripStyles } from '../terminal.js';
import { COMMANDS, type Command, HELP_SPECS, helpText, parseCommand } from './command.js';
import { configPermissionWarning } from './config-file.js';
import { isCliUsageError } from './flags.js';
import { RECORD_FLAGS } from './record.js';
import type { ServeCommand } from './serve.js';

const dir = mkdtempSync(join(tmpdir(), 'timock-args-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
/** The serve command the arguments parse to. */
const serve = (argv: string[], env: Record<string, string> = {}): ServeCommand => {
  const cmd: Command = parseCommand(argv, env);
  if (cmd.kind !== 'serve') throw new Error(`expected serve, got ${cmd.kind}`);
  return cmd;
};
const usage = (argv: string[], env: Record<string, string> = {}) => {
  try {
    parseCommand(argv, env);
  } catch (error) {
    expect(isCliUsageError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'CliUsageError', code: 'TIMOCK_CLI_USAGE' });
    return (error as Error).message;
  }
  throw new Error('expected a usage error');
};

describe('parseCommand', () => {
  it('serves on 127.0.0.1:8080 with the demo app by default, with or without "serve"', () => {
    // The options hold only what was given (and where to listen): the server's schema fills the rest.
    const expected = {
      kind: 'serve',
      options: { host: '127.0.0.1', port: 8080, fixtures: [], fidelity: {} },
      logLevel: 'info',
      logFormat: undefined,
      selfSigned: false,
      configPath: undefined,
      fixturePaths: [],
    };
    expect(parseCommand([], {})).toEqual(expected);
    expect(parseCommand(['serve'], {})).toEqual(expected);
    const { host, port, ...server } = serve([]).options;
    const resolved = resolveServerOptions(server);
    expect(resolved).toMatchObject({
      seed: 42,
      admin: true,
      journalSize: 1000,
      cacheBudget: 64 * 1024 * 1024,
      headersTimeout: 10_000,
    });
    for (const key of ['redis', 'adminToken', 'https'] as const) expect(resolved[key], key).toBeUndefined();
  });

  it('reads flags, and environment variables when a flag is absent (flags win)', () => {
    const env = {
      TIMOCK_HOST: '0.0.0.0',
      TIMOCK_PORT: '9000',
      TIMOCK_SEED: '7',
      TIMOCK_NOW: '2025-03-10T12:00:00+08:00',
      TIMOCK_LOG_LEVEL: 'warn',
    };
    const fromEnv = serve([], env);
    expect(fromEnv).toMatchObject({ options: { host: '0.0.0.0', port: 9000, seed: 7 }, logLevel: 'warn' });
    expect(fromEnv.options.now?.()).toBe(Date.parse('2025-03-10T04:00:00Z'));
    expect(serve(['--port', '0', '--seed', '8', '--log-level', 'silent'], env)).toMatchObject({
      options: { port: 0, seed: 8 },
      logLevel: 'silent',
    });
  });

  it('reads and validates the config file (flag or TIMOCK_CONFIG)', () => {
    const good = file(
      'good.json',
      JSON.stringify({ apps: [{ ...DEMO_APP, sdkappid: 1400000001 }], seed: 3 }),
    );
    expect(parseCommand(['--config', good], {})).toMatchObject({ options: { seed: 3 }, configPath: good });
    expect(parseCommand([], { TIMOCK_CONFIG: good })).toMatchObject({ configPath: good });
    expect(usage(['--config', join(dir, 'missing.json')])).toMatch(/missing\.json not found/);
    expect(usage(['--config', file('bad.json', '{"apps": [')])).toMatch(/bad\.json is not valid JSON/);
    const dup = file('dup.json', JSON.stringify({ apps: [DEMO_APP, DEMO_APP] }));
    expect(usage(['--config', dup])).toMatch(/apps\.1\.sdkappid: duplicate sdkappid 1400000000/);
    const typo = file('typo.json', JSON.stringify({ apps: [], sede: 1 }));
    expect(usage(['--config', typo])).toMatch(/sede/);
    const noKey = file('nokey.json', JSON.stringify({ apps: [{ sdkappid: 1, admins: ['a'] }] }));
    expect(usage(['--config', noKey])).toMatch(/apps\.0\.secretKey/);
  });

  it('refuses bad flags and values with one line', () => {
    expect(usage(['--bogus'])).toMatch(/Unknown option '--bogus'/);
    expect(usage(['--port', '65536'])).toMatch(/--port must be an integer/);
    expect(usage(['--port', 'http'])).toMatch(/--port/);
    expect(usage(['--seed', '-1'])).toMatch(/--seed/);
    expect(usage(['--now', 'yesterday'])).toMatch(/--now must be an ISO-8601/);
    expect(usage(['--log-level', 'loud'])).toMatch(/--log-level/);
    expect(usage(['--log-format', 'xml'])).toBe('--log-format must be one of pretty, json, got "xml"');
    expect(usage([], { TIMOCK_LOG_FORMAT: 'xml' })).toMatch(/^TIMOCK_LOG_FORMAT must be one of pretty, json/);
    expect(usage(['--https', '--cert', 'x.pem'])).toMatch(/--cert and --key go together/);
    expect(usage(['--https', '--cert', join(dir, 'no.pem'), '--key', join(dir, 'no.key')])).toMatch(
      /cannot read --cert/,
    );
    expect(usage(['launch'])).toMatch(/unknown command "launch"/);
    expect(usage(['openapi', '--x'])).toMatch(/Unknown option/);
    for (const message of [usage(['--bogus']), usage(['--port', 'x'])]) expect(message).not.toContain('\n');
  });

  it('reads --redis/--redis-prefix or their variables over the config file, naming a bad URL by its flag only', () => {
    expect(serve(['--redis', 'redis://127.0.0.1:6390']).options).toMatchObject({
      redis: { url: 'redis://127.0.0.1:6390', keyPrefix: 'timock', commandTimeoutMs: 1000 },
    });
    expect(
      serve([], { TIMOCK_REDIS_URL: 'rediss://:pw@cache:6380/1', TIMOCK_REDIS_PREFIX: 'staging' }).options,
    ).toMatchObject({ redis: { url: 'rediss://:pw@cache:6380/1', keyPrefix: 'staging' } });
    const withRedis = file('redis.json', JSON.stringify({ redis: { url: 'redis://a:1', keyPrefix: 'cfg' } }));
    expect(serve(['--config', withRedis, '--redis-prefix', 'flag']).options).toMatchObject({
      redis: { url: 'redis://a:1', keyPrefix: 'flag' },
    });
    expect(serve(['--config', withRedis, '--redis', 'redis://b:2']).options).toMatchObject({
      redis: { url: 'redis://b:2', keyPrefix: 'cfg' },
    });
    const secret = usage(['--redis', 'http://:hunter2@cache:6379']);
    expect(secret).toBe('--redis must be a redis:// or rediss:// URL with a host');
    expect(usage(['--redis', 'redis://a:1', '--redis-prefix', 'a b'])).toMatch(/^--redis-prefix must be/);
    expect(usage(['--redis-prefix', 'p'])).toBe('--redis-prefix needs --redis URL');
    const badConfig = file('badredis.json', JSON.stringify({ redis: 'memcached://x' }));
    expect(usage(['--config', badConfig])).toMatch(/redis\.url: must be a redis:\/\//);
  });

  it('asks for a self-signed certificate with --https alone, and reads --cert/--key', () => {
    expect(serve(['--https'])).toMatchObject({ selfSigned: true });
    expect(serve(['--https']).options.https).toBeUndefined();
    expect(serve([], { TIMOCK_HTTPS: '1' })).toMatchObject({ selfSigned: true });
    const cert = file('c.pem', 'CERT');
    const key = file('k.pem', 'KEY');
    expect(serve(['--https', '--cert', cert, '--key', key])).toMatchObject({
      selfSigned: false,
      options: { https: { cert: 'CERT', key: 'KEY' } },
    });
  });

  it('parses usersig, help, version and openapi', () => {
    expect(
      parseCommand(['usersig', '--sdkappid', '1400000000', '--secret-key', 'k', '--identifier', 'a'], {}),
    ).toEqual({ kind: 'usersig', sdkappid: 1400000000, secretKey: 'k', identifier: 'a', expire: 86400 });
    expect(
      parseCommand(['usersig', '--sdkappid', '1', '--identifier', 'a', '--expire', '60'], {
        TIMOCK_SECRET_KEY: 's',
      }),
    ).toMatchObject({ secretKey: 's', expire: 60 });
    expect(usage(['usersig', '--sdkappid', '1', '--identifier', 'a'])).toMatch(/--secret-key/);
    expect(usage(['usersig', '--secret-key', 'k', '--identifier', 'a'])).toMatch(/--sdkappid/);
    expect(usage(['usersig', '--sdkappid', '1', '--secret-key', 'k'])).toMatch(/--identifier/);
    expect(parseCommand(['--help'], {})).toEqual({ kind: 'help' });
    expect(parseCommand(['-h'], {})).toEqual({ kind: 'help' });
    expect(parseCommand(['--version'], {})).toEqual({ kind: 'version' });
    expect(parseCommand(['openapi'], {})).toEqual({ kind: 'openapi' });
  });

  it('reads the control-plane flags, their environment variables and config fields', () => {
    expect(serve(['--no-admin', '--journal-size', '50']).options).toMatchObject({
      admin: false,
      journalSize: 50,
    });
    expect(serve([], { TIMOCK_NO_ADMIN: '1', TIMOCK_JOURNAL_SIZE: '7' }).options).toMatchObject({
      admin: false,
      journalSize: 7,
    });
    const token = 'tok-0123456789';
    const withToken = serve(['--admin-token', token]).options;
    expect(withToken).toMatchObject({ adminToken: token });
    // admin is not set: the server's default (on) applies.
    expect(withToken.admin).toBeUndefined();
    expect(ServerOptionsSchema.shape.admin.parse(withToken.admin)).toBe(true);
    expect(serve([], { TIMOCK_ADMIN_TOKEN: token }).options).toMatchObject({ adminToken: token });
    const config = file('admin.json', JSON.stringify({ admin: false, journalSize: 9 }));
    expect(serve(['--config', config]).options).toMatchObject({ admin: false, journalSize: 9 });
    expect(usage(['--journal-size', '0'])).toMatch(/--journal-size must be an integer from 1 to 100000/);
    expect(usage(['--journal-size', '100001'])).toMatch(/--journal-size/);
    expect(usage(['--admin-token', 'short'])).toMatch(/--admin-token must be 8 to 256 printable/);
    expect(usage(['--admin-token', 'has a space in it'])).toMatch(/--admin-token/);
    expect(usage(['--admin-token', token, '--no-admin'])).toMatch(/exclude each other/);
    expect(usage(['--admin'])).toMatch(/Unknown option '--admin'/);
  });

  it('reads fixtures from flags and from the config file (relative to it), and refuses bad ones', () => {
    const fixture = {
      timockFixture: 1,
      sdkappid: 1400000005,
      admins: ['administrator'],
      recordedAt: '2025-03-10T04:00:00Z',
      source: 'http://127.0.0.1:1',
      days: [{ Date: '20250309', ActiveUserNum: '3' }],
    };
    const path = file('rec.json', JSON.stringify(fixture));
    expect(serve(['--fixtures', path])).toMatchObject({
      options: { fixtures: [fixture] },
      fixturePaths: [path],
    });
    const config = file('with-fixtures.json', JSON.stringify({ fixtures: 'rec.json' }));
    const viaConfig = serve(['--config', config]);
    expect(viaConfig).toMatchObject({ options: { fixtures: [fixture] }, fixturePaths: [path] });
    // The config file's fixture paths become fixtures: no other option comes from it.
    expect(viaConfig.options).toEqual({ host: '127.0.0.1', port: 8080, fixtures: [fixture], fidelity: {} });
    expect(usage(['--fixtures', path, '--fixtures', path])).toMatch(/both record app 1400000005/);
    expect(usage(['--fixtures', join(dir, 'none.json')])).toMatch(/fixture file .*none\.json not found/);
    const bad = file('bad-fixture.json', JSON.stringify({ ...fixture, days: [{ Date: 'x' }] }));
    expect(usage(['--fixtures', bad])).toMatch(/fixture file .*: days\.0\.Date: Date must be YYYYMMDD/);
  });

  it('parses record and refuses incomplete or contradictory flags', () => {
    const base = ['--sdkappid', '1400000000', '--secret-key', 'k', '--out', 'f.json'];
    expect(parseCommand(['record', '--upstream', 'http://127.0.0.1:9/', ...base], {})).toEqual({
      kind: 'record',
      upstream: { baseUrl: 'http://127.0.0.1:9' },
      sdkappid: 1400000000,
      secretKey: 'k',
      identifier: 'administrator',
      out: 'f.json',
    });
    expect(
      parseCommand(
        ['record', '--region', 'singapore', '--identifier', 'ops', ...base.slice(0, 2), '--out', 'x'],
        {
          TIMOCK_SECRET_KEY: 'env-key',
        },
      ),
    ).toMatchObject({ upstream: { region: 'singapore' }, secretKey: 'env-key', identifier: 'ops' });
    expect(usage(['record', ...base])).toMatch(/exactly one of --upstream URL and --region R/);
    expect(usage(['record', '--upstream', 'u', '--region', 'china', ...base])).toMatch(/exactly one/);
    expect(usage(['record', '--upstream', 'ftp://x', ...base])).toMatch(/--upstream must be an http/);
    expect(usage(['record', '--upstream', 'http://u:p@x', ...base])).toMatch(/without credentials/);
    expect(usage(['record', '--region', 'mars', ...base])).toMatch(/--region must be one of china/);
    expect(usage(['record', '--region', 'china', '--sdkappid', '1', '--secret-key', 'k'])).toMatch(/--out/);
    expect(usage(['record', '--region', 'china', '--sdkappid', '1', '--out', 'o'])).toMatch(/--secret-key/);
  });
});

describe('fidelity: --strict, --fidelity, their variables and the config file', () => {
  const fidelityOf = (argv: string[], env: Record<string, string> = {}) => serve(argv, env).options.fidelity;

  it('accepts every setting of FidelityBaseSchema with each of its values, booleans as true/false', () => {
    expect(Object.keys(FIDELITY_VALUES)).toEqual(FIDELITY_NAMES);
    expect(FIDELITY_VALUES).toMatchObject({
      requireRandom: ['true', 'false'],
      methodCheck: ['last', 'first'],
      arrayBody: ['all-fields', 'refuse'],
    });
    for (const name of FIDELITY_NAMES) {
      for (const text of FIDELITY_VALUES[name]) {
        const value = fidelityOf(['--fidelity', `${name}=${text}`])[name];
        expect(FidelityBaseSchema.shape[name].safeParse(value).success, `${name}=${text}`).toBe(true);
        expect(String(value)).toBe(text);
      }
    }
    expect(fidelityOf(['--fidelity', 'requireRandom=false'])).toEqual({ requireRandom: false });
  });

  it('refuses an unknown name or a bad value in one line naming the flag, the name and the accepted values', () => {
    expect(usage(['--fidelity', 'requireRandum=true'])).toBe(
      `--fidelity takes NAME=VALUE with NAME one of ${FIDELITY_NAMES.join(', ')}, got "requireRandum=true"`,
    );
    expect(usage(['--fidelity', 'requireRandom'])).toBe(
      '--fidelity requireRandom must be one of true, false, got ""',
    );
    expect(usage(['--fidelity', 'requireRandom=yes'])).toBe(
      '--fidelity requireRandom must be one of true, false, got "yes"',
    );
    expect(usage(['--fidelity', 'methodCheck=never'])).toBe(
      '--fidelity methodCheck must be one of last, first, got "never"',
    );
    // The profile is not a setting: --strict chooses it.
    expect(usage(['--fidelity', 'profile=strict'])).toMatch(/^--fidelity takes NAME=VALUE/);
    expect(usage(['--fidelity', '__proto__=x'])).toMatch(/^--fidelity takes NAME=VALUE/);
    expect(usage([], { TIMOCK_FIDELITY: 'arrayBody=all-fields,arrayBody=maybe' })).toBe(
      'TIMOCK_FIDELITY arrayBody must be one of all-fields, refuse, got "maybe"',
    );
    const badConfig = file('bad-fidelity.json', JSON.stringify({ fidelity: { requireRandom: 'yes' } }));
    expect(usage(['--config', badConfig])).toMatch(/fidelity\.requireRandom/);
    const typo = file('typo-fidelity.json', JSON.stringify({ fidelity: { strict: true } }));
    expect(usage(['--config', typo])).toMatch(/fidelity/);
  });

  it('flags win over TIMOCK_FIDELITY, which wins over the config file, setting by setting', () => {
    const config = file(
      'fidelity.json',
      JSON.stringify({ fidelity: { successActionStatus: true, arrayBody: 'refuse', includeToday: true } }),
    );
    const env = { TIMOCK_FIDELITY: ' arrayBody=all-fields , includeToday=false,', TIMOCK_CONFIG: config };
    expect(fidelityOf([], { TIMOCK_CONFIG: config })).toEqual({
      successActionStatus: true,
      arrayBody: 'refuse',
      includeToday: true,
    });
    expect(fidelityOf([], env)).toEqual({
      successActionStatus: true,
      arrayBody: 'all-fields',
      includeToday: false,
    });
    expect(fidelityOf(['--fidelity', 'includeToday=true', '--fidelity', 'methodCheck=first'], env)).toEqual({
      successActionStatus: true,
      arrayBody: 'all-fields',
      includeToday: true,
      methodCheck: 'first',
    });
    // A repeated flag: the last wins.
    expect(fidelityOf(['--fidelity', 'arrayBody=refuse', '--fidelity', 'arrayBody=all-fields'])).toEqual({
      arrayBody: 'all-fields',
    });
  });

  it('--strict or TIMOCK_STRICT=1 sets the strict profile; settings still apply over it', () => {
    expect(fidelityOf(['--strict'])).toEqual({ profile: 'strict' });
    expect(fidelityOf([], { TIMOCK_STRICT: '1' })).toEqual({ profile: 'strict' });
    expect(fidelityOf([], { TIMOCK_STRICT: '0' })).toEqual({});
    const strict = fidelityOf(['--strict', '--fidelity', 'arrayBody=all-fields']);
    expect(strict).toEqual({ profile: 'strict', arrayBody: 'all-fields' });
    expect(resolveFidelity(strict)).toMatchObject({
      requireRandom: true,
      methodCheck: 'first',
      arrayBody: 'all-fields',
    });
    const config = file(
      'strict.json',
      JSON.stringify({ fidelity: { profile: 'strict', requireRandom: false } }),
    );
    expect(fidelityOf(['--config', config])).toEqual({ profile: 'strict', requireRandom: false });
    expect(fidelityOf(['--config', config, '--fidelity', 'requireRandom=true'])).toEqual({
      profile: 'strict',
      requireRandom: true,
    });
  });
});

describe('timeouts and config file permissions', () => {
  it('reads the four timeouts from flags, then the environment, and refuses bad values in one line', () => {
    const cmd = serve(['--headers-timeout', '500', '--connection-timeout', '0'], {
      TIMOCK_REQUEST_TIMEOUT: '900',
      TIMOCK_KEEP_ALIVE_TIMEOUT: '1000',
      TIMOCK_HEADERS_TIMEOUT: '700',
    });
    expect(cmd.options).toMatchObject({
      headersTimeout: 500,
      requestTimeout: 900,
      keepAliveTimeout: 1000,
      connectionTimeout: 0,
    });
    expect(cmd.options.drainTimeout).toBeUndefined();
    expect(usage(['--request-timeout', '0'])).toBe(
      '--request-timeout must be an integer from 1 to 86400000, got "0"',
    );
    expect(usage(['--keep-alive-timeout', '5s'])).toMatch(/^--keep-alive-timeout must be an integer/);
    const config = file('timeouts.json', JSON.stringify({ requestTimeout: 1234 }));
    expect(serve(['--config', config]).options).toMatchObject({ requestTimeout: 1234 });
  });

  it('warns in one line, without the key, when a config file with secret keys is readable by group or others', () => {
    const secret = 'do-not-print-this-key';
    const config = { apps: [{ sdkappid: 1400000001, secretKey: secret, admins: ['a'] }] };
    const path = file('secret.json', JSON.stringify(config));
    chmodSync(path, 0o644);
    const warning = configPermissionWarning(path, config, 'linux');
    expect(warning).toBe(
      `warning: config file ${path} holds secret keys and is readable by others (mode 644); chmod 600 it`,
    );
    expect(warning).not.toContain(secret);
    chmodSync(path, 0o640);
    expect(configPermissionWarning(path, config, 'linux')).toMatch(/readable by its group \(mode 640\)/);
    chmodSync(path, 0o600);
    expect(configPermissionWarning(path, config, 'linux')).toBeUndefined();
    // Only the public demo key, or no POSIX modes: nothing to say.
    chmodSync(path, 0o644);
    expect(configPermissionWarning(path, { apps: [DEMO_APP] }, 'linux')).toBeUndefined();
    expect(configPermissionWarning(path, config, 'win32')).toBeUndefined();
  });
});

describe('help', () => {
  const section = (text: string, heading: string) => text.split(`\n${heading}\n`)[1]!.split('\n\n')[0]!;

  it.each(COMMANDS)(
    'timock %s --help lists every flag its parser accepts, its variables and examples',
    (cmd) => {
      const text = helpText(cmd);
      const flags = HELP_SPECS[cmd].flags;
      // What the help lists is what the parser accepts, in both directions.
      const listed = section(text, 'Options:')
        .split('\n')
        .map((line) => line.match(/--([a-z-]+)/)![1]!);
      expect(listed).toEqual(Object.keys(flags));
      for (const name of listed) {
        const value = flags[name]!.type === 'string' ? ['1'] : [];
        try {
          parseCommand([cmd, `--${name}`, ...value], {});
        } catch (error) {
          expect((error as Error).message, name).not.toMatch(/Unknown option/);
        }
      }
      expect(usage([cmd, '--not-a-flag'])).toMatch(/^Unknown option '--not-a-flag'/);
      const variables = section(text, 'Environment:');
      for (const flag of Object.values(flags)) if ('env' in flag) expect(variables).toContain(flag.env);
      expect(variables).toMatch(/NO_COLOR/);
      // 2 to 5 examples, each a command line of this command that uses only its flags.
      const examples = section(text, 'Examples:').split('\n');
      expect(examples.length / 2).toBeGreaterThanOrEqual(2);
      expect(examples.length / 2).toBeLessThanOrEqual(5);
      for (const [i, line] of examples.entries()) {
        if (i % 2 === 0) {
          expect(line).toMatch(/^ {2}# \S/);
          continue;
        }
        const own = line.match(/\btimock( (?:usersig|record|proxy|openapi|serve)\b)?(.*)/);
        expect(own, line).not.toBeNull();
        if (cmd !== 'serve' || own![1] !== undefined) expect(own![1]?.trim(), line).toBe(cmd);
        for (const [flag] of own![2]!.split(/&&|\|/)[0]!.matchAll(/--[a-z-]+/g)) {
          expect(listed, line).toContain(flag.slice(2));
        }
      }
    },
  );

  it("prints the overview for timock --help, and one command's help for help CMD, CMD --help or CMD -h", () => {
    expect(parseCommand(['--help'], {})).toEqual({ kind: 'help' });
    expect(parseCommand(['help'], {})).toEqual({ kind: 'help' });
    for (const cmd of COMMANDS) {
      expect(parseCommand(['help', cmd], {})).toEqual({ kind: 'help', command: cmd });
      expect(parseCommand([cmd, '--help'], {})).toEqual({ kind: 'help', command: cmd });
      expect(parseCommand([cmd, '-h'], {})).toEqual({ kind: 'help', command: cmd });
    }
    expect(usage(['help', 'nope'])).toBe(
      'help takes one of serve, usersig, record, proxy, openapi, got "nope"',
    );
    expect(usage(['help', 'serve', 'extra'])).toMatch(/^help takes one of/);
    const overview = helpText();
    for (const cmd of COMMANDS) expect(overview).toMatch(new RegExp(`^ {2}timock (\\[)?${cmd}`, 'm'));
    expect(section(overview, 'Options:')).toBe(section(helpText('serve'), 'Options:'));
  });

  it('is plain unless painted, and the paint only adds codes', () => {
    expect(helpText('record')).not.toContain('\u001b[');
    const painted = helpText('record', painter(true));
    expect(painted).toContain('\u001b[1mExamples:');
    expect(stripStyles(painted)).toBe(helpText('record'));
  });
});

describe('README.md', () => {
  it('lists every serve flag with its environment variable, and the secret-key variable', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const cli = readme.split('## CLI: `timock`')[1]!.split('\n## ')[0]!;
    const rows = cli
      .split('\n')
      .filter((l) => l.startsWith('| `--'))
      .map((l) => l.split('|').map((c) => c.trim()));
    for (const [name, flag] of Object.entries(HELP_SPECS.serve.flags)) {
      if (name === 'help' || name === 'version') continue;
      const row = rows.find((r) => r[1]!.includes(`\`--${name} `) || r[1]!.includes(`\`--${name}\``));
      expect(row, name).toBeDefined();
      if ('env' in flag) expect(row![2], name).toContain(`\`${flag.env}`);
      else expect(row![2], name).toBe('');
    }
    const secret = rows.find((r) => r[1]!.startsWith('`--secret-key'));
    expect(secret?.[2]).toBe(`\`${RECORD_FLAGS['secret-key'].env}\``);
    expect(cli).toContain('NO_COLOR');
  });
});

describe('errors a person can act on', () => {
  const usageOf = (argv: string[], env: Record<string, string> = {}) => {
    try {
      parseCommand(argv, env);
    } catch (error) {
      return (error as Error).message;
    }
    return undefined;
  };

  it('says what is wrong with a negative number instead of "argument is ambiguous"', () => {
    expect(usageOf(['--seed', '-1'])).toBe('--seed must be an integer from 0 to 4294967295, got "-1"');
    expect(usageOf(['--port', '-80'])).toBe('--port must be an integer from 0 to 65535, got "-80"');
    expect(
      usageOf(['usersig', '--sdkappid', '1', '--secret-key', 'k', '--identifier', 'a', '--expire', '-5']),
    ).toBe('--expire must be an integer from 1 to 4294967295, got "-5"');
    // A real option after a value-taking flag is still an option.
    expect(usageOf(['--seed', '--port', '1'])).toMatch(/ambiguous|--seed/);
  });

  it('names the environment variable when the value came from one', () => {
    expect(usageOf([], { TIMOCK_PORT: 'abc' })).toBe(
      'TIMOCK_PORT must be an integer from 0 to 65535, got "abc"',
    );
    expect(usageOf(['--port', 'abc'], { TIMOCK_PORT: '1' })).toBe(
      '--port must be an integer from 0 to 65535, got "abc"',
    );
    expect(usageOf([], { TIMOCK_LOG_LEVEL: 'loud' })).toMatch(/^TIMOCK_LOG_LEVEL must be one of /);
    expect(usageOf([], { TIMOCK_REQUEST_TIMEOUT: '0' })).toMatch(
      /^TIMOCK_REQUEST_TIMEOUT must be an integer/,
    );
  });

  it('lists every mistake of a config file, unknown keys included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'timock-args-'));
    const path = join(dir, 'config.json');
    writeFileSync(path, JSON.stringify({ seed: -1, bodyLimit: 'big', colour: 'red' }), { mode: 0o600 });
    const message = usageOf(['--config', path]);
    expect(message).toContain('seed: ');
    expect(message).toContain('bodyLimit: ');
    expect(message).toMatch(/colour/);
    expect(message).not.toContain('more)');
  });
});
