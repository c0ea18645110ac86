import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ServerOptionsSchema } from '../options.js';
import { optionFlag, optionProblem, optionValue, setPath } from './option-flags.js';
import { SERVE_FLAGS } from './serve.js';

const schema = z.number().int().min(2).max(9).default(5).meta({ description: 'how many `things`' });
const issueOf = (s: z.ZodType, value: unknown) => s.safeParse(value).error!.issues[0]!;

describe('option flags', () => {
  it('take their help, range and default from the option schema', () => {
    expect(optionFlag('n', schema, { value: 'N' })).toMatchObject({
      type: 'string',
      option: 'n',
      value: 'N',
      help: 'how many things (2..9, default 5)',
    });
    const level = z.enum(['a', 'b']).default('a').meta({ description: 'level' });
    expect(optionFlag('level', level, {}).help).toBe('level (a|b, default a)');
    const off = optionFlag('on', z.boolean().default(true).meta({ description: 'it runs' }), {
      type: 'boolean',
      sets: false,
      env: 'X_OFF',
      lead: 'turn off',
    });
    expect(off.help).toBe('turn off: it runs (X_OFF=1)');
    // The serve table follows the server's schema: its range and default, not a copy.
    const journal = ServerOptionsSchema.shape.journalSize;
    expect(SERVE_FLAGS['journal-size'].help).toContain(`1..${z.toJSONSchema(journal).maximum}, default 1000`);
    expect(SERVE_FLAGS['headers-timeout'].help).toMatch(
      /^ms for a client .*\(1\.\.86400000, default 10000\)$/,
    );
    expect(SERVE_FLAGS['no-admin']).toMatchObject({ option: 'admin', sets: false });
  });

  it('convert a flag text to the option type, and name the flag or variable in a problem', () => {
    const flag = optionFlag('n', schema, {});
    expect(optionValue(flag, '7')).toBe(7);
    expect(optionValue(flag, '-3')).toBe(-3);
    expect(optionValue(flag, '7s')).toBeNaN();
    expect(optionValue(flag, '')).toBeNaN();
    expect(optionValue(optionFlag('on', z.boolean(), { type: 'boolean', sets: false }), '')).toBe(false);
    const problem = optionProblem(flag, { text: '12', source: 'X_N' }, issueOf(schema, 12));
    expect(problem).toMatchObject({
      code: 'TIMOCK_CLI_USAGE',
      message: 'X_N must be an integer from 2 to 9, got "12"',
    });
    const token = ServerOptionsSchema.shape.adminToken;
    const secret = optionProblem(
      optionFlag('adminToken', token, {}),
      { text: 'short', source: '--admin-token' },
      issueOf(token, 'short'),
    );
    expect(secret.message).toBe('--admin-token must be 8 to 256 printable ASCII characters without spaces');
    expect(secret.message).not.toContain('short"');
  });

  it('set a nested option without changing the object it came from', () => {
    const redis = { url: 'redis://a:1', keyPrefix: 'cfg' };
    const target: Record<string, unknown> = { redis };
    setPath(target, 'redis.keyPrefix', 'flag');
    setPath(target, 'seed', 3);
    expect(target).toEqual({ redis: { url: 'redis://a:1', keyPrefix: 'flag' }, seed: 3 });
    expect(redis.keyPrefix).toBe('cfg');
  });
});
