import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_APP } from '../options.js';
import { CliUsageError, configPermissionWarning, parseCommand } from './args.js';

const dir = mkdtempSync(join(tmpdir(), 'timock-args-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const usage = (argv: string[], env: Record<string, string> = {}) => {
  try {
    parseCommand(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(CliUsageError);
    return (error as Error).message;
  }
  throw new Error('expected a usage error');
};

describe('parseCommand', () => {
  it('serves on 127.0.0.1:8080 with the demo app by default, with or without "serve"', () => {
    const expected = {
      kind: 'serve',
      host: '127.0.0.1',
      port: 8080,
      seed: undefined,
      now: undefined,
      config: undefined,
      configPath: undefined,
      https: undefined,
      logLevel: 'info',
      timeouts: {},
    };
    expect(parseCommand([], {})).toEqual(expected);
    expect(parseCommand(['serve'], {})).toEqual(expected);
  });

  it('reads flags, and environment variables when a flag is absent (flags win)', () => {
    const env = {
      TIMOCK_HOST: '0.0.0.0',
      TIMOCK_PORT: '9000',
      TIMOCK_SEED: '7',
      TIMOCK_NOW: '2025-03-10T12:00:00+08:00',
      TIMOCK_LOG_LEVEL: 'warn',
    };
    expect(parseCommand([], env)).toMatchObject({
      host: '0.0.0.0',
      port: 9000,
      seed: 7,
      now: Date.parse('2025-03-10T04:00:00Z'),
      logLevel: 'warn',
    });
    expect(parseCommand(['--port', '0', '--seed', '8', '--log-level', 'silent'], env)).toMatchObject({
      port: 0,
      seed: 8,
      logLevel: 'silent',
    });
  });

  it('reads and validates the config file (flag or TIMOCK_CONFIG)', () => {
    const good = file(
      'good.json',
      JSON.stringify({ apps: [{ ...DEMO_APP, sdkappid: 1400000001 }], seed: 3 }),
    );
    expect(parseCommand(['--config', good], {})).toMatchObject({ config: { seed: 3 }, configPath: good });
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
    expect(usage(['--https', '--cert', 'x.pem'])).toMatch(/--cert and --key go together/);
    expect(usage(['--https', '--cert', join(dir, 'no.pem'), '--key', join(dir, 'no.key')])).toMatch(
      /cannot read --cert/,
    );
    expect(usage(['launch'])).toMatch(/unknown command "launch"/);
    expect(usage(['openapi', '--x'])).toMatch(/Unknown option/);
    for (const message of [usage(['--bogus']), usage(['--port', 'x'])]) expect(message).not.toContain('\n');
  });

  it('asks for a self-signed certificate with --https alone, and reads --cert/--key', () => {
    expect(parseCommand(['--https'], {})).toMatchObject({ https: 'self-signed' });
    expect(parseCommand([], { TIMOCK_HTTPS: '1' })).toMatchObject({ https: 'self-signed' });
    const cert = file('c.pem', 'CERT');
    const key = file('k.pem', 'KEY');
    expect(parseCommand(['--https', '--cert', cert, '--key', key], {})).toMatchObject({
      https: { cert: 'CERT', key: 'KEY' },
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
});

describe('timeouts and config file permissions', () => {
  it('reads the four timeouts from flags, then the environment, and refuses bad values in one line', () => {
    const cmd = parseCommand(['--headers-timeout', '500', '--connection-timeout', '0'], {
      TIMOCK_REQUEST_TIMEOUT: '900',
      TIMOCK_KEEP_ALIVE_TIMEOUT: '1000',
      TIMOCK_HEADERS_TIMEOUT: '700',
    });
    expect(cmd).toMatchObject({
      timeouts: { headersTimeout: 500, requestTimeout: 900, keepAliveTimeout: 1000, connectionTimeout: 0 },
    });
    expect(usage(['--request-timeout', '0'])).toBe(
      '--request-timeout must be an integer from 1 to 86400000, got "0"',
    );
    expect(usage(['--keep-alive-timeout', '5s'])).toMatch(/^--keep-alive-timeout must be an integer/);
    const config = file('timeouts.json', JSON.stringify({ requestTimeout: 1234 }));
    expect(parseCommand(['--config', config], {})).toMatchObject({ config: { requestTimeout: 1234 } });
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
