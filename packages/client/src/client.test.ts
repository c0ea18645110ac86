import { ERROR_CODES, MAX_RANDOM, REGION_IDS, REGIONS } from '@timock/schema';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type Answer,
  APP,
  CHINA,
  decodeUserSig,
  FULL,
  failure,
  fakeClock,
  maxPerWindow,
  PATH,
  scriptedAgent,
  verifyUserSig,
} from '../test/helpers.js';
import {
  type ClientOptions,
  createClient,
  InvalidOptionsError,
  isAuthError,
  isInvalidOptionsError,
  isRateLimited,
  isTimApiError,
  signUserSig,
} from './index.js';

const FILTERED = {
  ErrorCode: 0,
  ErrorInfo: 'OK',
  Result: [
    { ChainDecrease: '8', ChainIncrease: '8', Date: '20160605' },
    { ChainDecrease: '17', ChainIncrease: '17', Date: '20160604' },
  ],
};

/** A client on a scripted MockAgent, with a fake clock so that no test waits for real time. */
function setup(answers: Answer[], options: Partial<ClientOptions> = {}, origin = CHINA) {
  const clock = fakeClock();
  const mock = scriptedAgent(answers, origin, clock.now);
  const credentials = options.userSig === undefined ? APP : { sdkappid: APP.sdkappid };
  const client = createClient({
    ...credentials,
    dispatcher: mock.agent,
    now: clock.now,
    sleep: clock.sleep,
    ...options,
  } as ClientOptions);
  return { client, clock, ...mock };
}

const catchErr = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as Record<string, unknown> & Error,
  );

describe('requests', () => {
  it('POSTs JSON with the five query parameters in the documented form', async () => {
    const { client, requests, clock } = setup([{ body: FULL }]);
    await client.getAppInfo();
    const [req] = requests;
    expect(req).toMatchObject({ origin: CHINA, path: PATH, method: 'POST', body: '{}' });
    expect(req?.headers['content-type']).toBe('application/json');
    expect([...(req?.query.keys() ?? [])]).toEqual([
      'sdkappid',
      'identifier',
      'usersig',
      'random',
      'contenttype',
    ]);
    expect(req?.query.get('sdkappid')).toBe('1400000000');
    expect(req?.query.get('identifier')).toBe('administrator');
    expect(req?.query.get('contenttype')).toBe('json');
    expect(req?.query.get('random')).toMatch(/^\d+$/);
    const sig = req?.query.get('usersig') ?? '';
    expect(verifyUserSig(sig, APP.secretKey, 'administrator', APP.sdkappid, clock.now() / 1000)).toBe('ok');
    expect(decodeUserSig(sig)['TLS.expire']).toBe(86400);
  });

  it('URL-encodes the UserSig and the identifier', async () => {
    const { client, requests } = setup([{ body: FULL }], { userSig: 'a+b/c=d&e', identifier: 'admin@x y' });
    await client.getAppInfo();
    expect(requests[0]?.rawQuery).toBe(
      `sdkappid=1400000000&identifier=admin%40x%20y&usersig=a%2Bb%2Fc%3Dd%26e&random=${requests[0]?.query.get('random')}&contenttype=json`,
    );
  });

  it('draws a fresh uint32 random for every request', async () => {
    const { client, requests } = setup([{ body: FULL }]);
    for (let i = 0; i < 20; i++) await client.getAppInfo();
    const randoms = requests.map((r) => Number(r.query.get('random')));
    expect(new Set(randoms).size).toBe(20);
    for (const r of randoms) expect(Number.isInteger(r) && r >= 0 && r <= MAX_RANDOM).toBe(true);
  });

  it('asks for a field subset, without duplicates, and sends {} for an empty list', async () => {
    const { client, requests } = setup([{ body: FILTERED }]);
    const days = await client.getAppInfo({ fields: ['ChainIncrease', 'ChainDecrease', 'ChainIncrease'] });
    expect(JSON.parse(requests[0]?.body ?? '')).toEqual({ RequestField: ['ChainIncrease', 'ChainDecrease'] });
    expect(days).toEqual(FILTERED.Result);
    await expect(client.getAppInfo({ fields: [] })).rejects.toMatchObject({ code: 'TIM_ERR_RESPONSE' });
    expect(requests[1]?.body).toBe('{}');
  });

  it('refuses unknown field names before sending anything', async () => {
    const { client, requests } = setup([{ body: FULL }]);
    // Was a TypeError: now the options error that createClient and the fake throw, one issue per name.
    const refused = client.getAppInfo({ fields: ['Nope' as 'AppName', 'AppName', 'Nah' as 'AppName'] });
    await expect(refused).rejects.toThrow(InvalidOptionsError);
    await expect(refused).rejects.toMatchObject({
      code: 'TIMOCK_INVALID_OPTIONS',
      issues: ['fields: unknown field name "Nope"', 'fields: unknown field name "Nah"'],
    });
    expect(requests).toHaveLength(0);
  });

  it('calls the domain of every region, and every documented backup domain', async () => {
    const cases = REGION_IDS.flatMap((region) => [
      { region, useBackupDomain: false, host: REGIONS[region].domain },
      ...(REGIONS[region].backupDomain
        ? [{ region, useBackupDomain: true, host: REGIONS[region].backupDomain }]
        : []),
    ]);
    expect(cases).toHaveLength(15); // 8 regions, 7 backups (Tokyo has none)
    for (const { region, useBackupDomain, host } of cases) {
      const origin = `https://${host}`;
      const { client, requests } = setup([{ body: FULL }], { region, useBackupDomain }, origin);
      expect(client.endpoint).toBe(`${origin}${PATH}`);
      await client.getAppInfo();
      expect(requests[0]?.origin).toBe(origin);
    }
    expect(() => createClient({ ...APP, region: 'tokyo', useBackupDomain: true })).toThrow(
      /tokyo has no documented backup domain/,
    );
  });

  it('calls any base URL, e.g. the fake', async () => {
    const { client, requests } = setup(
      [{ body: FULL }],
      { baseUrl: 'http://127.0.0.1:4000' },
      'http://127.0.0.1:4000',
    );
    await client.getAppInfo();
    expect(requests[0]?.origin).toBe('http://127.0.0.1:4000');
    expect(client.endpoint).toBe('http://127.0.0.1:4000/v4/openconfigsvr/getappinfo');
  });
});

describe('answers', () => {
  it('returns every field of every day, validated', async () => {
    const { client } = setup([{ body: FULL }]);
    expect(await client.getAppInfo()).toEqual(FULL.Result);
  });

  it('throws TimResponseError when a day lacks a requested field', async () => {
    const partial = { ...FILTERED, Result: [{ ChainIncrease: '8', Date: '20160605' }] };
    const { client, requests } = setup([{ body: partial }]);
    const err = await catchErr(client.getAppInfo({ fields: ['ChainIncrease', 'ChainDecrease'] }));
    expect(err).toMatchObject({
      name: 'TimResponseError',
      code: 'TIM_ERR_RESPONSE',
      status: 200,
      retryable: false,
    });
    expect(err.issues).toEqual([
      { path: ['Result', 0, 'ChainDecrease'], message: 'the day lacks the field ChainDecrease' },
    ]);
    expect(requests).toHaveLength(1); // never retried
  });

  it('throws TimResponseError with the issues and the first bytes of a malformed body', async () => {
    const html = `<html><body>${'x'.repeat(1000)}</body></html>`;
    const cases: Array<{ body: object | string; path: unknown[]; message?: RegExp }> = [
      { body: html, path: [], message: /not JSON/ },
      { body: '{"ErrorCode":0,"ErrorInfo":"OK","Result":', path: [], message: /not JSON/ },
      { body: [1, 2], path: [] },
      { body: { ErrorCode: 0, ErrorInfo: 'OK', Result: 'nope' }, path: ['Result'] },
      { body: { ErrorCode: 0, ErrorInfo: 'OK' }, path: ['Result'] },
      {
        body: { ...FILTERED, Result: [{ ChainIncrease: 8, Date: '20160605' }] },
        path: ['Result', 0, 'ChainIncrease'],
      },
      {
        body: { ...FILTERED, Result: [{ ChainIncrease: '-1', Date: '20160605' }] },
        path: ['Result', 0, 'ChainIncrease'],
      },
      {
        body: { ...FILTERED, Result: [{ ChainIncrease: '1', Date: '2016-06-05' }] },
        path: ['Result', 0, 'Date'],
      },
      { body: { ErrorCode: '70001', ErrorInfo: 'x' }, path: ['ErrorCode'] },
    ];
    for (const c of cases) {
      const { client, requests } = setup([{ body: c.body }]);
      const err = await catchErr(client.getAppInfo({ fields: ['ChainIncrease'] }));
      const text = typeof c.body === 'string' ? c.body : JSON.stringify(c.body);
      expect(err.name, text).toBe('TimResponseError');
      const issues = err.issues as Array<{ path: unknown[]; message: string }>;
      expect(issues[0]?.path, text).toEqual(c.path);
      if (c.message) expect(issues[0]?.message).toMatch(c.message);
      expect(err.bodyPrefix).toBe(text.slice(0, 256));
      expect(requests).toHaveLength(1);
    }
  });

  it('throws TimApiError with the code, info, catalogue class and request id', async () => {
    const { client } = setup([{ body: { ...failure(130001, 'JSON parsing error'), RequestId: 'abc-123' } }]);
    const err = await catchErr(client.getAppInfo());
    expect(err).toMatchObject({
      name: 'TimApiError',
      code: 130001,
      info: 'JSON parsing error',
      errorClass: 'request',
      retryable: false,
      requestId: 'abc-123',
    });
    expect(err.message).toContain('130001');
  });

  it('reads failures with or without ErrorDisplay and RequestId, and successes with ActionStatus and RequestId', async () => {
    const { client } = setup([
      { body: failure(70009, ERROR_CODES[70009].info) },
      { body: { ...failure(60008), ErrorDisplay: '' } },
      { body: { ActionStatus: 'OK', ...FULL, RequestId: 'Id-0123-O-Seq-1' } },
    ]);
    expect(await catchErr(client.getAppInfo())).toMatchObject({ code: 70009, info: ERROR_CODES[70009].info });
    expect(await catchErr(client.getAppInfo())).toMatchObject({ code: 60008, requestId: undefined });
    expect(await client.getAppInfo()).toEqual(FULL.Result);
  });
});

describe('retries', () => {
  it('retries 502 and 503, with a new random each time, then succeeds', async () => {
    const { client, requests, clock } = setup(
      [{ status: 502, body: 'Bad Gateway' }, { status: 503, body: '' }, { body: FULL }],
      { retry: { random: () => 0.5 } },
    );
    expect(await client.getAppInfo()).toHaveLength(1);
    expect(requests).toHaveLength(3);
    expect(new Set(requests.map((r) => r.query.get('random'))).size).toBe(3);
    expect(clock.sleeps).toEqual([50, 100]); // full jitter under caps of 100 and 200 ms
  });

  it('gives up after the configured retries with the last error', async () => {
    const { client, requests } = setup([{ status: 504, body: 'Gateway Timeout' }], { retry: { retries: 2 } });
    const err = await catchErr(client.getAppInfo());
    expect(err).toMatchObject({
      name: 'TimTransportError',
      code: 'TIM_ERR_HTTP_STATUS',
      status: 504,
      retryable: true,
      attempts: 3,
      bodyPrefix: 'Gateway Timeout',
    });
    expect(requests).toHaveLength(3);
  });

  it('does not retry other HTTP statuses, nor anything with retry: false', async () => {
    for (const status of [400, 404, 500]) {
      const { client, requests } = setup([{ status, body: 'no' }]);
      await expect(client.getAppInfo()).rejects.toMatchObject({ status, retryable: false });
      expect(requests).toHaveLength(1);
    }
    const { client, requests } = setup([{ status: 502, body: 'x' }], { retry: false });
    await expect(client.getAppInfo()).rejects.toMatchObject({ status: 502, attempts: 1 });
    expect(requests).toHaveLength(1);
  });

  it('retries rate limits and backend faults with a new random', async () => {
    for (const code of [60007, 60011, 60018, 60019, 70169, 70202, 70500, 130009, 130010, 130011, 130012]) {
      const { client, requests } = setup([{ body: failure(code) }, { body: FULL }]);
      await expect(client.getAppInfo()).resolves.toHaveLength(1);
      expect(requests, String(code)).toHaveLength(2);
      expect(requests[0]?.query.get('random')).not.toBe(requests[1]?.query.get('random'));
    }
  });

  it('reports a rate limit that outlasts the retries as isRateLimited', async () => {
    const { client, requests } = setup([{ body: failure(60007) }]);
    const err = await catchErr(client.getAppInfo());
    expect(isRateLimited(err)).toBe(true);
    expect(err.attempts).toBe(4);
    expect(requests).toHaveLength(4);
  });

  it('never retries auth or request errors', async () => {
    const auth = [
      60004, 60005, 60006, 60010, 60016, 60020, 60021, 70001, 70002, 70003, 70005, 70009, 70013, 70014,
    ];
    for (const code of [...auth, 70016, 70020, 70050]) {
      const { client, requests } = setup([{ body: failure(code) }, { body: FULL }]);
      const err = await catchErr(client.getAppInfo());
      expect(isAuthError(err), String(code)).toBe(true);
      expect(err.code).toBe(code);
      expect(requests).toHaveLength(1);
    }
    for (const code of [60002, 60009, 60012, 130001, 65432]) {
      const { client, requests } = setup([{ body: failure(code) }, { body: FULL }]);
      const err = await catchErr(client.getAppInfo());
      expect([isTimApiError(err, code), isAuthError(err), err.retryable]).toEqual([true, false, false]);
      expect(requests).toHaveLength(1);
    }
  });

  it('retries a reset connection but not an unknown host', async () => {
    const clock = fakeClock();
    const agent = new MockAgent();
    agent.disableNetConnect();
    const pool = agent.get(CHINA);
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    pool.intercept({ path: (p) => p.startsWith(PATH), method: 'POST' }).replyWithError(reset);
    pool.intercept({ path: (p) => p.startsWith(PATH), method: 'POST' }).reply(200, FULL);
    const client = createClient({ ...APP, dispatcher: agent, now: clock.now, sleep: clock.sleep });
    await expect(client.getAppInfo()).resolves.toHaveLength(1);
    expect(clock.sleeps).toHaveLength(1);

    const dns = Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    pool.intercept({ path: (p) => p.startsWith(PATH), method: 'POST' }).replyWithError(dns);
    const err = await catchErr(client.getAppInfo());
    expect(err).toMatchObject({
      name: 'TimTransportError',
      code: 'TIM_ERR_NETWORK',
      retryable: false,
      attempts: 1,
    });
    expect(err.message).toContain('ENOTFOUND');
    expect(err.cause).toBeDefined();
  });
});

describe('timeouts and aborts', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('times out after timeoutMs, and retries a timeout', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const clock = fakeClock();
    const agent = new MockAgent();
    agent.disableNetConnect();
    const pool = agent.get(CHINA);
    pool
      .intercept({ path: (p) => p.startsWith(PATH), method: 'POST' })
      .reply(200, FULL)
      .delay(60_000);
    pool.intercept({ path: (p) => p.startsWith(PATH), method: 'POST' }).reply(200, FULL);
    const client = createClient({
      ...APP,
      dispatcher: agent,
      timeoutMs: 5000,
      now: clock.now,
      sleep: clock.sleep,
    });
    const call = client.getAppInfo();
    await vi.advanceTimersByTimeAsync(4999);
    let settled = false;
    void call.finally(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(call).resolves.toHaveLength(1);
    expect(clock.sleeps).toHaveLength(1);
  });

  it('reports a timeout as TimTransportError TIM_ERR_TIMEOUT', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get(CHINA)
      .intercept({ path: (p) => p.startsWith(PATH), method: 'POST' })
      .reply(200, FULL)
      .delay(60_000);
    const client = createClient({ ...APP, dispatcher: agent, timeoutMs: 300, retry: false });
    const call = catchErr(client.getAppInfo());
    await vi.advanceTimersByTimeAsync(300);
    const err = await call;
    expect(err).toMatchObject({ name: 'TimTransportError', code: 'TIM_ERR_TIMEOUT', retryable: true });
    expect(err.message).toContain('300 ms');
  });

  it('rejects with the signal’s reason when aborted before the call, sending nothing', async () => {
    const { client, requests } = setup([{ body: FULL }]);
    const reason = new Error('not needed');
    await expect(client.getAppInfo({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    await expect(client.raw({}, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(requests).toHaveLength(0);
  });

  it('rejects with the signal’s reason when aborted during the request, without retrying', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    let seen = 0;
    agent
      .get(CHINA)
      .intercept({ path: (p) => p.startsWith(PATH), method: 'POST' })
      .reply(() => {
        seen++;
        return { statusCode: 200, data: JSON.stringify(FULL) };
      })
      .delay(60_000)
      .persist();
    const client = createClient({ ...APP, dispatcher: agent });
    const controller = new AbortController();
    const call = client.getAppInfo({ signal: controller.signal });
    setImmediate(() => controller.abort(new DOMException('user abort', 'AbortError')));
    await expect(call).rejects.toMatchObject({ name: 'AbortError', message: 'user abort' });
    expect(seen).toBeLessThanOrEqual(1);
  });

  it('stops waiting for a retry when aborted during the backoff', async () => {
    const controller = new AbortController();
    const { client, requests } = setup([{ body: failure(60007) }], {
      sleep: (_ms, signal) =>
        new Promise((_, reject) => {
          controller.abort(new Error('stop retrying'));
          if (signal?.aborted) reject(signal.reason);
        }),
    });
    await expect(client.getAppInfo({ signal: controller.signal })).rejects.toThrow('stop retrying');
    expect(requests).toHaveLength(1);
  });
});

describe('throttle', () => {
  it('starts a burst of 500 calls at most 200 per 1 s window (injected clock)', async () => {
    const { client, requests, clock } = setup([{ body: FILTERED }]);
    const start = clock.now();
    const results = await Promise.all(
      Array.from({ length: 500 }, () => client.getAppInfo({ fields: ['ChainIncrease', 'ChainDecrease'] })),
    );
    expect(results).toHaveLength(500);
    expect(requests).toHaveLength(500);
    expect(maxPerWindow(requests.map((r) => r.at))).toBe(200);
    expect(clock.now() - start).toBe(2000); // 200 + 200 + 100, no slower than needed
  });

  it('honours a custom limit, and can be switched off', async () => {
    const limited = setup([{ body: FULL }], { rateLimitPerSecond: 7 });
    await Promise.all(Array.from({ length: 30 }, () => limited.client.getAppInfo()));
    expect(maxPerWindow(limited.requests.map((r) => r.at))).toBe(7);
    const free = setup([{ body: FULL }], { rateLimitPerSecond: false });
    await Promise.all(Array.from({ length: 300 }, () => free.client.getAppInfo()));
    expect(maxPerWindow(free.requests.map((r) => r.at))).toBe(300);
  });
});

describe('UserSig', () => {
  it('reuses the signed UserSig, then renews it once 90% of its life has passed', async () => {
    const { client, requests, clock } = setup([{ body: FULL }], { userSigLifetimeSeconds: 1000 });
    const t0 = clock.now();
    await client.getAppInfo();
    clock.advance(899_000);
    await client.getAppInfo();
    clock.advance(2_000); // 901 s of 1000: less than 10% left
    await client.getAppInfo();
    const sigs = requests.map((r) => r.query.get('usersig') ?? '');
    expect(sigs[1]).toBe(sigs[0]);
    expect(sigs[2]).not.toBe(sigs[0]);
    expect(decodeUserSig(sigs[0] ?? '')['TLS.time']).toBe(Math.floor(t0 / 1000));
    expect(decodeUserSig(sigs[2] ?? '')['TLS.time']).toBe(Math.floor(t0 / 1000) + 901);
    expect(verifyUserSig(sigs[2] ?? '', APP.secretKey, 'administrator', APP.sdkappid, t0 / 1000 + 1800)).toBe(
      'ok',
    );
  });

  it('never puts the key or the UserSig in error messages, even when the server echoes them', async () => {
    const key = APP.secretKey;
    // The UserSig the client will sign: same key, same (fake) clock.
    const signed = signUserSig({
      ...APP,
      identifier: 'administrator',
      lifetimeSeconds: 86400,
      nowMs: fakeClock().now(),
    });
    const cases = [
      { options: { userSig: 'sig+with/odd=chars' }, secrets: ['sig+with/odd=chars'] },
      { options: {}, secrets: [signed, key] },
    ];
    for (const { options, secrets } of cases) {
      const echo = secrets.map((s) => `usersig=${encodeURIComponent(s)} raw=${s}`).join(' ');
      for (const script of [
        [{ body: failure(70009, echo) }],
        [{ body: `<html>${echo}</html>` }],
        [{ status: 400, body: echo }],
      ]) {
        const { client, requests } = setup(script, options);
        const err = await catchErr(client.getAppInfo());
        expect(requests[0]?.query.get('usersig')).toBe(secrets[0]);
        for (const text of [err.message, err.stack, String(err.info ?? ''), String(err.bodyPrefix ?? '')]) {
          for (const secret of secrets) {
            expect(text).not.toContain(secret);
            expect(text).not.toContain(encodeURIComponent(secret));
          }
        }
        expect(`${err.message} ${String(err.bodyPrefix ?? '')}`).toContain('[redacted]');
      }
    }
  });

  it('keeps the key out of option errors', () => {
    let message = '';
    try {
      createClient({ ...APP, userSig: 'also' });
    } catch (err) {
      message = (err as Error).message;
      // Was a TypeError: now the InvalidOptionsError the fake throws too (same class shape and code).
      expect(err).toBeInstanceOf(InvalidOptionsError);
      expect(isInvalidOptionsError(err)).toBe(true);
      expect(err).toMatchObject({ code: 'TIMOCK_INVALID_OPTIONS', name: 'InvalidOptionsError' });
      expect((err as InvalidOptionsError).issues).toEqual([
        'secretKey: give exactly one of secretKey and userSig',
      ]);
    }
    expect(message).toContain('exactly one of secretKey and userSig');
    expect(message).not.toContain(APP.secretKey);
  });
});

describe('raw', () => {
  it('returns the untouched envelope, status and headers, without retrying', async () => {
    const { client, requests } = setup([
      { body: failure(60007, 'slow down') },
      { status: 502, body: 'Bad Gateway' },
      { body: 'not json' },
    ]);
    const a = await client.raw();
    expect(a).toMatchObject({ status: 200, envelope: failure(60007, 'slow down') });
    expect(a.headers['content-type']).toBe('application/json');
    const b = await client.raw({ RequestField: ['AppName'] });
    expect(b).toMatchObject({ status: 502, text: 'Bad Gateway', envelope: undefined });
    const c = await client.raw('{"RequestField": [1]}');
    expect(c).toMatchObject({ status: 200, text: 'not json', envelope: undefined });
    expect(requests.map((r) => r.body)).toEqual([
      '{}',
      '{"RequestField":["AppName"]}',
      '{"RequestField": [1]}',
    ]);
  });
});

describe('close', () => {
  it('refuses calls once closed, and leaves a dispatcher it was given open', async () => {
    const { client, agent } = setup([{ body: FULL }]);
    await client.getAppInfo();
    await client.close();
    await client.close(); // idempotent
    await expect(client.getAppInfo()).rejects.toMatchObject({
      name: 'TimTransportError',
      code: 'TIM_ERR_CLOSED',
    });
    const other = createClient({ ...APP, dispatcher: agent });
    await expect(other.getAppInfo()).resolves.toHaveLength(1);
  });

  it('rejects calls waiting in the throttle', async () => {
    const { client } = setup([{ body: FULL }], { rateLimitPerSecond: 1 });
    await client.getAppInfo();
    const waiting = client.getAppInfo();
    await client.close();
    await expect(waiting).rejects.toMatchObject({ code: 'TIM_ERR_CLOSED' });
  });
});
