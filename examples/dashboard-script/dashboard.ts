/**
 * A 30-day terminal dashboard of an IM app: active users and messages per day, with a sparkline.
 *
 *   pnpm --filter @timock/example-dashboard-script start            # against a fake started here
 *   TIM_BASE_URL=http://127.0.0.1:8080 pnpm --filter ... start      # against `pnpm start`'s fake
 *
 * Settings come from TIM_BASE_URL (or TIM_REGION), TIM_SDKAPPID, TIM_SECRET_KEY, TIM_IDENTIFIER;
 * without TIM_BASE_URL and TIM_REGION it starts the fake in-process with its public demo app.
 */
import { pathToFileURL } from 'node:url';
import { type ClientOptions, createClient, toNumbers } from '@timock/client';
import { DEMO_APP, startServer } from '@timock/mock-server';

/** The fields the dashboard pulls: only these travel. */
export const DASHBOARD_FIELDS = ['ActiveUserNum', 'UpMsgNum', 'DownMsgNum'] as const;

/** One day of the dashboard, as numbers. */
export interface DashboardDay {
  date: string;
  activeUsers: number;
  messagesUp: number;
  messagesDown: number;
}

const BARS = '▁▂▃▄▅▆▇█';

/** One character per value, from ▁ (the smallest) to █ (the largest). */
export function sparkline(values: readonly number[]): string {
  const min = Math.min(...values);
  const span = Math.max(...values) - min;
  return values
    .map((v) => BARS[span === 0 ? 0 : Math.round(((v - min) / span) * (BARS.length - 1))])
    .join('');
}

/** The table (oldest day first, as people read a chart) and a sparkline per series. */
export function renderDashboard(title: string, days: readonly DashboardDay[]): string {
  const rows = [...days].reverse();
  const n = (v: number) => v.toLocaleString('en-US').padStart(13);
  const lines = [
    title,
    '',
    `${'date'.padEnd(10)} ${'active users'.padStart(13)} ${'messages up'.padStart(13)} ${'messages down'.padStart(13)}`,
    ...rows.map((d) => `${d.date} ${n(d.activeUsers)} ${n(d.messagesUp)} ${n(d.messagesDown)}`),
    '',
    `active users  ${sparkline(rows.map((d) => d.activeUsers))}`,
    `messages up   ${sparkline(rows.map((d) => d.messagesUp))}`,
    `messages down ${sparkline(rows.map((d) => d.messagesDown))}`,
  ];
  return lines.join('\n');
}

/** Pulls the three fields through `@timock/client` and renders them. */
export async function dashboard(settings: {
  baseUrl?: string;
  region?: ClientOptions['region'];
  sdkappid: number;
  secretKey: string;
  identifier: string;
}): Promise<string> {
  const { baseUrl, region, ...auth } = settings;
  const client = createClient({ ...auth, ...(baseUrl ? { baseUrl } : { region }) });
  try {
    const days = await client.getAppInfo({ fields: DASHBOARD_FIELDS });
    const rows = days.map(toNumbers).map((d) => ({
      date: d.Date,
      activeUsers: d.ActiveUserNum,
      messagesUp: d.UpMsgNum,
      messagesDown: d.DownMsgNum,
    }));
    return renderDashboard(`SDKAppID ${auth.sdkappid}: the last ${rows.length} days`, rows);
  } finally {
    await client.close();
  }
}

async function main(env: NodeJS.ProcessEnv): Promise<void> {
  const remote = env.TIM_BASE_URL ?? env.TIM_REGION;
  const fake = remote ? undefined : await startServer();
  try {
    const text = await dashboard({
      baseUrl: env.TIM_BASE_URL ?? fake?.url,
      region: env.TIM_REGION as ClientOptions['region'],
      sdkappid: Number(env.TIM_SDKAPPID ?? DEMO_APP.sdkappid),
      secretKey: env.TIM_SECRET_KEY ?? DEMO_APP.secretKey,
      identifier: env.TIM_IDENTIFIER ?? 'administrator',
    });
    console.log(text);
  } finally {
    await fake?.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.env).catch((error: unknown) => {
    console.error(`dashboard: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
