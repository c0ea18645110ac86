import { FIDELITY_PROFILES, FIELD_NAMES, type Fidelity } from '@timock/schema';
import { describe, expect, it } from 'vitest';
import { ALL_FIELDS, fieldMask } from './answers.js';
import { createFieldSetReader, parseRequestField } from './field-sets.js';

const EVIDENCE: Fidelity = FIDELITY_PROFILES.evidence;
const STRICT = FIDELITY_PROFILES.strict;

/** What the field set of a body is without any shortcut or cache. */
function uncached(body: Buffer, fidelity = EVIDENCE): number | undefined {
  const fields = parseRequestField(body, fidelity);
  return fields === undefined ? undefined : fieldMask(fields ?? undefined);
}

const BODIES = [
  '{}',
  ' {}',
  '{ }',
  '{}x',
  '{',
  '}{',
  '',
  '[]',
  'null',
  '{"RequestField":[]}',
  '{"RequestField":["ChainIncrease","ChainDecrease"]}',
  '{"RequestField":["ChainDecrease","ChainIncrease","ChainIncrease"]}',
  '{"RequestField":["Nope"]}',
  '{"RequestField":"AppName"}',
  '{"RequestField":[1]}',
  '{"RequestField":null}',
  '{"Other":1}',
  `{"RequestField":${JSON.stringify(FIELD_NAMES)}}`,
  `{"RequestField":["AppName"],"pad":"${'x'.repeat(2000)}"}`,
  `{"RequestField":["AppName"],"pad":"${'x'.repeat(2000)}`,
  '{"RequestField":["Company"],"note":"caf\u00e9"}',
];

describe('parseRequestField', () => {
  it('reads [] and a null RequestField as every field by default, and refuses them when strict', () => {
    for (const text of ['[]', '{"RequestField":null}', ' [ ] ']) {
      expect({ text, fields: parseRequestField(Buffer.from(text), EVIDENCE) }).toEqual({
        text,
        fields: null,
      });
      expect({ text, fields: parseRequestField(Buffer.from(text), STRICT) }).toEqual({
        text,
        fields: undefined,
      });
    }
  });
  it('refuses other arrays, null and scalars whatever the settings', () => {
    for (const fidelity of [EVIDENCE, STRICT]) {
      for (const text of ['["ChainIncrease"]', '[{}]', 'null', '1', '"{}"', '{"RequestField":[null]}']) {
        expect({ text, fields: parseRequestField(Buffer.from(text), fidelity) }).toEqual({
          text,
          fields: undefined,
        });
      }
    }
  });
});

describe('createFieldSetReader', () => {
  it('gives the same field set as parsing each body afresh, on first and repeated reads', () => {
    for (const fidelity of [EVIDENCE, STRICT]) {
      const read = createFieldSetReader(fidelity);
      for (let round = 0; round < 3; round++) {
        for (const text of BODIES) {
          const body = Buffer.from(text);
          expect({ text, mask: read(body) }).toEqual({ text, mask: uncached(body, fidelity) });
        }
      }
    }
  });

  it('answers the full pull for {} and refuses what is not a Buffer', () => {
    const read = createFieldSetReader(EVIDENCE);
    expect(read(Buffer.from('{}'))).toBe(ALL_FIELDS);
    expect(read('{}')).toBeUndefined();
    expect(read(undefined)).toBeUndefined();
  });

  it('keeps bodies that differ only in bytes apart (no key collision through decoding)', () => {
    const read = createFieldSetReader(EVIDENCE);
    const valid = Buffer.from('{"RequestField":["AppName"]}');
    const broken = Buffer.from(valid);
    broken[17] = 0xff; // an invalid UTF-8 byte inside "AppName"
    expect(read(valid)).toBe(fieldMask(['AppName']));
    expect(read(broken)).toBe(uncached(broken));
    expect(read(broken)).not.toBe(read(valid));
  });

  it('answers right after its entries were evicted by many distinct bodies', () => {
    const read = createFieldSetReader(EVIDENCE);
    const first = Buffer.from('{"RequestField":["AppName"]}');
    expect(read(first)).toBe(fieldMask(['AppName']));
    for (let i = 0; i < 1000; i++) read(Buffer.from(`{"RequestField":["AppName"],"n":${i}}`));
    expect(read(first)).toBe(fieldMask(['AppName']));
  });
});
