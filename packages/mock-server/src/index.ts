/**
 * `@timock/mock-server`: a faithful, fast, deterministic fake of the Tencent Cloud IM REST API
 * `v4/openconfigsvr/getappinfo`.
 *
 * @packageDocumentation
 */

export { type SignUserSigParams, signUserSig } from '@timock/client';
export {
  AppDataset,
  type DatasetApp,
  type GenerateDaysOptions,
  generateDays,
  LAUNCH_DATE,
} from './api/dataset.js';
export { beijingDayNumber, formatDayNumber } from './api/time.js';
export {
  inspectUserSig,
  type UserSigExpectation,
  type UserSigFailureCode,
  type UserSigInspection,
  type UserSigVerdict,
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
export {
  ControlError,
  type ControlErrorCode,
  InvalidOptionsError,
  isControlError,
  isInvalidOptionsError,
  isStoreUnavailable,
  isTimockError,
  StoreUnavailableError,
} from './errors.js';
export {
  type AppConfig,
  AppConfigSchema,
  DEMO_APP,
  type HttpsOptions,
  type LoggerOption,
  MAX_JOURNAL_SIZE,
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
export type { RequestState } from './request-state.js';
export { buildServer, type StartedServer, type StartServerOptions, startServer } from './server.js';
