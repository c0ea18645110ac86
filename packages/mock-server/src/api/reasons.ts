/**
 * The words of a refusal's reason (the journal's `reason`, the request line's `reason` and the
 * `x-timock-reason` header): quoted values, capped lists, durations and instants. Every reason is built
 * from these, only when a request is refused, and is printable ASCII (so it is a valid header value).
 */

/** Longest value quoted in a reason, in characters; longer ones are cut and end with `...`. */
const MAX_QUOTED = 64;
/** How many names a reason lists before `and N more`. */
const MAX_LISTED = 5;

/**
 * A value as a reason quotes it: in single quotes, cut to {@link MAX_QUOTED} characters, anything
 * outside printable ASCII (and `'`, `\`) escaped as `\uXXXX`.
 *
 * @example quoted('bob') // "'bob'"
 */
export function quoted(value: string): string {
  const cut = value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED)}...` : value;
  const safe = cut.replace(
    /[^\x20-\x26\x28-\x5b\x5d-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `'${safe}'`;
}

/**
 * Names joined by `, `, at most {@link MAX_LISTED} of them, then `and N more`; `none` for no name.
 *
 * @example listed(['a', 'b']) // 'a, b'
 */
export function listed(names: readonly (string | number)[]): string {
  if (names.length === 0) return 'none';
  const shown = names.slice(0, MAX_LISTED).map((n) => (typeof n === 'number' ? String(n) : quoted(n)));
  return names.length > MAX_LISTED
    ? `${shown.join(', ')} and ${names.length - MAX_LISTED} more`
    : shown.join(', ');
}

/**
 * A whole number of seconds as a person reads it, two units at most: `45 s`, `13 min 5 s`, `2 h 13 min`,
 * `3 d 4 h`.
 */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 === 0 ? `${s / 60} min` : `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86_400) {
    const min = Math.floor((s % 3600) / 60);
    return min === 0 ? `${Math.floor(s / 3600)} h` : `${Math.floor(s / 3600)} h ${min} min`;
  }
  const h = Math.floor((s % 86_400) / 3600);
  return h === 0 ? `${Math.floor(s / 86_400)} d` : `${Math.floor(s / 86_400)} d ${h} h`;
}

/** An instant in epoch seconds as `2026-11-30 10:00:00 UTC` (or the raw number when out of range). */
export function instant(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  if (Number.isNaN(date.getTime())) return `${epochSeconds} s after the epoch`;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `in 5 min` or `5 min ago`: an instant relative to now, both in epoch seconds. */
export function relative(epochSeconds: number, nowSeconds: number): string {
  if (epochSeconds === nowSeconds) return 'now';
  return epochSeconds > nowSeconds
    ? `in ${duration(epochSeconds - nowSeconds)}`
    : `${duration(nowSeconds - epochSeconds)} ago`;
}
