import { z } from 'zod';
import { FIELD_NAMES, type FieldName, TEXT_FIELDS } from '../fields.js';
import { CounterSchema, DateSchema, PartialDaySchema } from '../response.js';

/** Where a timock fake serves its control plane (the admin API). */
export const ADMIN_PREFIX = '/__admin';

/** The per-request fault header, e.g. `x-timock-fault: code=130011` or `delay=200,status=502`. */
export const FAULT_HEADER = 'x-timock-fault';

/** The header that carries the admin token with {@link FAULT_HEADER} when the fake has a token. */
export const ADMIN_TOKEN_HEADER = 'x-timock-admin-token';

/**
 * The response header that says why the fake refused (or faulted) a request, e.g. `usersig is not
 * base64url+zlib: inflate failed`; sent only to callers the admin API would answer (loopback, or with
 * the admin token), never with the admin API off. The envelope stays the vendor's.
 */
export const REASON_HEADER = 'x-timock-reason';

/** The most fault rules a fake holds (used-up ones included, until removed); one more is refused with 409. */
export const MAX_FAULT_RULES = 1000;

/** The most apps a fake serves (configured ones included); adding one more at run time is refused with 409. */
export const MAX_APPS = 1000;

/** The most overridden days a fake holds, all apps together; a document that would exceed it is refused with 409. */
export const MAX_OVERRIDDEN_DAYS = 10_000;

/** The longest delay a fault may ask for, in ms (10 minutes). */
export const MAX_FAULT_DELAY_MS = 600_000;

/** An SDKAppID as a number in an admin document. */
export const SdkAppIdNumberSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** An instant with its offset, as the admin API writes times. */
export const IsoDateTimeSchema = z.iso.datetime({ offset: true });

/**
 * One app a fake serves, as in its config file and in `POST /__admin/apps`. `rateLimitPerSecond`
 * defaults to 200 (the vendor's documented limit); `appName` and `company` default to generated names.
 */
export const AppConfigSchema = z
  .strictObject({
    sdkappid: SdkAppIdNumberSchema.meta({
      description: 'the SDKAppID: a positive integer of at most 16 digits',
      example: 1400000001,
    }),
    secretKey: z.string().min(1).meta({
      description:
        "the app's secret key as the console shows it (the HMAC key is its UTF-8 bytes); never shown in any answer",
    }),
    admins: z
      .array(z.string().min(1))
      .min(1)
      .readonly()
      .meta({ description: 'the admin identifiers allowed to call the API', example: ['administrator'] }),
    appName: z.string().optional().meta({
      description: '`AppName` in the answers; when absent, generated from the seed and the SDKAppID',
    }),
    company: z.string().optional().meta({
      description: '`Company` in the answers; when absent, generated from the seed and the SDKAppID',
    }),
    rateLimitPerSecond: z
      .number()
      .int()
      .positive()
      .max(1_000_000)
      .default(200)
      .meta({ description: 'accepted calls per sliding second (the vendor documents 200)' }),
  })
  .meta({ id: 'AppConfig', description: 'An app served by the fake.' });

/** An app as configured (input): `rateLimitPerSecond`, `appName` and `company` may be omitted. */
export type AppConfig = z.input<typeof AppConfigSchema>;

/** An app after validation: `rateLimitPerSecond` filled in. */
export type ResolvedAppConfig = z.output<typeof AppConfigSchema>;

/** An app as the admin API shows it: never its secret key. */
export const AppViewSchema = z
  .strictObject({
    sdkappid: SdkAppIdNumberSchema,
    admins: z.array(z.string()),
    appName: z.string(),
    company: z.string(),
    rateLimitPerSecond: z.number().int(),
    /** Where the app's days come from: generated, or a recorded fixture; `overriddenDays` counts overrides. */
    data: z.enum(['generated', 'fixture']),
    overriddenDays: z.number().int().nonnegative(),
  })
  .meta({ id: 'AppView', description: 'An app served by the fake (its secret key is never shown).' });

/** An app as the admin API shows it. */
export type AppView = z.infer<typeof AppViewSchema>;

/** One request in the journal: never its UserSig or any key. */
export const JournalEntrySchema = z
  .strictObject({
    /** A sequence number, from 1, that keeps growing when old entries are overwritten. */
    seq: z.number().int().positive(),
    /** When the request arrived, by the server's clock. */
    time: IsoDateTimeSchema,
    method: z.string(),
    /** The `sdkappid` query value when it is a valid SDKAppID, else `null`. */
    sdkappid: SdkAppIdNumberSchema.nullable(),
    /** The `identifier` query value, or `null` when absent. */
    identifier: z.string().nullable(),
    /** The requested field set (every field when none was named); `null` when the body was never read. */
    fields: z.array(z.string()).nullable(),
    /** The answer's `ErrorCode`; `null` for an HTTP-status fault or a dropped or truncated answer. */
    code: z.number().int().nullable(),
    /** The HTTP status; 0 when the connection was dropped. */
    status: z.number().int().nonnegative(),
    /** Time to answer, in ms (real time, including any fault delay). */
    latencyMs: z.number().nonnegative(),
    /** The id of the fault rule that fired, `header` for the per-request header, or `null`. */
    fault: z.string().nullable(),
    /**
     * Why the request was refused or faulted, in one line (also the request's log line and, for callers
     * of the admin API, the `x-timock-reason` header); `null` for a plain success. Never holds a key, a
     * UserSig or a token.
     */
    reason: z.string().nullable(),
  })
  .meta({ id: 'JournalEntry' });

/** One request in the journal. */
export type JournalEntry = z.infer<typeof JournalEntrySchema>;

const digits = z.string().regex(/^\d{1,16}$/);

/**
 * The filters of `GET /__admin/requests` and `/requests/count` (query strings): `sdkappid`, `code`,
 * `since` (ISO date-time, or epoch ms; entries at or after it) and `limit` (the newest N).
 */
export const JournalQuerySchema = z
  .strictObject({
    sdkappid: digits.transform(Number).optional(),
    code: digits.transform(Number).optional(),
    since: z
      .union([digits.transform(Number), IsoDateTimeSchema.transform((s) => Date.parse(s))])
      .optional()
      .meta({ description: 'ISO date-time with offset, or epoch milliseconds' }),
    limit: digits.transform(Number).optional(),
  })
  .meta({ id: 'JournalQuery' });

/** Journal filters after parsing: numbers, `since` in epoch ms. */
export type JournalFilter = z.output<typeof JournalQuerySchema>;

/** How the clock is set: freeze at (or jump to) an instant, run with an offset, or move forwards or back. */
export const ClockInputSchema = z
  .union([
    z.strictObject({
      now: IsoDateTimeSchema.meta({ example: '2025-03-10T12:00:00+08:00' }),
      /** Stay at `now` (default) or keep running from it. */
      freeze: z.boolean().default(true),
    }),
    z.strictObject({ offsetMs: z.number().int().meta({ description: 'Real time plus this, running.' }) }),
    z.strictObject({ advanceMs: z.number().int().meta({ description: 'Move the clock by this much.' }) }),
  ])
  .meta({ id: 'ClockInput' });

/** How the clock is set. */
export type ClockInput = z.input<typeof ClockInputSchema>;

/** The server's clock as the admin API shows it. */
export const ClockStateSchema = z
  .strictObject({
    now: IsoDateTimeSchema,
    /** True when the clock stands still. */
    frozen: z.boolean(),
    /** The server's time minus the real time, in ms. */
    offsetMs: z.number().int(),
  })
  .meta({ id: 'ClockState' });

/** The server's clock as the admin API shows it. */
export type ClockState = z.infer<typeof ClockStateSchema>;

const overrideShape = Object.fromEntries(
  FIELD_NAMES.map((n) => [
    n,
    ((TEXT_FIELDS as readonly string[]).includes(n) ? z.string() : CounterSchema).optional(),
  ]),
) as Record<FieldName, z.ZodOptional<z.ZodString>>;

/** One day's figures to serve instead of the app's own: `Date` plus any fields (unknown names are refused). */
export const DayOverrideSchema = z
  .strictObject({ ...overrideShape, Date: DateSchema })
  .meta({ id: 'DayOverride', example: { Date: '20250309', ActiveUserNum: '1234' } });

/** One day's override. */
export type DayOverride = z.infer<typeof DayOverrideSchema>;

/** The body of `PUT /__admin/apps/:sdkappid/days`: the days to override, each date at most once. */
export const DaysDocumentSchema = z
  .strictObject({ days: z.array(DayOverrideSchema).min(1) })
  .superRefine((doc, ctx) => {
    const seen = new Set<string>();
    doc.days.forEach((day, i) => {
      if (seen.has(day.Date)) {
        ctx.addIssue({ code: 'custom', path: ['days', i, 'Date'], message: `duplicate Date ${day.Date}` });
      }
      seen.add(day.Date);
    });
  })
  .meta({ id: 'DaysDocument' });

/** The body of `PUT /__admin/apps/:sdkappid/days`. */
export type DaysDocument = z.infer<typeof DaysDocumentSchema>;

/**
 * A day as recorded: checked against `PartialDaySchema`, but kept exactly as sent (its key order and
 * unknown fields), so a replay can answer the recorded bytes.
 */
export const RecordedDaySchema = z.record(z.string(), z.unknown()).superRefine((day, ctx) => {
  const checked = PartialDaySchema.safeParse(day);
  if (checked.success) return;
  for (const issue of checked.error.issues) {
    ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  }
});

/**
 * A recorded fixture (`timock record`): one app's days as the upstream answered a full pull, in its key
 * order, unknown fields kept. Never a key or a UserSig.
 */
export const FixtureSchema = z
  .strictObject({
    timockFixture: z.literal(1),
    sdkappid: SdkAppIdNumberSchema,
    /** The identifier the recording used; the fake admits it when it adds the app itself. */
    admins: z.array(z.string().min(1)).min(1),
    appName: z.string().optional(),
    company: z.string().optional(),
    recordedAt: IsoDateTimeSchema,
    /** Where it was recorded: a URL or a region id. */
    source: z.string(),
    days: z.array(RecordedDaySchema),
  })
  .meta({ id: 'Fixture' });

/** A recorded fixture. */
export type Fixture = z.infer<typeof FixtureSchema>;

/** `GET /__admin/health`. */
export const HealthSchema = z
  .strictObject({
    status: z.literal('ok'),
    version: z.string(),
    apps: z.number().int(),
    faults: z.number().int().meta({ description: 'Rules still in play.' }),
    journal: z.strictObject({ size: z.number().int(), capacity: z.number().int() }),
    clock: ClockStateSchema,
  })
  .meta({ id: 'AdminHealth' });

/** `GET /__admin/health`. */
export type Health = z.infer<typeof HealthSchema>;

/**
 * `GET /__admin/ready`: 200 `{"status":"ready"}` when the fake can serve; 503 `{"status":"not ready",
 * "reason"}` while it drains (a close began) or its shared store (Redis) cannot be reached.
 */
export const ReadySchema = z
  .union([
    z.strictObject({ status: z.literal('ready') }),
    z.strictObject({
      status: z.literal('not ready'),
      reason: z.enum(['draining', 'store unreachable']).meta({
        description:
          '`draining`: a close began (SIGTERM), requests in flight finish; `store unreachable`: the shared store (Redis) does not answer, every API call would get 70500',
      }),
    }),
  ])
  .meta({ id: 'AdminReady' });

/** `GET /__admin/ready`. */
export type Ready = z.infer<typeof ReadySchema>;

/** One validation problem: where (dotted path) and what. */
export const AdminIssueSchema = z
  .strictObject({ path: z.string(), message: z.string() })
  .meta({ id: 'AdminIssue' });

/** One validation problem. */
export type AdminIssue = z.infer<typeof AdminIssueSchema>;

/** Every admin refusal: a message, and for bad documents the validation issues. */
export const AdminErrorSchema = z
  .strictObject({ error: z.string(), issues: z.array(AdminIssueSchema).optional() })
  .meta({ id: 'AdminError' });

/** Every admin refusal. */
export type AdminError = z.infer<typeof AdminErrorSchema>;
