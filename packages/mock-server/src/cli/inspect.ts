import type { Paint } from '@timock/terminal';
import { instant, quoted, relative } from '../api/reasons.js';
import { decodeUserSig, inspectUserSig, userSigReason } from '../api/usersig.js';

/** `timock usersig inspect <UserSig>`: what to check the UserSig against (each optional). */
export interface UserSigInspectCommand {
  kind: 'usersig-inspect';
  /** The UserSig as given (raw or percent-encoded). */
  usersig: string;
  sdkappid: number | undefined;
  secretKey: string | undefined;
  identifier: string | undefined;
  /** Print one JSON object instead of lines. */
  json: boolean;
}

/** What `timock usersig inspect --json` prints. Holds no key (and not the UserSig). */
export interface UserSigReport {
  /** True when the UserSig decodes, has not expired, and every check asked for matches. */
  valid: boolean;
  /** Why it is invalid (`null` when valid). */
  reason: string | null;
  /** The decoded document, or `null` when it does not decode. */
  document: {
    version: string;
    sdkappid: number;
    identifier: string;
    issuedAt: string;
    expiresAt: string;
    lifetimeSeconds: number;
    /** Seconds until it expires (negative: expired that long ago). */
    expiresInSeconds: number;
    userbuf: boolean;
  } | null;
  /** Whether the SDKAppID matches `--sdkappid` (`null`: not asked). */
  sdkappidMatches: boolean | null;
  /** Whether the identifier matches `--identifier` (`null`: not asked). */
  identifierMatches: boolean | null;
  /** `match`, `mismatch`, or `unchecked` without a key. */
  hmac: 'match' | 'mismatch' | 'unchecked';
}

/** Undoes percent-encoding (a UserSig copied from a URL), leaving a raw one as it is. */
function percentDecoded(usersig: string): string {
  if (!usersig.includes('%')) return usersig;
  try {
    return decodeURIComponent(usersig);
  } catch {
    return usersig;
  }
}

/**
 * Inspects a UserSig with the server's own decoder and checks (one implementation): decodes it, and
 * checks it against what the command names (SDKAppID, identifier, key), at `nowSeconds`.
 */
export function inspectReport(cmd: UserSigInspectCommand, nowSeconds: number): UserSigReport {
  const usersig = percentDecoded(cmd.usersig);
  const decoded = decodeUserSig(usersig);
  const asked = (given: unknown, actual: unknown) => (given === undefined ? null : given === actual);
  if (!decoded.ok) {
    return {
      valid: false,
      reason: `usersig ${decoded.problem}`,
      document: null,
      sdkappidMatches: null,
      identifierMatches: null,
      hmac: 'unchecked',
    };
  }
  const doc = decoded.document;
  const expected = {
    sdkappid: cmd.sdkappid ?? doc['TLS.sdkappid'],
    identifier: cmd.identifier ?? doc['TLS.identifier'],
    secretKey: cmd.secretKey ?? '',
  };
  // The HMAC is judged over what the UserSig itself names (so a key is checked even when the SDKAppID
  // or identifier differ); the request's values decide 70014 and 70013.
  const own = inspectUserSig(usersig, {
    sdkappid: doc['TLS.sdkappid'],
    identifier: doc['TLS.identifier'],
    secretKey: cmd.secretKey ?? '',
  });
  const hmacOk = 'hmacOk' in own && own.hmacOk;
  const hmac = cmd.secretKey === undefined ? 'unchecked' : hmacOk ? 'match' : 'mismatch';
  const against = inspectUserSig(usersig, expected);
  const judged = 'code' in against || !('hmacOk' in own) ? against : { ...own, hmacOk: hmac !== 'mismatch' };
  const reason = userSigReason(judged, nowSeconds, expected) ?? null;
  const time = doc['TLS.time'];
  const expiresAt = time + doc['TLS.expire'];
  return {
    valid: reason === null,
    reason,
    document: {
      version: doc['TLS.ver'],
      sdkappid: doc['TLS.sdkappid'],
      identifier: doc['TLS.identifier'],
      issuedAt: new Date(time * 1000).toISOString(),
      expiresAt: new Date(expiresAt * 1000).toISOString(),
      lifetimeSeconds: doc['TLS.expire'],
      expiresInSeconds: expiresAt - nowSeconds,
      userbuf: doc['TLS.userbuf'] !== undefined && doc['TLS.userbuf'] !== '',
    },
    sdkappidMatches: asked(cmd.sdkappid, doc['TLS.sdkappid']),
    identifierMatches: asked(cmd.identifier, doc['TLS.identifier']),
    hmac,
  };
}

/** The report as lines a person reads, coloured by `paint`; the last line says valid or why not. */
export function reportLines(
  report: UserSigReport,
  cmd: UserSigInspectCommand,
  nowSeconds: number,
  paint: Paint,
): string[] {
  const lines: string[] = [];
  const row = (name: string, value: string) => lines.push(`  ${name.padEnd(11)} ${value}`);
  const check = (matches: boolean | null, given: string) =>
    matches === null ? '' : matches ? paint('green', '  (matches)') : paint('red', `  (expected ${given})`);
  const doc = report.document;
  if (doc !== null) {
    const issued = Date.parse(doc.issuedAt) / 1000;
    const expires = Date.parse(doc.expiresAt) / 1000;
    lines.push(paint('bold', 'UserSig'));
    row('version', doc.version);
    row('SDKAppID', `${doc.sdkappid}${check(report.sdkappidMatches, String(cmd.sdkappid))}`);
    row(
      'identifier',
      `${quoted(doc.identifier)}${check(report.identifierMatches, quoted(cmd.identifier ?? ''))}`,
    );
    row('issued at', `${instant(issued)} (${relative(issued, nowSeconds)})`);
    row(
      'expires at',
      `${instant(expires)} (${expires < nowSeconds ? 'expired ' : ''}${relative(expires, nowSeconds)}), lifetime ${doc.lifetimeSeconds} s`,
    );
    row('userbuf', doc.userbuf ? 'present' : 'none');
    row(
      'HMAC',
      report.hmac === 'unchecked'
        ? paint('dim', 'not checked (give --secret-key or TIMOCK_SECRET_KEY)')
        : report.hmac === 'match'
          ? paint('green', 'matches the key')
          : paint('red', 'does not match the key'),
    );
  }
  lines.push(report.valid ? paint('green', 'valid') : paint('red', `invalid: ${report.reason}`));
  return lines;
}
