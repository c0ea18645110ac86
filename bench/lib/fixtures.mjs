// What every row is sent: the same signed getappinfo requests (the demo app, its key and the API path
// come from the packages, never copied here), and the server options that raise the demo app's rate
// limit out of the way.
import { DEMO_APP, signUserSig } from '@timock/mock-server';
import { GETAPPINFO_PATH } from '@timock/schema';

/** The two-field pull's body (a ~2 KB answer). */
export const TWO_FIELDS_BODY = '{"RequestField":["ChainIncrease","ChainDecrease"]}';

/** The demo app with its rate limit raised to 1,000,000/s, so that no load row is refused. */
export const LOAD_APPS = [{ ...DEMO_APP, rateLimitPerSecond: 1_000_000 }];

/** 16 distinct `random` values, cycled by every connection (as a real caller varies it). */
const RANDOMS = Array.from({ length: 16 }, (_, i) => String((2654435761 * (i + 1)) >>> 0));

/**
 * The requests of one kind: 16 variants (one per `random` value) of a POST to the getappinfo path.
 * @param {string} usersig
 * @param {string} body
 */
export function getAppInfoRequests(usersig, body) {
  const query = `sdkappid=${DEMO_APP.sdkappid}&identifier=${DEMO_APP.admins[0]}&usersig=${encodeURIComponent(usersig)}`;
  return RANDOMS.map((random) => ({
    method: 'POST',
    path: `/${GETAPPINFO_PATH}?${query}&random=${random}&contenttype=json`,
    headers: { 'content-type': 'application/json' },
    body,
  }));
}

/**
 * The benchmark's requests: a full pull, a two-field pull and a full pull with a UserSig signed with
 * the wrong key (refused with 70009), each UserSig signed once (a real caller caches it), valid 30 days.
 * @param {number} nowSeconds
 */
export function benchRequests(nowSeconds) {
  const sign = (secretKey) =>
    signUserSig({
      sdkappid: DEMO_APP.sdkappid,
      secretKey,
      identifier: DEMO_APP.admins[0],
      lifetimeSeconds: 30 * 86400,
      nowMs: nowSeconds * 1000,
    });
  const usersig = sign(DEMO_APP.secretKey);
  return {
    usersig,
    full: getAppInfoRequests(usersig, '{}'),
    two: getAppInfoRequests(usersig, TWO_FIELDS_BODY),
    invalid: getAppInfoRequests(sign('f'.repeat(64)), '{}'),
  };
}
