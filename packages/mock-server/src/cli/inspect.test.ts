import { type VendorApi, withVendorSigner } from '@timock/test-support';
import { describe, expect, it } from 'vitest';
import type { CliOutput } from './output.js';
import { main } from './run.js';

const APP = 1400000000;
const KEY = 'inspect-key-5bd2850fff3ecb11d7c805251c51ee46';

/** Signs with the vendor's package as if the clock read `atMs`. */
const vendorSig = (atMs: number, sign: (api: VendorApi) => string): string =>
  withVendorSigner(APP, KEY, atMs / 1000, sign);

async function inspect(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const output: CliOutput = { outLine: (l) => out.push(l), errLine: (l) => err.push(l) };
  const result = await main(['usersig', 'inspect', ...argv], env, output);
  const exitCode = 'exitCode' in result ? result.exitCode : undefined;
  return { exitCode, out: out.join('\n'), err: err.join('\n') };
}

describe('timock usersig inspect', () => {
  const fresh = vendorSig(Date.now(), (api) => api.genUserSig('administrator', 86_400));

  it('decodes a UserSig of the vendor package, raw or percent-encoded, and verifies it with the key', async () => {
    for (const sig of [fresh, encodeURIComponent(fresh).replace(/\*/g, '%2A')]) {
      const run = await inspect([
        sig,
        '--secret-key',
        KEY,
        '--sdkappid',
        String(APP),
        '--identifier',
        'administrator',
      ]);
      expect(run.exitCode).toBe(0);
      expect(run.out).toMatch(/version +2\.0/);
      expect(run.out).toMatch(/SDKAppID +1400000000 {2}\(matches\)/);
      expect(run.out).toMatch(/identifier +'administrator' {2}\(matches\)/);
      expect(run.out).toMatch(/issued at +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \((now|\d+ s ago)\)/);
      expect(run.out).toMatch(/expires at +.* UTC \(in (23 h 59 min|1 d)\), lifetime 86400 s/);
      expect(run.out).toMatch(/userbuf +none/);
      expect(run.out).toMatch(/HMAC +matches the key/);
      expect(run.out.split('\n').at(-1)).toBe('valid');
      expect(run.out).not.toContain(KEY);
    }
  });

  it('takes the key from TIMOCK_SECRET_KEY, and without any key says the HMAC was not checked', async () => {
    expect((await inspect([fresh], { TIMOCK_SECRET_KEY: KEY })).out).toMatch(/HMAC +matches the key/);
    const bare = await inspect([fresh]);
    expect(bare.exitCode).toBe(0);
    expect(bare.out).toMatch(/HMAC +not checked/);
  });

  it('exits 1 with the reason: another key, app, identifier, expired', async () => {
    const wrongKey = await inspect([fresh, '--secret-key', 'another-key']);
    expect(wrongKey.exitCode).toBe(1);
    expect(wrongKey.out).toMatch(/HMAC +does not match the key/);
    expect(wrongKey.out.split('\n').at(-1)).toBe(
      "invalid: HMAC does not match app 1400000000's secret key: the UserSig was signed with another key",
    );
    expect(wrongKey.out).not.toContain('another-key');
    const otherApp = await inspect([fresh, '--sdkappid', '1400000001']);
    expect(otherApp).toMatchObject({ exitCode: 1 });
    expect(otherApp.out).toContain(
      'invalid: UserSig was made for SDKAppID 1400000000; the request says 1400000001',
    );
    const otherId = await inspect([fresh, '--identifier', 'bob']);
    expect(otherId.out).toContain(
      "invalid: UserSig was made for identifier 'administrator'; the request says 'bob'",
    );
    const twoHoursAgo = Date.now() - (3600 + 2 * 3600 + 13 * 60 + 20) * 1000;
    const expired = vendorSig(twoHoursAgo, (api) => api.genUserSig('administrator', 3600));
    const old = await inspect([expired, '--secret-key', KEY]);
    expect(old.exitCode).toBe(1);
    expect(old.out).toMatch(/invalid: UserSig expired 2 h 13 min ago \(issued .* UTC, lifetime 3600 s\)$/);
  });

  it('shows a userbuf, and prints JSON with --json', async () => {
    const withBuf = vendorSig(Date.now(), (api) => api.genPrivateMapKey('administrator', 600, 10000, 255));
    const run = await inspect([withBuf, '--secret-key', KEY, '--json']);
    expect(run.exitCode).toBe(0);
    const report = JSON.parse(run.out);
    expect(report).toMatchObject({
      valid: true,
      reason: null,
      document: {
        version: '2.0',
        sdkappid: APP,
        identifier: 'administrator',
        lifetimeSeconds: 600,
        userbuf: true,
      },
      sdkappidMatches: null,
      identifierMatches: null,
      hmac: 'match',
    });
    expect(run.out).not.toContain(KEY);
  });

  it('says why junk is not a UserSig (exit 1), and refuses bad usage (exit 2)', async () => {
    expect(await inspect(['abc!'])).toMatchObject({
      exitCode: 1,
      out: expect.stringMatching(/^invalid: usersig is not base64url/),
    });
    expect((await inspect(['AAAAAAAA', '--json'])).out).toContain(
      '"reason": "usersig is not base64url+zlib: inflate failed"',
    );
    for (const argv of [
      [],
      [fresh, fresh],
      [fresh, '--expire', '60'],
      [fresh, '--sdkappid', 'x'],
      [fresh, '--nope'],
    ]) {
      const run = await inspect(argv);
      expect({ argv, exitCode: run.exitCode }).toEqual({ argv, exitCode: 2 });
      expect(run.err).toMatch(/^timock: /);
    }
  });
});
