import { describe, expect, it } from 'vitest';
import { EXAMPLE_FULL_RESPONSE } from './examples.js';
import { FIELD_NAMES } from './fields.js';
import { judgeAnswer, requestedFields } from './judge.js';

const day = EXAMPLE_FULL_RESPONSE.Result[0];
/** Noon of the example's day, Beijing time. */
const now = Date.parse(`${day.Date.slice(0, 4)}-${day.Date.slice(4, 6)}-${day.Date.slice(6)}T12:00:00+08:00`);
const judge = (json: unknown, requestBody = '{}', extra: { status?: number; contentType?: string } = {}) =>
  judgeAnswer({
    requestBody,
    status: extra.status ?? 200,
    contentType: extra.contentType ?? 'application/json',
    body: JSON.stringify(json),
    now,
  });
const checksOf = (j: ReturnType<typeof judge>) => j.violations.map((v) => v.check);

describe('requestedFields', () => {
  it('reads every form of a full pull, the known names of a list, and nothing from a bad body', () => {
    for (const body of ['{}', '[]', '{"RequestField":[]}', '{"RequestField":null}', '{"t":1}'])
      expect(requestedFields(body)).toEqual([...FIELD_NAMES]);
    expect(requestedFields('{"RequestField":["ChainIncrease","NoSuch"]}')).toEqual(['ChainIncrease']);
    for (const body of ['', '{', '7', '[1]', '{"RequestField":"x"}', '{"RequestField":[1]}'])
      expect(requestedFields(body)).toBeUndefined();
  });
});

describe('judgeAnswer', () => {
  it('passes the documented example and observes its fidelity values', () => {
    const j = judge(EXAMPLE_FULL_RESPONSE);
    expect(j.violations).toEqual([]);
    expect(j.kind).toBe('success');
    expect(j.checked).toContain('relations.day');
    expect(j.observations).toEqual({
      successActionStatus: null,
      successRequestId: false,
      includeToday: true,
    });
  });

  it('names each broken check and its field', () => {
    const bad = {
      ...EXAMPLE_FULL_RESPONSE,
      Extra: 1,
      Result: [{ ...day, ActiveUserNum: 2014, QQ: '1' }],
    };
    const j = judge(bad);
    expect(j.violations).toEqual([
      {
        check: 'shape.values',
        field: 'ActiveUserNum',
        detail: 'Result[0].ActiveUserNum: Invalid input: expected string, received number',
      },
    ]);
    expect(judge({ ...bad, Result: [{ ...day, QQ: '1' }] }).drift).toEqual({
      unknownFields: ['QQ'],
      envelopeKeys: ['Extra'],
    });
  });

  it('checks the fields against the request, the order and the transport', () => {
    const two = { ChainIncrease: '1', Date: day.Date };
    const j = judge(
      { ...EXAMPLE_FULL_RESPONSE, Result: [two, { ...two, AppName: 'x', Date: '20160601' }] },
      '{"RequestField":["ChainIncrease"]}',
      {
        contentType: 'text/plain',
      },
    );
    expect(j.violations.map((v) => [v.check, v.field])).toEqual([
      ['shape.http', undefined],
      ['shape.order', 'Date'],
      ['filtering', 'AppName'],
    ]);
    expect(checksOf(judge({ ...EXAMPLE_FULL_RESPONSE, Result: [two] }))).toEqual(['filtering']);
  });

  it('judges a refusal by the failure envelope and records its text', () => {
    const j = judge({ ActionStatus: 'FAIL', ErrorCode: 70003, ErrorInfo: 'bad', ErrorDisplay: '' });
    expect(j.kind).toBe('failure');
    expect(j.violations).toEqual([]);
    expect(j.observations.refusal).toEqual({ code: 70003, text: 'bad' });
    expect(j.drift.envelopeKeys).toEqual(['ErrorDisplay']);
    expect(checksOf(judge({ ErrorCode: '0' }))).toEqual(['shape.envelope']);
    expect(
      judgeAnswer({ requestBody: '{}', status: 502, contentType: '', body: '<html>' }).violations,
    ).toHaveLength(2);
  });
});
