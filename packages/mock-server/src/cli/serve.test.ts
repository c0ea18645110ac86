import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { FIDELITY_NAMES, FIDELITY_VALUES, FidelityBaseSchema, resolveFidelity } from '@timock/schema';
import { describe, expect, it } from 'vitest';
import { DEMO_APP, resolveServerOptions, ServerOptionsSchema } from '../options.js';
import { parseCommand } from './command.js';
import { configPermissionWarning } from './config-file.js';
import { dir, file, serve, usage } from './parse.test-support.js';

describe('timock serve: flags, variables and the config file', () => {
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
