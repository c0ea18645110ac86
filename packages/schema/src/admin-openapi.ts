import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  ADMIN_PREFIX,
  AdminErrorSchema,
  AppConfigSchema,
  AppViewSchema,
  ClockInputSchema,
  ClockStateSchema,
  DaysDocumentSchema,
  FaultRuleSchema,
  FaultViewSchema,
  HealthSchema,
  JournalEntrySchema,
  JournalQuerySchema,
  MAX_APPS,
  MAX_FAULT_RULES,
  MAX_OVERRIDDEN_DAYS,
  ReadySchema,
} from './admin.js';

/** The OpenAPI tag of the control plane. */
export const ADMIN_TAG = 'timock admin';

type Schema = z.ZodType;
const json = (schema: Schema, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const refusals = {
  401: json(AdminErrorSchema, 'A token is set and the call lacks it (`Authorization: Bearer TOKEN`).'),
  403: json(AdminErrorSchema, 'No token is set and the caller is not on a loopback address.'),
};
const done = z.strictObject({ status: z.literal('ok') }).meta({ id: 'AdminOk' });
const removed = z.strictObject({ removed: z.number().int() }).meta({ id: 'AdminRemoved' });
const appParams = z.object({ sdkappid: z.string().regex(/^\d+$/) });

/** The admin operations: method, path (OpenAPI style), summary, request, success status and schema. */
const OPERATIONS: ReadonlyArray<{
  method: RouteConfig['method'];
  path: string;
  id: string;
  summary: string;
  request?: RouteConfig['request'];
  status: number;
  answer: Schema;
  extra?: RouteConfig['responses'];
}> = [
  {
    method: 'get',
    path: '/health',
    id: 'adminHealth',
    summary: 'Is the fake up (liveness)',
    status: 200,
    answer: HealthSchema,
  },
  {
    method: 'get',
    path: '/ready',
    id: 'adminReady',
    summary: 'Can the fake serve (readiness); answers every caller, no token needed',
    status: 200,
    answer: ReadySchema,
    extra: {
      503: json(ReadySchema, 'Draining (a close began) or the shared store (Redis) cannot be reached.'),
    },
  },
  {
    method: 'post',
    path: '/reset',
    id: 'adminReset',
    summary: 'Journal, faults, clock, data overrides and apps back to the start state',
    status: 200,
    answer: done,
  },
  {
    method: 'post',
    path: '/faults',
    id: 'addFault',
    summary: 'Add a fault rule',
    request: { body: { content: { 'application/json': { schema: FaultRuleSchema } } } },
    status: 201,
    answer: FaultViewSchema,
    extra: {
      400: json(AdminErrorSchema, 'The rule is invalid (see `issues`).'),
      409: json(AdminErrorSchema, `${MAX_FAULT_RULES} rules are held already.`),
    },
  },
  {
    method: 'get',
    path: '/faults',
    id: 'listFaults',
    summary: 'The fault rules, with how often each fired',
    status: 200,
    answer: z.strictObject({ faults: z.array(FaultViewSchema) }),
  },
  {
    method: 'delete',
    path: '/faults',
    id: 'removeFaults',
    summary: 'Remove every fault rule',
    status: 200,
    answer: removed,
  },
  {
    method: 'delete',
    path: '/faults/{id}',
    id: 'removeFault',
    summary: 'Remove one fault rule',
    request: { params: z.object({ id: z.string() }) },
    status: 200,
    answer: removed,
    extra: { 404: json(AdminErrorSchema, 'No such rule.') },
  },
  {
    method: 'get',
    path: '/requests',
    id: 'listRequests',
    summary: 'The journal of requests (oldest first), filtered',
    request: { query: JournalQuerySchema },
    status: 200,
    answer: z.strictObject({ requests: z.array(JournalEntrySchema) }),
  },
  {
    method: 'get',
    path: '/requests/count',
    id: 'countRequests',
    summary: 'How many journal entries match the filters',
    request: { query: JournalQuerySchema.omit({ limit: true }) },
    status: 200,
    answer: z.strictObject({ count: z.number().int() }),
  },
  {
    method: 'delete',
    path: '/requests',
    id: 'clearRequests',
    summary: 'Clear the journal',
    status: 200,
    answer: removed,
  },
  {
    method: 'get',
    path: '/clock',
    id: 'getClock',
    summary: "The server's clock",
    status: 200,
    answer: ClockStateSchema,
  },
  {
    method: 'put',
    path: '/clock',
    id: 'setClock',
    summary:
      'Freeze, move or offset the clock (UserSig expiry, rate windows and the 30-day window follow it)',
    request: { body: { content: { 'application/json': { schema: ClockInputSchema } } } },
    status: 200,
    answer: ClockStateSchema,
  },
  {
    method: 'delete',
    path: '/clock',
    id: 'resetClock',
    summary: 'Back to real time',
    status: 200,
    answer: ClockStateSchema,
  },
  {
    method: 'get',
    path: '/apps',
    id: 'listApps',
    summary: 'The apps served (never their keys)',
    status: 200,
    answer: z.strictObject({ apps: z.array(AppViewSchema) }),
  },
  {
    method: 'post',
    path: '/apps',
    id: 'addApp',
    summary: 'Serve one more app',
    request: { body: { content: { 'application/json': { schema: AppConfigSchema } } } },
    status: 201,
    answer: AppViewSchema,
    extra: {
      400: json(AdminErrorSchema, 'The app is invalid (see `issues`).'),
      409: json(AdminErrorSchema, `An app with this SDKAppID exists, or ${MAX_APPS} apps are served.`),
    },
  },
  {
    method: 'put',
    path: '/apps/{sdkappid}/days',
    id: 'overrideDays',
    summary: "Serve these figures for these days instead of the app's own (a bad document changes nothing)",
    request: {
      params: appParams,
      body: { content: { 'application/json': { schema: DaysDocumentSchema } } },
    },
    status: 200,
    answer: AppViewSchema,
    extra: {
      400: json(AdminErrorSchema, 'The document is invalid (see `issues`); nothing changed.'),
      404: json(AdminErrorSchema, 'No such app.'),
      409: json(
        AdminErrorSchema,
        `More than ${MAX_OVERRIDDEN_DAYS} days would be overridden, all apps together.`,
      ),
    },
  },
  {
    method: 'delete',
    path: '/apps/{sdkappid}/days',
    id: 'clearDays',
    summary: "Back to the app's own days",
    request: { params: appParams },
    status: 200,
    answer: AppViewSchema,
    extra: { 404: json(AdminErrorSchema, 'No such app.') },
  },
];

/**
 * Adds the control plane of a timock fake (`/__admin/...`, tag {@link ADMIN_TAG}) to an OpenAPI registry.
 * The operations name their own server: they exist only on a fake, never on the vendor's domains.
 */
export function registerAdminPaths(registry: OpenAPIRegistry): void {
  const bearer = registry.registerComponent('securitySchemes', 'adminToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'Needed when the fake was started with `--admin-token`.',
  });
  for (const op of OPERATIONS) {
    registry.registerPath({
      method: op.method,
      path: `${ADMIN_PREFIX}${op.path}`,
      operationId: op.id,
      tags: [ADMIN_TAG],
      summary: op.summary,
      servers: [{ url: 'http://127.0.0.1:8080', description: 'a timock fake' }],
      security: [{}, { [bearer.name]: [] }],
      ...(op.request ? { request: op.request } : {}),
      responses: { [op.status]: json(op.answer, 'Done.'), ...refusals, ...op.extra },
    });
  }
}
