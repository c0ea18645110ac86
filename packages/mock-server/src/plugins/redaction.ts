// Keeping secrets out of log lines: UserSigs in URLs and messages, JSON excerpts in parse errors.

/** What replaces a secret in a log line. */
export const REDACTED = '[redacted]';

/** True when a raw query parameter name decodes to `usersig` in any letter case (`user%73ig` too). */
function isUserSigName(raw: string): boolean {
  // Most names hold no escape: compared as they are, without decoding (this runs for every logged URL).
  if (!raw.includes('%') && !raw.includes('+')) return raw.length === 7 && raw.toLowerCase() === 'usersig';
  let name = raw.replaceAll('+', ' ');
  try {
    name = decodeURIComponent(name);
  } catch {
    // a bad escape: the query parser keeps such a name as it is
  }
  return name.toLowerCase() === 'usersig';
}

/** A query parameter in a URL or in text quoting one: `?name=value` or `&name=value`. */
const QUERY_PARAMETER = /([?&])([^=&#?\s'"]*)=([^&#\s'"]*)/g;

/**
 * The URL (or any text that quotes URLs, like an error message) with the value of every `usersig`
 * query parameter replaced by `[redacted]`: its name in any letter case and percent-encoded or not, as
 * the query parser would read it.
 */
export function redactUrl(text: string): string {
  if (!text.includes('=')) return text;
  if (PLAIN_URL.test(text)) return redactPlainQuery(text);
  return text.replace(QUERY_PARAMETER, (whole, lead: string, name: string) =>
    isUserSigName(name) ? `${lead}${name}=${REDACTED}` : whole,
  );
}

/** A request URL as Node reads it: one `?`, nothing before it that starts a parameter, no fragment, quote or space. */
const PLAIN_URL = /^[^?&=#\s'"]*\?[^?#\s'"]*$/;

/** {@link redactUrl} for a {@link PLAIN_URL}: the same result, split on `&` instead of a pattern (every request line runs this). */
function redactPlainQuery(url: string): string {
  const q = url.indexOf('?');
  const parts = url.slice(q + 1).split('&');
  let changed = false;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const eq = part.indexOf('=');
    if (eq >= 0 && isUserSigName(part.slice(0, eq))) {
      parts[i] = `${part.slice(0, eq)}=${REDACTED}`;
      changed = true;
    }
  }
  return changed ? `${url.slice(0, q + 1)}${parts.join('&')}` : url;
}

/** An error as a log line shows it: its type, code, and message and stack with any UserSig redacted. */
export function errorSerializer(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  return {
    type: error.name,
    message: redactUrl(error.message),
    stack: error.stack === undefined ? undefined : redactUrl(error.stack),
    ...(code !== undefined ? { code } : {}),
    ...(statusCode !== undefined ? { statusCode } : {}),
  };
}

/**
 * Why a JSON text did not parse, without the excerpt of the text that V8 quotes in some of its
 * messages (`Unexpected token 'x', ..."secret": x}" is not valid JSON`): that excerpt may hold a key.
 */
export function jsonErrorReason(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  if (message.startsWith('Unexpected token')) return 'unexpected token';
  return /^[\w ,'{}:[\]()-]+$/.test(message) ? message : 'not valid JSON';
}
