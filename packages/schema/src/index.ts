/**
 * `@timock/schema`: the single source of truth for Tencent Cloud IM `v4/openconfigsvr/getappinfo`.
 *
 * @packageDocumentation
 */
export {
  ADMIN_PREFIX,
  ADMIN_TOKEN_HEADER,
  type AdminError,
  AdminErrorSchema,
  type AdminIssue,
  AdminIssueSchema,
  type AppConfig,
  AppConfigSchema,
  type AppView,
  AppViewSchema,
  type ClockInput,
  ClockInputSchema,
  type ClockState,
  ClockStateSchema,
  type DayOverride,
  DayOverrideSchema,
  type DaysDocument,
  DaysDocumentSchema,
  FAULT_HEADER,
  FAULT_OUTCOMES,
  type FaultDelay,
  FaultDelaySchema,
  type FaultRule,
  FaultRuleSchema,
  type FaultView,
  FaultViewSchema,
  type Fixture,
  FixtureSchema,
  type Health,
  HealthSchema,
  type JournalEntry,
  JournalEntrySchema,
  type JournalFilter,
  JournalQuerySchema,
  MAX_APPS,
  MAX_FAULT_DELAY_MS,
  MAX_FAULT_RULES,
  MAX_OVERRIDDEN_DAYS,
  RecordedDaySchema,
  type ResolvedAppConfig,
} from './admin.js';
export { ADMIN_TAG, registerAdminPaths } from './admin-openapi.js';
export {
  ERROR_CODE_LIST,
  ERROR_CODES,
  type ErrorClass,
  type ErrorCode,
  type ErrorCodeInfo,
  errorCodeInfo,
  isKnownErrorCode,
} from './error-codes.js';
export { EXAMPLE_FAILURE_RESPONSE, EXAMPLE_FILTERED_RESPONSE, EXAMPLE_FULL_RESPONSE } from './examples.js';
export {
  FIELD_KINDS,
  FIELD_NAMES,
  FIELDS,
  type FieldInfo,
  type FieldKind,
  type FieldName,
  fieldInfo,
  isFieldName,
  NUMERIC_FIELD_NAMES,
  type NumericFieldName,
  TEXT_FIELDS,
} from './fields.js';
export { type JsonSchema, jsonSchemas } from './json-schema.js';
export {
  buildOpenApiDocument,
  createOpenApiRegistry,
  OPENAPI_INFO_VERSION,
  type OpenAPIRegistry,
  type OpenApiDocument,
} from './openapi.js';
export {
  DEFAULT_REGION,
  GETAPPINFO_PATH,
  REGION_IDS,
  REGIONS,
  type RegionId,
  type RegionInfo,
  regionOrigin,
} from './regions.js';
export {
  CARRY_RELATIONS,
  checkCarryOvers,
  checkDay,
  DAY_RELATIONS,
  RELATIONS,
  type Relation,
  type RelationViolation,
} from './relations.js';
export {
  FieldNameSchema,
  MAX_RANDOM,
  type Query,
  QuerySchema,
  type RequestBody,
  RequestBodySchema,
} from './request.js';
export {
  COUNTER_PATTERN,
  CounterSchema,
  DATE_PATTERN,
  DateSchema,
  type Day,
  type DayOf,
  DaySchema,
  type FailureEnvelope,
  FailureEnvelopeSchema,
  PartialDaySchema,
  type ResponseEnvelope,
  ResponseEnvelopeSchema,
  type SuccessEnvelope,
  SuccessEnvelopeSchema,
  unknownFields,
} from './response.js';
export { type UserSigDocument, UserSigDocumentSchema, userSigContent } from './usersig.js';
