/**
 * The fake answers every code of OWN_ERROR_CODES (the README's error table): one request per code,
 * table-driven. The table is typed by the codes, so a code added to the list without a request here does
 * not compile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OWN_ERROR_CODES, type OwnErrorCode } from '../src/api/own-codes.js';
import { DEMO_APP } from '../src/options.js';
import { buildServer, type StartedServer, startServer } from '../src/server.js';
import {
  expectEnvelope,
  injectTransport,
  parseRawAnswer,
  rawExchange,
  signedQuery,
  type TestRequest,
} from './support.js';

const T = Date.parse('2025-03-10T04:00:00Z');
const OTHER = { sdkappid: 1400000001, secretKey: 'other-app-key', admins: ['ops'], rateLimitPerSecond: 1 };
const APPS = [{ ...DEMO_APP }, OTHER];
const good = () => signedQuery(DEMO_APP, T);

/** How to make the fake answer a code: a request (through `inject`), or a scenario of its own. */
type Scenario = TestRequest | (() => Promise<number>);

let mock: StartedServer;
beforeAll(async () => {
  mock = await startServer({ apps: APPS, now: () => T, headersTimeout: 200, requestTimeout: 400 });
});
afterAll(() => mock.close());

const SCENARIOS: Record<OwnErrorCode, Scenario> = {
  60002: { query: { ...good(), contenttype: 'xml' }, body: '{}' },
  60007: async () => {
    const send = injectTransport(mock.server);
    const query = signedQuery({ ...OTHER }, T, { identifier: 'ops' });
    expect((await send({ query, body: '{}' })).json.ErrorCode).toBe(0);
    return (await send({ query, body: '{}' })).json.ErrorCode;
  },
  60008: async () => {
    const port = Number(new URL(mock.url).port);
    const exchange = await rawExchange(port, ['POST /v4/openconfigsvr/getappinfo?sdkappid=1'], {
      timeoutMs: 5000,
    });
    const answer = parseRawAnswer(exchange.data)!;
    return expectEnvelope(answer.status, answer.headers['content-type'], answer.body).ErrorCode;
  },
  60009: { path: '/v4/openconfigsvr/nosuchapi', query: good(), body: '{}' },
  60010: {
    query: { ...signedQuery(DEMO_APP, T, { identifier: 'bob' }) },
    body: '{}',
  },
  60012: { query: { ...good(), sdkappid: undefined }, body: '{}' },
  70001: { query: signedQuery(DEMO_APP, T - 7_200_000, { expireSeconds: 3600 }), body: '{}' },
  70002: { query: { ...good(), usersig: '' }, body: '{}' },
  70003: { query: { ...good(), usersig: 'not*a*usersig' }, body: '{}' },
  70009: { query: signedQuery({ ...DEMO_APP, secretKey: 'another-key' }, T), body: '{}' },
  70013: {
    query: { ...signedQuery(DEMO_APP, T, { identifier: 'bob' }), identifier: 'administrator' },
    body: '{}',
  },
  70014: {
    query: {
      ...signedQuery({ ...DEMO_APP, sdkappid: OTHER.sdkappid }, T),
      sdkappid: String(DEMO_APP.sdkappid),
    },
    body: '{}',
  },
  70020: { query: { ...good(), sdkappid: '1400000099' }, body: '{}' },
  70500: async () => {
    // Port 1 on loopback: nothing listens there, so the shared rate limit cannot be reached.
    const server = buildServer({
      now: () => T,
      redis: { url: 'redis://127.0.0.1:1', commandTimeoutMs: 200 },
    });
    try {
      return (await injectTransport(server)({ query: good(), body: '{}' })).json.ErrorCode;
    } finally {
      await server.close();
    }
  },
  130001: { query: good(), body: '{"RequestField": [' },
};

/** The code the fake answered in a scenario (a plain request's answer checked as an envelope first). */
async function answer(scenario: Scenario): Promise<number> {
  if (typeof scenario === 'function') return scenario();
  const res = await injectTransport(mock.server)(scenario);
  return expectEnvelope(res.status, res.contentType, res.text).ErrorCode;
}

describe('OWN_ERROR_CODES', { timeout: 15_000 }, () => {
  it('has a scenario for exactly the listed codes', () => {
    expect(Object.keys(SCENARIOS)).toEqual(Object.keys(OWN_ERROR_CODES));
  });

  it.each(Object.entries(SCENARIOS))('the fake answers %s', async (code, scenario) => {
    expect(await answer(scenario)).toBe(Number(code));
  });
});
