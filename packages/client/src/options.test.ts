import { REGION_IDS, REGIONS } from '@timock/schema';
import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { APP } from '../test/helpers.js';
import { ClientOptionsSchema, defaultSleep } from './options.js';

describe('ClientOptionsSchema', () => {
  it('fills in the documented defaults', () => {
    const o = ClientOptionsSchema.parse({ sdkappid: 1400000000, secretKey: 'k' });
    expect(o).toMatchObject({
      identifier: 'administrator',
      userSigLifetimeSeconds: 86400,
      region: 'china',
      useBackupDomain: false,
      origin: 'https://console.tim.qq.com',
      path: '/v4/openconfigsvr/getappinfo',
      timeoutMs: 5000,
      retry: { retries: 3, minDelayMs: 100, maxDelayMs: 2000, deadlineMs: 20_000 },
      rateLimitPerSecond: 200,
      dispatcher: undefined,
    });
    expect(o.now).toBe(Date.now);
    expect(o.sleep).toBe(defaultSleep);
    expect(o.retry.random).toBe(Math.random);
  });

  it('builds the origin of every region and of every documented backup domain', () => {
    for (const region of REGION_IDS) {
      const info = REGIONS[region];
      expect(ClientOptionsSchema.parse({ ...APP, region }).origin).toBe(`https://${info.domain}`);
      if (info.backupDomain !== null) {
        expect(ClientOptionsSchema.parse({ ...APP, region, useBackupDomain: true }).origin).toBe(
          `https://${info.backupDomain}`,
        );
      }
    }
    expect(ClientOptionsSchema.parse({ ...APP, region: 'singapore' }).origin).toBe(
      'https://adminapisgp.im.qcloud.com',
    );
  });

  it('refuses Tokyo’s undocumented backup domain with a clear message', () => {
    const r = ClientOptionsSchema.safeParse({ ...APP, region: 'tokyo', useBackupDomain: true });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({
      path: ['useBackupDomain'],
      message: expect.stringContaining('tokyo has no documented backup domain'),
    });
  });

  it('takes any http(s) base URL, with an optional path prefix', () => {
    expect(ClientOptionsSchema.parse({ ...APP, baseUrl: 'http://127.0.0.1:4000' })).toMatchObject({
      origin: 'http://127.0.0.1:4000',
      path: '/v4/openconfigsvr/getappinfo',
      region: undefined,
    });
    expect(ClientOptionsSchema.parse({ ...APP, baseUrl: 'https://proxy.example/tim/' }).path).toBe(
      '/tim/v4/openconfigsvr/getappinfo',
    );
    for (const baseUrl of ['ftp://x', 'not a url', 'http://x/?a=1', 'http://u:p@x']) {
      expect(ClientOptionsSchema.safeParse({ ...APP, baseUrl }).success).toBe(false);
    }
  });

  it('refuses contradictory or malformed options', () => {
    const bad = [
      { sdkappid: 1 }, // no credentials
      { ...APP, userSig: 'sig' }, // both
      { ...APP, baseUrl: 'http://x', region: 'china' },
      { ...APP, baseUrl: 'http://x', useBackupDomain: false },
      { ...APP, region: 'mars' },
      { ...APP, sdkappid: 0 },
      { ...APP, sdkappid: 1.5 },
      { ...APP, timeoutMs: 0 },
      { ...APP, rateLimitPerSecond: 0 },
      { ...APP, retry: { retries: -1 } },
      { ...APP, retry: { minDelayMs: 500, maxDelayMs: 100 } },
      { ...APP, dispatcher: {} },
      { ...APP, now: 5 },
      { ...APP, secretkey: 'typo' }, // unknown option
    ];
    for (const o of bad) expect(ClientOptionsSchema.safeParse(o).success, JSON.stringify(o)).toBe(false);
  });

  it('accepts a fixed UserSig, a dispatcher, and switches retries and the throttle off', () => {
    const agent = new MockAgent();
    const o = ClientOptionsSchema.parse({
      sdkappid: 1,
      userSig: 'sig',
      dispatcher: agent,
      retry: false,
      rateLimitPerSecond: false,
    });
    expect(o).toMatchObject({ userSig: 'sig', secretKey: undefined, rateLimitPerSecond: false });
    expect(o.dispatcher).toBe(agent);
    expect(o.retry.retries).toBe(0);
  });
});

describe('defaultSleep', () => {
  it('rejects with the signal’s reason when aborted', async () => {
    const controller = new AbortController();
    const waiting = defaultSleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    await expect(defaultSleep(1, AbortSignal.abort(new Error('early')))).rejects.toThrow('early');
    await expect(defaultSleep(0)).resolves.toBeUndefined();
  });
});
