/**
 * `@timock/test-support` (private, test-only): helpers that the tests of several packages share, so
 * that no test imports another package's private folders. Loaded from its sources by vitest (no build).
 *
 * @packageDocumentation
 */
export { findRedisServer, NO_REDIS_SERVER, type RedisServer, startRedisServer } from './redis-server.js';
export { type VendorApi, vendorUserSig, withVendorSigner } from './vendor-usersig.js';
