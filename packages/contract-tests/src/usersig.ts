import { createRequire } from 'node:module';

interface TlsSigApi {
  genSig(identifier: string, expire: number, userBuf: null): string;
}
const require = createRequire(import.meta.url);
const { Api } = require('tls-sig-api-v2') as { Api: new (sdkappid: number, key: string) => TlsSigApi };

/**
 * Signs a UserSig with the official `tls-sig-api-v2` package, as if the clock read `timeSeconds`.
 * The package reads `Date.now()` itself; it is pointed at the given time for that one synchronous call.
 */
export function signUserSig(
  sdkappid: number,
  secretKey: string,
  identifier: string,
  expireSeconds: number,
  timeSeconds?: number,
): string {
  const api = new Api(sdkappid, secretKey);
  if (timeSeconds === undefined) return api.genSig(identifier, expireSeconds, null);
  const realNow = Date.now;
  Date.now = () => timeSeconds * 1000;
  try {
    return api.genSig(identifier, expireSeconds, null);
  } finally {
    Date.now = realNow;
  }
}
