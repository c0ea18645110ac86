import {
  COUNTER_PATTERN,
  EXAMPLE_FILTERED_RESPONSE,
  EXAMPLE_FULL_RESPONSE,
  FIELD_NAMES,
  SuccessEnvelopeSchema,
} from '@timock/schema';
import { describe, expect, it } from 'vitest';
import { isCountText, isUsualSuccessEnvelope } from './fast-days.js';

type Json = Record<string, unknown>;
const clone = (v: unknown): Json => JSON.parse(JSON.stringify(v)) as Json;
const day0 = (env: Json): Json => (env.Result as Json[])[0]!;
const NONE: ReadonlySet<string> = new Set();

/** Changes applied one at a time to a valid envelope (as JSON text would arrive, so no `undefined`). */
const MUTATIONS: Record<string, (env: Json) => void> = {
  'ErrorCode 1': (e) => {
    e.ErrorCode = 1;
  },
  'ErrorCode "0"': (e) => {
    e.ErrorCode = '0';
  },
  'no ErrorCode': (e) => {
    delete e.ErrorCode;
  },
  'no ErrorInfo': (e) => {
    delete e.ErrorInfo;
  },
  'ErrorInfo number': (e) => {
    e.ErrorInfo = 0;
  },
  'ActionStatus OK': (e) => {
    e.ActionStatus = 'OK';
  },
  'ActionStatus number': (e) => {
    e.ActionStatus = 5;
  },
  'RequestId null': (e) => {
    e.RequestId = null;
  },
  'ErrorDisplay array': (e) => {
    e.ErrorDisplay = [];
  },
  'extra envelope key': (e) => {
    e.Extra = { a: 1 };
  },
  'Result object': (e) => {
    e.Result = {};
  },
  'Result null': (e) => {
    e.Result = null;
  },
  'no Result': (e) => {
    delete e.Result;
  },
  'Result empty': (e) => {
    e.Result = [];
  },
  'day null': (e) => {
    (e.Result as unknown[])[0] = null;
  },
  'day array': (e) => {
    (e.Result as unknown[])[0] = [];
  },
  'no Date': (e) => {
    delete day0(e).Date;
  },
  'Date month 13': (e) => {
    day0(e).Date = '20251301';
  },
  'Date with dashes': (e) => {
    day0(e).Date = '2025-03-09';
  },
  'Date number': (e) => {
    day0(e).Date = 20250309;
  },
  'counter negative': (e) => {
    day0(e).UpMsgNum = '-1';
  },
  'counter decimal': (e) => {
    day0(e).UpMsgNum = '1.5';
  },
  'counter empty': (e) => {
    day0(e).UpMsgNum = '';
  },
  'counter number': (e) => {
    day0(e).UpMsgNum = 12;
  },
  'counter null': (e) => {
    day0(e).UpMsgNum = null;
  },
  'counter absent': (e) => {
    delete day0(e).UpMsgNum;
  },
  'AppName number': (e) => {
    day0(e).AppName = 123;
  },
  'AppName empty': (e) => {
    day0(e).AppName = '';
  },
  'unknown day key': (e) => {
    day0(e).NewField = '1';
  },
  '__proto__ day key': (e) => {
    (e.Result as unknown[])[0] = JSON.parse('{"__proto__":{"x":"1"},"Date":"20250309"}');
  },
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
