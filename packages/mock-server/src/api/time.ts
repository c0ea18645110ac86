const DAY_MS = 86_400_000;
const BEIJING_OFFSET_MS = 8 * 3_600_000;

/**
 * The Beijing-time (UTC+8) calendar day of an instant, as a day number: days since 1970-01-01 in
 * Beijing. For example 2025-03-09T16:30Z is already 2025-03-10 in Beijing.
 *
 * @param epochMs - milliseconds since the Unix epoch
 */
export function beijingDayNumber(epochMs: number): number {
  return Math.floor((epochMs + BEIJING_OFFSET_MS) / DAY_MS);
}

/** The `YYYYMMDD` text of a Beijing day number (see {@link beijingDayNumber}). */
export function formatDayNumber(day: number): string {
  const d = new Date(day * DAY_MS);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  const dd = d.getUTCDate();
  return `${String(y).padStart(4, '0')}${m < 10 ? '0' : ''}${m}${dd < 10 ? '0' : ''}${dd}`;
}

/** Day of the week of a Beijing day number: 0 = Sunday ... 6 = Saturday. */
export function weekdayOf(day: number): number {
  // 1970-01-01 was a Thursday (4).
  return (((day + 4) % 7) + 7) % 7;
}
