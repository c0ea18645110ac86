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
} from './api/dataset.js';
export type { RequestState } from './api/getappinfo.js';
export { beijingDayNumber, formatDayNumber } from './api/time.js';
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
} from './api/usersig.js';
export { ServerClock } from './control/clock.js';
export type {
  ClockControls,
  ClockSetting,
  ControlMode,
  ControlResult,
  DataControls,
  FaultControls,
  JournalControls,
  MockControls,
} from './control/controls.js';
export { ControlError, type ControlErrorCode, isControlError } from './control/errors.js';
export { MAX_JOURNAL_SIZE } from './control/journal.js';
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
export { DOCS_ROUTE, type DocsContext, OPENAPI_ROUTE, servedOpenApiDocument } from './plugins/docs.js';
export {
  type ContractOutcome,
  type ProxyJournalEntry,
  type ProxyOptions,
  type StartedProxy,
  startProxy,
} from './proxy/proxy.js';
export type { CheckTally, ContractSummary, ProblemExample } from './proxy/tally.js';
export { buildServer, type StartedServer, type StartServerOptions, startServer } from './server.js';
export { RedisStore, type RedisStoreOptions, redactRedisUrl, type StoreLogger } from './state/redis/store.js';
export { SlidingWindowLimiter } from './state/sliding-window.js';
export {
  isStoreUnavailable,
  MemoryStore,
  type RateLimiter,
  type SharedControl,
  type SharedJournalEntry,
  type StateStore,
  StoreUnavailableError,
} from './state/store.js';
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
