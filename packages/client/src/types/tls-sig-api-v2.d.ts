/**
 * Types for the vendor's official signing package `tls-sig-api-v2` (CommonJS, ships no types). Only what
 * this client uses is declared.
 */
declare module 'tls-sig-api-v2' {
  /** Signs UserSigs for one app. */
  export class Api {
    /** @param sdkappid the app's SDKAppID; @param key the app's secret key, as the console shows it */
    constructor(sdkappid: number, key: string);
    /**
     * A UserSig for `userid`, valid for `expire` seconds from `Date.now()` (the package reads the clock
     * itself).
     */
    genUserSig(userid: string, expire: number): string;
  }
}
