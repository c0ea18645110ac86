import { z } from 'zod';
import { isKnownErrorCode } from '../error-codes.js';
import { FieldNameSchema } from '../request.js';
import { IsoDateTimeSchema, MAX_FAULT_DELAY_MS, SdkAppIdNumberSchema } from './schemas.js';

const delayMs = z.number().int().min(0).max(MAX_FAULT_DELAY_MS);

/** A fault's delay: a fixed number of ms, or `[min, max]` drawn uniformly (whole ms) from the rule's seeded source. */
export const FaultDelaySchema = z
  .union([
    delayMs,
    z
      .tuple([delayMs, delayMs])
      .refine(([min, max]) => min <= max, 'a delay range is [min, max] with min <= max'),
  ])
  .meta({
    id: 'FaultDelay',
    description:
      'wait this many ms, or `[min, max]` drawn uniformly, before answering; alone it only slows the answer, else it runs first',
    example: [100, 300],
  });

/** A fault's delay. */
export type FaultDelay = z.infer<typeof FaultDelaySchema>;

/** The actions a fault rule can take, other than a delay (at most one per rule). */
export const FAULT_OUTCOMES = ['errorCode', 'httpStatus', 'drop', 'truncate'] as const;

const faultRuleShape = {
  sdkappid: SdkAppIdNumberSchema.optional().meta({
    description: 'only requests for this SDKAppID (the `sdkappid` query value); default every app',
  }),
  identifier: z.string().min(1).optional().meta({ description: 'only requests with this `identifier`' }),
  path: z.string().startsWith('/').optional().meta({
    description: 'only requests to this path (e.g. `/v4/openconfigsvr/getappinfo`); default every API path',
  }),
  fields: z.array(FieldNameSchema).min(1).optional().meta({
    description:
      'only requests whose field set includes one of these (no `RequestField` = every field); judged once the body is read',
  }),
  errorCode: z
    .number()
    .int()
    .refine((c) => c !== 0 && isKnownErrorCode(c), 'errorCode must be a non-zero code of the catalogue')
    .optional()
    .meta({
      description: 'answer this non-zero catalogue code with its `ErrorInfo` (HTTP 200)',
      example: 130011,
    }),
  httpStatus: z.number().int().min(400).max(599).optional().meta({
    description: 'answer this HTTP status with a gateway-like HTML page instead of an envelope',
    example: 502,
  }),
  delayMs: FaultDelaySchema.optional(),
  drop: z.literal(true).optional().meta({ description: 'destroy the connection without an answer' }),
  truncate: z.literal(true).optional().meta({
    description:
      'send the headers (with the full `content-length`) and the first half of the body, then destroy the connection',
  }),
  times: z
    .number()
    .int()
    .positive()
    .optional()
    .meta({ description: 'fire on the next N matching calls only' }),
  probability: z.number().min(0).max(1).optional().meta({
    description:
      "fire on each matching call with this probability, drawn from the rule's own seeded source: the same calls fire on every run",
  }),
  seed: z
    .number()
    .int()
    .min(0)
    .max(0xffffffff)
    .optional()
    .meta({ description: "seed of the rule's random source (`probability`, delay ranges); default 1" }),
  seconds: z.number().positive().optional().meta({
    description: 'remove the rule from play this many seconds (server clock) after it was added',
  }),
};

/**
 * A fault rule as `POST /__admin/faults` and `mock.faults.add()` take it. Give at most one of
 * `errorCode`, `httpStatus`, `drop`, `truncate`, optionally with `delayMs` (a delay alone just slows the
 * answer). Without `times`, `probability` or `seconds` it fires on every matching call until removed.
 */
export const FaultRuleSchema = z
  .strictObject(faultRuleShape)
  .superRefine((rule, ctx) => {
    const outcomes = FAULT_OUTCOMES.filter((k) => rule[k] !== undefined);
    if (outcomes.length > 1) {
      ctx.addIssue({ code: 'custom', message: `give at most one of ${outcomes.join(', ')}` });
    }
    if (outcomes.length === 0 && rule.delayMs === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'a fault needs an action: errorCode, httpStatus, delayMs, drop or truncate',
      });
    }
  })
  .meta({
    id: 'FaultRule',
    example: { sdkappid: 1400000000, errorCode: 130011, times: 2 },
  });

/** A fault rule as written. */
export type FaultRule = z.input<typeof FaultRuleSchema>;

/** A fault rule as the admin API shows it: the rule plus its id, how often it fired and whether it is still in play. */
export const FaultViewSchema = z
  .strictObject({
    ...faultRuleShape,
    id: z.string().meta({ example: 'f1' }),
    /** How many times the rule fired. */
    fired: z.number().int().nonnegative(),
    /** False once `times` is used up or `seconds` have passed. */
    active: z.boolean(),
    createdAt: IsoDateTimeSchema,
    expiresAt: IsoDateTimeSchema.nullable(),
  })
  .meta({ id: 'FaultView' });

/** A fault rule as the admin API shows it. */
export type FaultView = z.infer<typeof FaultViewSchema>;
