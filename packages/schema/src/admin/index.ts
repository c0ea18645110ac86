/**
 * `@timock/schema/admin`: the operations of a timock fake's admin API (`/__admin/...`), one table that
 * the fake registers its routes from, the OpenAPI document describes and tests judge answers by.
 * The schemas of the documents (`FaultRuleSchema`, `JournalEntrySchema`, ...) are in `@timock/schema`.
 *
 * @packageDocumentation
 */
export {
  ADMIN_OPERATION_IDS,
  ADMIN_OPERATIONS,
  type AdminAnswer,
  type AdminBody,
  type AdminOperation,
  type AdminOperationId,
  type AdminOtherAnswer,
  type AdminParams,
  type AdminQuery,
  NO_INPUT,
} from './operations.js';
