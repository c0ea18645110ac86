/**
 * `@timock/client`: a typed Node.js client for the Tencent Cloud IM REST API
 * `v4/openconfigsvr/getappinfo`, on undici.
 *
 * @example
 * import { createClient } from '@timock/client';
 * const client = createClient({ sdkappid: 1400000000, secretKey: process.env.TIM_SECRET_KEY! });
 * const days = await client.getAppInfo({ fields: ['ChainIncrease', 'ChainDecrease'] });
 * await client.close();
 *
 * @packageDocumentation
 */
export {
  type CallOptions,
  createClient,
  type GetAppInfoOptions,
  type RawResponse,
  type TimClient,
} from './client.js';
export { type NumericDay, toNumbers } from './convert.js';
export {
  InvalidOptionsError,
  isAuthError,
  isBackendError,
  isInvalidOptionsError,
  isRateLimited,
  isRetryable,
  isTimApiError,
  isTimError,
  isTimeoutError,
  isTimockError,
  isTimResponseError,
  isTimTransportError,
  type ResponseIssue,
  TimApiError,
  TimError,
  type TimErrorOptions,
  TimResponseError,
  TimTransportError,
  type TimTransportErrorOptions,
  type TransportErrorCode,
} from './errors.js';
export {
  type ClientOptions,
  ClientOptionsSchema,
  defaultSleep,
  type ResolvedClientOptions,
  type ResolvedRetryOptions,
  type RetryOptions,
  type Sleep,
} from './options.js';
export { backoffDelay } from './retry.js';
export { type SignUserSigParams, signUserSig } from './usersig.js';
