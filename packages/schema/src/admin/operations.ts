import { z } from 'zod';
import { FaultRuleSchema, FaultViewSchema } from './faults.js';
import {
  AppConfigSchema,
  AppViewSchema,
  ClockInputSchema,
  ClockStateSchema,
  DaysDocumentSchema,
  HealthSchema,
  JournalEntrySchema,
  JournalQuerySchema,
  MAX_APPS,
  MAX_FAULT_RULES,
  MAX_OVERRIDDEN_DAYS,
  ReadySchema,
} from './schemas.js';

/** The schema of a request part an operation does not take (path parameters, query or body): `undefined`. */
export const NO_INPUT = z.undefined();

/** An answer an admin operation documents besides its success: when, and its body (default `AdminError`). */
export interface AdminOtherAnswer {
  /** When the operation answers it. */
  readonly description: string;
  /** Its JSON body; `AdminError` when absent. */
  readonly schema?: z.ZodType;
}

/** One operation of the admin API (under `ADMIN_PREFIX`): what it takes and what it answers. */
export interface AdminOperation {
  /** The HTTP method, lower case. */
  readonly method: 'get' | 'post' | 'put' | 'delete';
  /** The path under `ADMIN_PREFIX`, OpenAPI style: `/faults/{id}`. */
  readonly path: string;
  /** One line: what it does. */
  readonly summary: string;
  /** The path parameters, or {@link NO_INPUT}. */
  readonly params: z.ZodObject | typeof NO_INPUT;
  /** The query string, or {@link NO_INPUT} (then it is ignored). */
  readonly query: z.ZodObject | typeof NO_INPUT;
  /** The JSON body, or {@link NO_INPUT} (then it is ignored). */
  readonly body: z.ZodType;
  /** What its query or body is called in a refusal: `invalid fault rule: ...`. */
  readonly input?: string;
  /** The success status. */
  readonly status: 200 | 201;
  /** The success answer. */
  readonly response: z.ZodType;
  /** The other answers it documents, by status (401 and 403 are every operation's). */
  readonly answers?: Readonly<Record<number, AdminOtherAnswer>>;
}

const none = { params: NO_INPUT, query: NO_INPUT, body: NO_INPUT } as const;
const done = z.strictObject({ status: z.literal('ok') }).meta({ id: 'AdminOk' });
const removed = z.strictObject({ removed: z.number().int() }).meta({ id: 'AdminRemoved' });
const appParams = z.object({ sdkappid: z.string().regex(/^\d+$/) });
const noApp = { 404: { description: 'No such app.' } };

/**
 * The admin API of a timock fake, one entry per operation, keyed by its OpenAPI `operationId`, in the
 * order of the OpenAPI document. The fake registers its routes from it, the OpenAPI document describes
 * it, and tests judge the answers by it.
 */
export const ADMIN_OPERATIONS = {
  adminHealth: {
    ...none,
    method: 'get',
    path: '/health',
    summary: 'Is the fake up (liveness)',
    status: 200,
    response: HealthSchema,
  },
  adminReady: {
    ...none,
    method: 'get',
    path: '/ready',
    summary: 'Can the fake serve (readiness); answers every caller, no token needed',
    status: 200,
    response: ReadySchema,
    answers: {
      503: {
        description: 'Draining (a close began) or the shared store (Redis) cannot be reached.',
        schema: ReadySchema,
      },
    },
  },
  adminReset: {
    ...none,
    method: 'post',
    path: '/reset',
    summary: 'Journal, faults, clock, data overrides and apps back to the start state',
    status: 200,
    response: done,
  },
  addFault: {
    ...none,
    method: 'post',
    path: '/faults',
    summary: 'Add a fault rule',
    body: FaultRuleSchema,
    input: 'fault rule',
    status: 201,
    response: FaultViewSchema,
    answers: {
      400: { description: 'The rule is invalid (see `issues`).' },
      409: { description: `${MAX_FAULT_RULES} rules are held already.` },
    },
  },
  listFaults: {
    ...none,
    method: 'get',
    path: '/faults',
    summary: 'The fault rules, with how often each fired',
    status: 200,
    response: z.strictObject({ faults: z.array(FaultViewSchema) }),
  },
  removeFaults: {
    ...none,
    method: 'delete',
    path: '/faults',
    summary: 'Remove every fault rule',
    status: 200,
    response: removed,
  },
  removeFault: {
    ...none,
    method: 'delete',
    path: '/faults/{id}',
    summary: 'Remove one fault rule',
    params: z.object({ id: z.string() }),
    status: 200,
    response: removed,
    answers: { 404: { description: 'No such rule.' } },
  },
  listRequests: {
    ...none,
    method: 'get',
    path: '/requests',
    summary: 'The journal of requests (oldest first), filtered',
    query: JournalQuerySchema,
    input: 'journal filter',
    status: 200,
    response: z.strictObject({ requests: z.array(JournalEntrySchema) }),
  },
  countRequests: {
    ...none,
    method: 'get',
    path: '/requests/count',
    summary: 'How many journal entries match the filters',
    query: JournalQuerySchema.omit({ limit: true }),
    input: 'journal filter',
    status: 200,
    response: z.strictObject({ count: z.number().int() }),
  },
  clearRequests: {
    ...none,
    method: 'delete',
    path: '/requests',
    summary: 'Clear the journal',
    status: 200,
    response: removed,
  },
  getClock: {
    ...none,
    method: 'get',
    path: '/clock',
    summary: "The server's clock",
    status: 200,
    response: ClockStateSchema,
  },
  setClock: {
    ...none,
    method: 'put',
    path: '/clock',
    summary:
      'Freeze, move or offset the clock (UserSig expiry, rate windows and the 30-day window follow it)',
    body: ClockInputSchema,
    input: 'clock setting',
    status: 200,
    response: ClockStateSchema,
  },
  resetClock: {
    ...none,
    method: 'delete',
    path: '/clock',
    summary: 'Back to real time',
    status: 200,
    response: ClockStateSchema,
  },
  listApps: {
    ...none,
    method: 'get',
    path: '/apps',
    summary: 'The apps served (never their keys)',
    status: 200,
    response: z.strictObject({ apps: z.array(AppViewSchema) }),
  },
  addApp: {
    ...none,
    method: 'post',
    path: '/apps',
    summary: 'Serve one more app',
    body: AppConfigSchema,
    input: 'app',
    status: 201,
    response: AppViewSchema,
    answers: {
      400: { description: 'The app is invalid (see `issues`).' },
      409: { description: `An app with this SDKAppID exists, or ${MAX_APPS} apps are served.` },
    },
  },
  overrideDays: {
    ...none,
    method: 'put',
    path: '/apps/{sdkappid}/days',
    summary: "Serve these figures for these days instead of the app's own (a bad document changes nothing)",
    params: appParams,
    body: DaysDocumentSchema,
    input: 'days document',
    status: 200,
    response: AppViewSchema,
    answers: {
      400: { description: 'The document is invalid (see `issues`); nothing changed.' },
      ...noApp,
      409: { description: `More than ${MAX_OVERRIDDEN_DAYS} days would be overridden, all apps together.` },
    },
  },
  clearDays: {
    ...none,
    method: 'delete',
    path: '/apps/{sdkappid}/days',
    summary: "Back to the app's own days",
    params: appParams,
    status: 200,
    response: AppViewSchema,
    answers: noApp,
  },
} satisfies Record<string, AdminOperation>;

type Operations = typeof ADMIN_OPERATIONS;

/** The id of an admin operation (its OpenAPI `operationId`), e.g. `addFault`. */
export type AdminOperationId = keyof Operations;

/** Every admin operation id, in the table's order. */
export const ADMIN_OPERATION_IDS = Object.keys(ADMIN_OPERATIONS) as AdminOperationId[];

/** An operation's path parameters, as parsed (`undefined` when it has none). */
export type AdminParams<K extends AdminOperationId> = z.output<Operations[K]['params']>;

/** An operation's query, as parsed (`undefined` when it takes none). */
export type AdminQuery<K extends AdminOperationId> = z.output<Operations[K]['query']>;

/** An operation's body, as parsed (`undefined` when it takes none). */
export type AdminBody<K extends AdminOperationId> = z.output<Operations[K]['body']>;

/** An operation's success answer, as sent. */
export type AdminAnswer<K extends AdminOperationId> = z.input<Operations[K]['response']>;
