/**
 * `@timock/contract-tests`: one contract suite for the Tencent Cloud IM getappinfo API, run against
 * the timock fake and against the real endpoint.
 *
 * @packageDocumentation
 */
export {
  type Authority,
  CHECK_GROUPS,
  type Check,
  type CheckContext,
  type CheckGroup,
  type ExpectedFailure,
  type Outcome,
  type SignOptions,
  type Verdict,
} from './check.js';
export { type MockTarget, startMockTarget } from './mock-target.js';
export { formatJunit, formatPretty, formatReport, REPORTERS, type ReporterName } from './reporters.js';
export {
  CHECKS,
  type CheckResult,
  type ContractReport,
  type FidelityFinding,
  type RunOptions,
  runContract,
} from './run.js';
export { type Exchange, type Send, type Target, type TargetInput, TargetSchema } from './target.js';
