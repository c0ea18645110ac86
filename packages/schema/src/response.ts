import { z } from 'zod';
import { FIELD_NAMES, FIELDS, type FieldName, isFieldName, TEXT_FIELDS } from './fields.js';

/** What a count looks like ({@link CounterSchema}): decimal digits only. */
export const COUNTER_PATTERN = /^\d+$/;

/** What a `Date` looks like ({@link DateSchema}): `YYYYMMDD`, month 01-12, day 01-31. */
export const DATE_PATTERN = /^\d{4}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/;

/** A count as the API sends it: a string of decimal digits. */
export const CounterSchema = z.string().regex(COUNTER_PATTERN, 'a count must be a string of decimal digits');

/** A day as the API sends it: `YYYYMMDD`. */
export const DateSchema = z
  .string()
  .regex(DATE_PATTERN, 'Date must be YYYYMMDD')
  .meta({ description: 'The day, `YYYYMMDD`, in Beijing time (UTC+8).', example: '20160607' });

function fieldSchema(name: FieldName): z.ZodString {
  const info = FIELDS.find((f) => f.name === name)!;
  const base = (TEXT_FIELDS as readonly string[]).includes(name) ? z.string() : CounterSchema;
  return base.meta({ description: `${info.meaning} (${info.label}); kind: ${info.kind}` });
}

const fullShape = Object.fromEntries(FIELD_NAMES.map((n) => [n, fieldSchema(n)])) as Record<
  FieldName,
  z.ZodString
>;
const partialShape = Object.fromEntries(FIELD_NAMES.map((n) => [n, fieldSchema(n).optional()])) as Record<
  FieldName,
  z.ZodOptional<z.ZodString>
>;

/**
 * One day's record from a full pull: every field of the catalogue plus `Date`, every value a string.
 * Unknown extra keys are kept (a newer server may send more fields); list them with {@link unknownFields}.
 */
export const DaySchema = z
  .looseObject({ ...fullShape, Date: DateSchema })
  .meta({ id: 'Day', description: "One day's operational data from a full pull." });

/**
 * One day's record as it may appear in any answer: `Date` plus any subset of the fields (a pull with
 * `RequestField` returns only those). Unknown extra keys are kept.
 */
export const PartialDaySchema = z
  .looseObject({ ...partialShape, Date: DateSchema })
  .meta({ id: 'PartialDay', description: "One day's operational data: `Date` plus the requested fields." });

/** Every field plus `Date`, each a string. */
export type Day = { [K in FieldName]: string } & { Date: string };

/**
 * A day narrowed to the requested fields plus `Date`. An empty or absent list means every field.
 *
 * @example
 * type D = DayOf<['ChainIncrease', 'ChainDecrease']>; // { ChainIncrease: string; ChainDecrease: string; Date: string }
 */
export type DayOf<F extends readonly FieldName[] | undefined = undefined> = F extends readonly []
  ? Day
  : F extends readonly FieldName[]
    ? { [K in F[number] | 'Date']: string }
    : Day;

/** Extra envelope fields that the vendor's common REST answers may carry (accepted, never required). */
const envelopeExtras = {
  ActionStatus: z
    .string()
    .optional()
    .meta({ description: '`FAIL` on every failure seen; `OK` on the successes of most other v4 APIs.' }),
  ErrorDisplay: z.string().optional().meta({
    description: 'Usually empty; seen on some backend answers, never on a gateway or UserSig failure.',
  }),
  RequestId: z.string().optional().meta({ description: 'Set by newer gateways on some APIs.' }),
};

/**
 * The keys of a failure answer as the gateway sends them, in order: every real gateway and UserSig
 * failure seen carries exactly these (`observed-answers.md`, R1-R6).
 */
export const FAILURE_ENVELOPE_KEYS = ['ActionStatus', 'ErrorCode', 'ErrorInfo'] as const;

/** The success envelope: `{"ErrorCode":0,"ErrorInfo":"OK","Result":[...]}`, newest day first. */
export const SuccessEnvelopeSchema = z
  .looseObject({
    ErrorCode: z.literal(0),
    ErrorInfo: z.string().meta({ example: 'OK' }),
    Result: z.array(PartialDaySchema).meta({ description: 'At most 30 days, newest first.' }),
    ...envelopeExtras,
  })
  .meta({ id: 'SuccessEnvelope' });

/** A success answer. */
export type SuccessEnvelope = z.infer<typeof SuccessEnvelopeSchema>;

/**
 * The failure envelope: a non-zero `ErrorCode` and its `ErrorInfo`. Real gateway failures are exactly
 * `{"ActionStatus":"FAIL","ErrorCode":n,"ErrorInfo":"..."}` ({@link FAILURE_ENVELOPE_KEYS}); the schema
 * also accepts `ErrorDisplay` and `RequestId`, which other v4 answers carry.
 */
export const FailureEnvelopeSchema = z
  .looseObject({
    ErrorCode: z
      .number()
      .int()
      .refine((c) => c !== 0, 'a failure has a non-zero ErrorCode')
      .meta({ description: 'Non-zero: see the error-code catalogue.', example: 70001 }),
    ErrorInfo: z.string().meta({ description: 'The reason; may be empty.', example: 'HTTP parse Error' }),
    ...envelopeExtras,
  })
  .meta({
    id: 'FailureEnvelope',
    description:
      'As the gateway sends it: exactly `ActionStatus`, `ErrorCode`, `ErrorInfo`, in that order. `ErrorDisplay` and `RequestId` may appear on other v4 answers.',
    example: { ActionStatus: 'FAIL', ErrorCode: 60002, ErrorInfo: 'HTTP parse Error' },
  });

/** A failure answer. */
export type FailureEnvelope = z.infer<typeof FailureEnvelopeSchema>;

/** Any answer of the API: success or failure, told apart by `ErrorCode`. */
export const ResponseEnvelopeSchema = z
  .union([SuccessEnvelopeSchema, FailureEnvelopeSchema])
  .meta({ id: 'ResponseEnvelope' });

/** Any answer of the API. */
export type ResponseEnvelope = z.infer<typeof ResponseEnvelopeSchema>;

/** The keys of a day record that are neither catalogue fields nor `Date` (drift from a newer server). */
export function unknownFields(day: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(day).filter((k) => k !== 'Date' && !isFieldName(k));
}
