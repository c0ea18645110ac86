import { z } from 'zod';
import { FIELD_NAMES, type FieldName } from './fields.js';

/** The largest value of `random`: 2^32 - 1. */
export const MAX_RANDOM = 4294967295;

const digits = /^\d+$/;

/**
 * An SDKAppID as it stands in text (a query string, a path, a flag): a positive decimal integer of 1 to
 * 16 digits without a leading zero, e.g. `1400000000`. The one declaration of the pattern: the query
 * schema, the fake's request checks, journal, admin paths and the CLIs all test against it.
 */
export const SDKAPPID_PATTERN = /^[1-9]\d{0,15}$/;

/**
 * The five query parameters, as they stand in the URL (strings). `sdkappid` and `random` are decimal
 * digits; parse with {@link QuerySchema} to get numbers.
 */
export const QuerySchema = z
  .object({
    sdkappid: z.string().regex(SDKAPPID_PATTERN).transform(Number).meta({
      description: 'The SDKAppID assigned by the IM console (a positive integer).',
      example: '1400000000',
    }),
    identifier: z
      .string()
      .min(1)
      .meta({ description: 'An app admin account, e.g. `administrator`.', example: 'administrator' }),
    usersig: z.string().min(1).meta({ description: 'A UserSig generated for that admin account.' }),
    random: z
      .string()
      .regex(digits)
      .transform(Number)
      .refine((n) => n <= MAX_RANDOM, { message: 'random must be in 0..4294967295' })
      .meta({
        description:
          "A random 32-bit unsigned integer, 0..4294967295. The vendor's 2016 REST SDKs omit it; the fake accepts that unless `fidelity.requireRandom`.",
        example: '99999999',
      }),
    contenttype: z.literal('json').meta({ description: 'Always `json`.' }),
  })
  .meta({ id: 'GetAppInfoQuery' });

/** The query parameters after parsing: `sdkappid` and `random` as numbers. */
export type Query = z.output<typeof QuerySchema>;

/** A field name the API knows (every field but `Date`). */
export const FieldNameSchema = z.enum(FIELD_NAMES as [FieldName, ...FieldName[]]).meta({ id: 'FieldName' });

/**
 * The request body: `{}` pulls every field; `RequestField` names the fields to pull. Unknown names are
 * accepted (the fake ignores them), so they are plain strings here.
 */
export const RequestBodySchema = z
  .looseObject({
    RequestField: z
      .array(z.union([FieldNameSchema, z.string()]))
      .optional()
      .meta({
        description:
          'The fields to pull. Absent or empty: every field. `Date` is always returned. See FieldName for the known names.',
        example: ['ChainIncrease', 'ChainDecrease'],
      }),
  })
  .meta({ id: 'GetAppInfoRequest', example: { RequestField: ['ChainIncrease', 'ChainDecrease'] } });

/** The request body. */
export type RequestBody = z.infer<typeof RequestBodySchema>;
