/**
 * A user's own module: yesterday's activity report of an IM app, from getappinfo. It is what this
 * example tests; nothing in it knows about the fake.
 */
import { isTimApiError, type TimClient, toNumbers } from '@timock/client';

/** Yesterday's figures, or why there are none. */
export type Report =
  | { ok: true; date: string; activeUsers: number; messages: number }
  | { ok: false; reason: string; retryable: boolean };

/** Pulls two fields and sums the messages; a failure of the API becomes a report, not an exception. */
export async function yesterdayReport(client: TimClient): Promise<Report> {
  try {
    const [latest] = await client.getAppInfo({ fields: ['ActiveUserNum', 'UpMsgNum'] as const });
    if (latest === undefined) return { ok: false, reason: 'no data yet', retryable: false };
    const day = toNumbers(latest);
    return { ok: true, date: day.Date, activeUsers: day.ActiveUserNum, messages: day.UpMsgNum };
  } catch (error) {
    if (isTimApiError(error)) {
      return { ok: false, reason: `IM error ${error.code}`, retryable: error.retryable };
    }
    throw error;
  }
}
