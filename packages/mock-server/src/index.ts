/**
 * `@timock/mock-server`: a faithful, fast, deterministic fake of the Tencent Cloud IM REST API
 * `v4/openconfigsvr/getappinfo`.
 *
 * @packageDocumentation
 */
export { ServerClock } from './admin/clock.js';
export type {
  ClockControls,
  ClockSetting,
  DataControls,
  FaultControls,
  JournalControls,
  MockControls,
} from './admin/control.js';
export { ControlError, type ControlErrorCode, isControlError } from './admin/errors.js';
export { MAX_JOURNAL_SIZE } from './admin/journal.js';
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
  type RedisOptions,
  RedisOptionsSchema,
  type ResolvedAppConfig,
  type ResolvedServerOptions,
  resolveServerOptions,
  type ServerOptions,
  ServerOptionsSchema,
} from './options.js';
export {
  type ContractOutcome,
  type ProxyJournalEntry,
  type ProxyOptions,
  type StartedProxy,
  startProxy,
} from './proxy/proxy.js';
export type { CheckTally, ContractSummary, ProblemExample } from './proxy/tally.js';
export { SlidingWindowLimiter } from './rate-limit.js';
export { RedisStore, type RedisStoreOptions, redactRedisUrl, type StoreLogger } from './redis-store.js';
export type { RequestState } from './routes/getappinfo.js';
export { buildServer, type StartedServer, type StartServerOptions, startServer } from './server.js';
export {
  isStoreUnavailable,
  MemoryStore,
  type RateLimiter,
  type SharedControl,
  type SharedJournalEntry,
  type StateStore,
  StoreUnavailableError,
} from './store.js';
export {
  type ColorEnv,
  colorEnabled,
  formatHelp,
  type HelpFlag,
  type HelpSpec,
  joinNegativeValues,
  type Paint,
  type Progress,
  painter,
  progressLine,
  type Style,
  stripStyles,
} from './terminal.js';
export { beijingDayNumber, formatDayNumber } from './time.js';
export {
  type DecodedUserSig,
  decodeUserSig,
  inspectUserSig,
  type SignUserSigOptions,
  signUserSig,
  type UserSigExpectation,
  type UserSigFailureCode,
  type UserSigInspection,
  type UserSigVerdict,
  userSigReason,
  type VerifyUserSigOptions,
  verdictAt,
  verifyUserSig,
} from './usersig.js';
