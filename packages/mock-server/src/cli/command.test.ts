import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { painter, stripStyles } from '@timock/terminal';
import { describe, expect, it } from 'vitest';
import { COMMANDS, HELP_SPECS, helpText, parseCommand } from './command.js';
import { usage } from './parse.test-support.js';
import { RECORD_FLAGS } from './record.js';

describe('parseCommand', () => {
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

  it('parses proxy: where it listens and its timeout from its option schema, named by flag when refused', () => {
    expect(parseCommand(['proxy', '--region', 'singapore'], {})).toMatchObject({
      kind: 'proxy',
      host: '127.0.0.1',
      port: 9000,
      timeoutMs: 10_000,
    });
    expect(parseCommand(['proxy', '--upstream', 'http://127.0.0.1:9/', '--port', '0'], {})).toMatchObject({
      upstream: 'http://127.0.0.1:9',
      port: 0,
    });
    expect(usage(['proxy', '--region', 'singapore', '--timeout', '0'])).toBe(
      '--timeout must be an integer from 1 to 600000, got "0"',
    );
    expect(usage(['proxy', '--region', 'singapore', '--host', ''])).toBe('--host must not be empty');
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
