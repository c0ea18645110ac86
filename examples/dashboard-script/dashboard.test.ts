import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createClient, toNumbers } from '@timock/client';
import { DEMO_APP, type StartedServer, startServer } from '@timock/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sparkline } from './dashboard.js';

const run = promisify(execFile);
const here = fileURLToPath(new URL('.', import.meta.url));

describe('sparkline', () => {
  it('maps the smallest value to the lowest bar and the largest to the highest', () => {
    expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8])).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([80, 10, 45])).toBe('█▁▅');
    expect(sparkline([7, 7])).toBe('▁▁');
  });
});

describe('the dashboard script against a fake', () => {
  let fake: StartedServer;
  beforeAll(async () => {
    fake = await startServer({ seed: 7 });
  });
  afterAll(() => fake?.close());

  it('prints the 30 days the client pulls, oldest first, and a sparkline per series', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'dashboard.ts'], {
      cwd: here,
      env: { ...process.env, TIM_BASE_URL: fake.url },
      timeout: 30_000,
    });
    const client = createClient({
      sdkappid: DEMO_APP.sdkappid,
      secretKey: DEMO_APP.secretKey,
      baseUrl: fake.url,
    });
    const days = (await client.getAppInfo({ fields: ['ActiveUserNum', 'UpMsgNum'] as const })).map(toNumbers);
    await client.close();

    const rows = stdout.split('\n').filter((l) => /^\d{4}-\d{2}-\d{2} /.test(l));
    expect(rows).toHaveLength(days.length);
    const oldest = days.at(-1)!;
    const [date, active, up] = rows[0]!.trim().split(/\s+/);
    expect(date).toBe(oldest.Date);
    expect(Number(active!.replaceAll(',', ''))).toBe(oldest.ActiveUserNum);
    expect(Number(up!.replaceAll(',', ''))).toBe(oldest.UpMsgNum);
    const line = stdout.split('\n').find((l) => l.startsWith('active users '))!;
    expect(line.slice('active users  '.length)).toBe(sparkline(days.map((d) => d.ActiveUserNum).reverse()));
  }, 40_000);

  it('exits 1 with one line, and no secret, when the key is wrong', async () => {
    const failure = await run(process.execPath, ['--import', 'tsx', 'dashboard.ts'], {
      cwd: here,
      env: { ...process.env, TIM_BASE_URL: fake.url, TIM_SECRET_KEY: 'not-the-key' },
      timeout: 30_000,
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1 });
    const stderr = (failure as { stderr: string }).stderr.trim();
    expect(stderr.split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^dashboard: /);
    expect(stderr).not.toContain('not-the-key');
  }, 40_000);
});
