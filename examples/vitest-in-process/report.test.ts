/**
 * Testing a module that calls getappinfo: the fake runs in this process on a free port, the clock is
 * frozen so the figures are fixed, and faults are injected through the fake's in-process controls.
 */
import { createClient, type TimClient } from '@timock/client';
import { DEMO_APP, type StartedServer, startServer } from '@timock/mock-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { yesterdayReport } from './report.js';

const NOW = Date.parse('2026-03-10T04:00:00Z'); // noon in Beijing

describe('yesterdayReport', () => {
  let mock: StartedServer;
  let client: TimClient;

  beforeAll(async () => {
    mock = await startServer({ now: () => NOW });
    client = createClient({
      sdkappid: DEMO_APP.sdkappid,
      secretKey: DEMO_APP.secretKey,
      baseUrl: mock.url,
      retry: { retries: 2, minDelayMs: 1 },
    });
  });
  afterEach(() => mock.reset());
  afterAll(async () => {
    await client.close();
    await mock.close();
  });

  it('reports yesterday in Beijing time with the fake’s figures', async () => {
    const report = await yesterdayReport(client);
    expect(report).toMatchObject({ ok: true, date: '2026-03-09' });
    // The same figures the fake serves for that day to anyone who asks.
    const [day] = await client.getAppInfo({ fields: ['ActiveUserNum'] as const });
    expect(report.ok && report.activeUsers).toBe(Number(day!.ActiveUserNum));
  });

  it('rides out a short backend outage: two 130011 answers, then success', async () => {
    mock.faults.add({ errorCode: 130011, times: 2 });
    const report = await yesterdayReport(client);
    expect(report.ok).toBe(true);
    const codes = mock.journal.list().map((r) => r.code);
    expect(codes.sort()).toEqual([0, 130011, 130011]);
  });

  it('turns a lasting outage into a retryable failure report', async () => {
    mock.faults.add({ errorCode: 130011 });
    await expect(yesterdayReport(client)).resolves.toEqual({
      ok: false,
      reason: 'IM error 130011',
      retryable: true,
    });
    expect(mock.journal.count({ code: 130011 })).toBe(3); // the first try and two retries
  });

  it('does not retry a wrong key: one call, a non-retryable failure', async () => {
    const stranger = createClient({ sdkappid: DEMO_APP.sdkappid, secretKey: 'wrong', baseUrl: mock.url });
    const report = await yesterdayReport(stranger);
    await stranger.close();
    expect(report).toMatchObject({ ok: false, retryable: false });
    expect(mock.journal.count()).toBe(1);
  });
});
