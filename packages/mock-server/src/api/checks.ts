import { type Fidelity, MAX_RANDOM, SDKAPPID_PATTERN } from '@timock/schema';
import { single } from '../request-state.js';
import type { AppRegistry, AppState } from './apps.js';
import { listed, quoted } from './reasons.js';
import type { Refusal } from './refusals.js';
import { userSigReason, verdictAt } from './usersig.js';

const RANDOM = /^\d{1,10}$/;

/**
 * The query-string checks of the behaviour table before the rate limit, in order: method (60002, with
 * `fidelity.methodCheck` `first` only), `contenttype` (60002), `random` when present, or when missing
 * with `fidelity.requireRandom` (60002), `sdkappid` missing (60012), not numeric or unknown (70020).
 *
 * @returns the app when every check passes, else the refusal
 */
export function findApp(
  method: string,
  query: Readonly<Record<string, unknown>>,
  registry: AppRegistry,
  fidelity: Pick<Fidelity, 'methodCheck' | 'requireRandom'>,
): AppState | Refusal {
  if (method !== 'POST' && fidelity.methodCheck === 'first') {
    return { code: 60002, reason: `method ${quoted(method)} is not POST (methodCheck first)` };
  }
  if (query.contenttype !== 'json')
    return { code: 60002, reason: `contenttype ${shown(query.contenttype)}, not 'json'` };
  if (query.random !== undefined || fidelity.requireRandom) {
    const random = single(query.random);
    if (random === undefined || !RANDOM.test(random) || Number(random) > MAX_RANDOM) {
      return { code: 60002, reason: `random ${shown(query.random)}, not an integer 0..${MAX_RANDOM}` };
    }
  }
  const rawAppId = query.sdkappid;
  if (rawAppId === undefined || rawAppId === '')
    return { code: 60012, reason: 'sdkappid missing from the query' };
  const sdkappid = single(rawAppId);
  if (sdkappid === undefined || !SDKAPPID_PATTERN.test(sdkappid)) {
    return { code: 70020, reason: `sdkappid ${shown(rawAppId)} is not an SDKAppID (a positive integer)` };
  }
  const app = registry.get(Number(sdkappid));
  if (app !== undefined) return app;
  const served = registry.list().map((a) => a.config.sdkappid);
  return { code: 70020, reason: `no app ${sdkappid} (this fake serves ${listed(served)})` };
}

/** A query value as a reason shows it: quoted, `missing`, or `given N times`. */
function shown(value: unknown): string {
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return `given ${value.length} times`;
  return quoted(String(value));
}

/**
 * The checks after the rate limit, in order: UserSig (70002/70003/70014/70013/70001/70009), then admin
 * (60010).
 *
 * @returns the refusal, or `undefined` when the caller may read the app's data
 */
export function checkCaller(
  app: AppState,
  query: Readonly<Record<string, unknown>>,
  nowMs: number,
): Refusal | undefined {
  const usersig = single(query.usersig);
  if (usersig === undefined || usersig === '') {
    return { code: 70002, reason: usersig === '' ? 'usersig is empty' : `usersig ${shown(query.usersig)}` };
  }
  const identifier = single(query.identifier) ?? '';
  const inspection = app.inspect(usersig, identifier);
  const nowSeconds = Math.floor(nowMs / 1000);
  const verdict = verdictAt(inspection, nowSeconds);
  const { sdkappid, admins } = app.config;
  if (!verdict.ok) {
    const reason =
      userSigReason(inspection, nowSeconds, { sdkappid, identifier }) ?? `UserSig refused (${verdict.code})`;
    return verdict.usersigSdkappid === undefined
      ? { code: verdict.code, reason }
      : { code: verdict.code, reason, values: { sdkappid, usersigSdkappid: verdict.usersigSdkappid } };
  }
  if (!app.admins.has(identifier)) {
    return {
      code: 60010,
      reason: `identifier ${quoted(identifier)} is not an admin of app ${sdkappid} (admins: ${listed(admins)})`,
    };
  }
  return undefined;
}
