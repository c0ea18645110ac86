import { z } from 'zod';
import { DaySchema, FailureEnvelopeSchema, PartialDaySchema, SuccessEnvelopeSchema } from './response.js';

/** A JSON Schema (draft 2020-12) document. */
export type JsonSchema = Record<string, unknown>;

/**
 * JSON Schemas (draft 2020-12) of a full day record, a partial day record and both envelopes, for tools
 * that do not use Zod.
 */
export function jsonSchemas(): {
  day: JsonSchema;
  partialDay: JsonSchema;
  successEnvelope: JsonSchema;
  failureEnvelope: JsonSchema;
} {
  const opts = { target: 'draft-2020-12', unrepresentable: 'any', io: 'output' } as const;
  return {
    day: z.toJSONSchema(DaySchema, opts),
    partialDay: z.toJSONSchema(PartialDaySchema, opts),
    successEnvelope: z.toJSONSchema(SuccessEnvelopeSchema, opts),
    failureEnvelope: z.toJSONSchema(FailureEnvelopeSchema, opts),
  };
}
