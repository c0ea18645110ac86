import { describe, expect, it } from 'vitest';
import { EXAMPLE_FILTERED_RESPONSE, EXAMPLE_FULL_RESPONSE } from './examples.js';
import { isCountText, isUsualSuccessEnvelope } from './fast-days.js';
import { FIELD_NAMES } from './fields.js';
import { COUNTER_PATTERN, SuccessEnvelopeSchema } from './response.js';

type Json = Record<string, unknown>;
const clone = (v: unknown): Json => JSON.parse(JSON.stringify(v)) as Json;
const day0 = (env: Json): Json => (env.Result as Json[])[0]!;
const NONE: ReadonlySet<string> = new Set();

const setEnv = (key: string, value: unknown) => (e: Json) => {
  e[key] = value;
};
const dropEnv = (key: string) => (e: Json) => {
  delete e[key];
};
const setDay = (key: string, value: unknown) => (e: Json) => {
  day0(e)[key] = value;
};
const dropDay = (key: string) => (e: Json) => {
  delete day0(e)[key];
};
const setFirst = (value: unknown) => (e: Json) => {
  (e.Result as unknown[])[0] = value;
};

/** Changes applied one at a time to a valid envelope (as JSON text would arrive, so no `undefined`). */
const MUTATIONS: Record<string, (env: Json) => void> = {
  'ErrorCode 1': setEnv('ErrorCode', 1),
  'ErrorCode "0"': setEnv('ErrorCode', '0'),
  'no ErrorCode': dropEnv('ErrorCode'),
  'no ErrorInfo': dropEnv('ErrorInfo'),
  'ErrorInfo number': setEnv('ErrorInfo', 0),
  'ActionStatus OK': setEnv('ActionStatus', 'OK'),
  'ActionStatus number': setEnv('ActionStatus', 5),
  'RequestId null': setEnv('RequestId', null),
  'ErrorDisplay array': setEnv('ErrorDisplay', []),
  'extra envelope key': setEnv('Extra', { a: 1 }),
  'Result object': setEnv('Result', {}),
  'Result null': setEnv('Result', null),
  'no Result': dropEnv('Result'),
  'Result empty': setEnv('Result', []),
  'day null': setFirst(null),
  'day array': setFirst([]),
  'no Date': dropDay('Date'),
  'Date month 13': setDay('Date', '20251301'),
  'Date with dashes': setDay('Date', '2025-03-09'),
  'Date number': setDay('Date', 20250309),
  'counter negative': setDay('UpMsgNum', '-1'),
  'counter decimal': setDay('UpMsgNum', '1.5'),
  'counter empty': setDay('UpMsgNum', ''),
  'counter number': setDay('UpMsgNum', 12),
  'counter null': setDay('UpMsgNum', null),
  'counter absent': dropDay('UpMsgNum'),
  'AppName number': setDay('AppName', 123),
  'AppName empty': setDay('AppName', ''),
  'unknown day key': setDay('NewField', '1'),
  '__proto__ day key': setFirst(JSON.parse('{"__proto__":{"x":"1"},"Date":"20250309"}')),
};

describe('isUsualSuccessEnvelope', () => {
  it.each([
    ['full', EXAMPLE_FULL_RESPONSE],
    ['filtered', EXAMPLE_FILTERED_RESPONSE],
  ])('vouches for the %s example, whose days the schema returns unchanged', (_, example) => {
    const env = clone(example);
    expect(isUsualSuccessEnvelope(env, NONE)).toBe(true);
    // The client returns the parsed days when this holds: the schema must not transform them.
    expect(SuccessEnvelopeSchema.parse(clone(example)).Result).toStrictEqual(env.Result);
  });

  it('vouches for a day whatever its key order', () => {
    const env = clone(EXAMPLE_FULL_RESPONSE);
    (env.Result as Json[])[0] = Object.fromEntries(Object.entries(day0(env)).reverse());
    expect(isUsualSuccessEnvelope(env, NONE)).toBe(true);
  });

  it('vouches only when every day has the required fields', () => {
    const all = new Set<string>(FIELD_NAMES);
    const filteredFields = new Set(
      Object.keys(EXAMPLE_FILTERED_RESPONSE.Result[0]!).filter((k) => k !== 'Date'),
    );
    expect(isUsualSuccessEnvelope(clone(EXAMPLE_FULL_RESPONSE), all)).toBe(true);
    expect(isUsualSuccessEnvelope(clone(EXAMPLE_FILTERED_RESPONSE), filteredFields)).toBe(true);
    expect(isUsualSuccessEnvelope(clone(EXAMPLE_FILTERED_RESPONSE), all)).toBe(false);
    const env = clone(EXAMPLE_FULL_RESPONSE);
    delete (env.Result as Json[]).at(-1)!.UpMsgNum;
    expect(isUsualSuccessEnvelope(env, all)).toBe(false);
    expect(isUsualSuccessEnvelope(env, new Set(['AppName']))).toBe(true);
  });

  it.each(Object.keys(MUTATIONS))('never vouches for what the schema refuses: %s', (name) => {
    for (const example of [EXAMPLE_FULL_RESPONSE, EXAMPLE_FILTERED_RESPONSE]) {
      const env = clone(example);
      MUTATIONS[name]!(env);
      const vouched = isUsualSuccessEnvelope(env, NONE);
      const schema = SuccessEnvelopeSchema.safeParse(env);
      if (!schema.success) expect(vouched).toBe(false);
      if (vouched) expect(schema.data?.Result).toStrictEqual(env.Result);
    }
  });

  it('leaves exactly the unusual cases to the schema (which then words the issue)', () => {
    const vouched = Object.keys(MUTATIONS).filter((name) => {
      const env = clone(EXAMPLE_FULL_RESPONSE);
      MUTATIONS[name]!(env);
      return isUsualSuccessEnvelope(env, NONE);
    });
    expect(vouched.sort()).toEqual(
      ['ActionStatus OK', 'AppName empty', 'Result empty', 'counter absent', 'extra envelope key'].sort(),
    );
  });
});

describe('isCountText', () => {
  it.each([
    '0',
    '007',
    '1234567890',
    '',
    ' 1',
    '1 ',
    '1\n',
    '-1',
    '+1',
    '1.5',
    '1e3',
    '12a',
    '\u0661',
    '\u00b2',
    '\uff11',
  ])('agrees with the schema COUNTER_PATTERN on %j', (text) => {
    expect(isCountText(text)).toBe(COUNTER_PATTERN.test(text));
  });
});
