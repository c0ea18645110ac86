/**
 * `@timock/mock-server`: a faithful, fast, deterministic fake of the Tencent Cloud IM REST API
 * `v4/openconfigsvr/getappinfo`.
 *
 * @packageDocumentation
 */
export {
  AppDataset,
  type DatasetApp,
  type GenerateDaysOptions,
  generateDays,
  LAUNCH_DATE,
} from './dataset.js';
export { DOCS_ROUTE, type DocsContext, OPENAPI_ROUTE, servedOpenApiDocument } from './docs.js';
export {
  type AppConfig,
  AppConfigSchema,
  DEMO_APP,
  type HttpsOptions,
  InvalidOptionsError,
  type LoggerOption,
  type ResolvedAppConfig,
  type ResolvedServerOptions,
  resolveServerOptions,
  type ServerOptions,
  ServerOptionsSchema,
} from './options.js';
export { SlidingWindowLimiter } from './rate-limit.js';
export type { RequestState } from './routes/getappinfo.js';
export { buildServer, type StartedServer, type StartServerOptions, startServer } from './server.js';
export { beijingDayNumber, formatDayNumber } from './time.js';
export {
  inspectUserSig,
  type SignUserSigOptions,
  signUserSig,
  type UserSigExpectation,
  type UserSigFailureCode,
  type UserSigInspection,
  type UserSigVerdict,
  type VerifyUserSigOptions,
  verdictAt,
  verifyUserSig,
} from './usersig.js';
