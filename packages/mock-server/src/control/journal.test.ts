import { FIELD_NAMES } from '@timock/schema';
import { describe, expect, it } from 'vitest';
import { fieldMask } from '../api/answers.js';
import { Journal, type JournalRecord } from './journal.js';

const record = (i: number, over: Partial<JournalRecord> = {}): JournalRecord => ({
  nowMs: 1000 * i,
  sdkappid: i % 2 === 0 ? '1400000000' : '1400000001',
  identifier: 'administrator',
  fields: fieldMask(['ChainIncrease', 'ChainDecrease']),
  code: i % 3 === 0 ? 70001 : 0,
  reason: i % 3 === 0 ? 'UserSig expired 5 s ago' : undefined,
  ...over,
});

describe('Journal', () => {
  it('keeps only the newest `capacity` entries, oldest first, with growing sequence numbers', () => {
    const journal = new Journal(4);
    for (let i = 1; i <= 10; i++) journal.write(record(i), 'POST', 200, i / 3, null);
    expect(journal.size).toBe(4);
    const list = journal.list();
    expect(list.map((e) => e.seq)).toEqual([7, 8, 9, 10]);
    expect(list[0]).toEqual({
      seq: 7,
      time: new Date(7000).toISOString(),
      method: 'POST',
      sdkappid: 1400000001,
      identifier: 'administrator',
      fields: ['ChainIncrease', 'ChainDecrease'],
      code: 0,
      status: 200,
      latencyMs: 2.333,
      fault: null,
      reason: null,
    });
    expect(list[2]).toMatchObject({ seq: 9, code: 70001, reason: 'UserSig expired 5 s ago' });
  });

  it('filters by sdkappid, code and since, counts, and keeps the newest `limit`', () => {
    const journal = new Journal(100);
    for (let i = 1; i <= 12; i++) journal.write(record(i), 'POST', 200, 1, i === 12 ? 'f1' : null);
    expect(journal.count({ sdkappid: 1400000000 })).toBe(6);
    expect(journal.list({ code: 70001 }).map((e) => e.seq)).toEqual([3, 6, 9, 12]);
    expect(journal.count({ since: 10_000 })).toBe(3);
    expect(journal.list({ sdkappid: 1400000000, code: 70001, limit: 1 })).toMatchObject([
      { seq: 12, fault: 'f1' },
    ]);
  });

  it('shows unread bodies, full field sets, missing values and dropped answers as such', () => {
    const journal = new Journal(3);
    journal.write(
      record(1, { fields: undefined, code: undefined, sdkappid: 'abc', identifier: undefined }),
      'GET',
      0,
      0,
      'f2',
    );
    journal.write(record(2, { fields: fieldMask([]) }), 'POST', 200, 0, null);
    const [dropped, full] = journal.list();
    expect(dropped).toMatchObject({
      sdkappid: null,
      identifier: null,
      fields: null,
      code: null,
      status: 0,
      fault: 'f2',
    });
    expect(full?.fields).toEqual([...FIELD_NAMES]);
  });

  it('clears, keeps counting, and refuses a size out of range', () => {
    const journal = new Journal(2);
    journal.write(record(1), 'POST', 200, 0, null);
    expect(journal.clear()).toBe(1);
    expect(journal.list()).toEqual([]);
    journal.write(record(2), 'POST', 200, 0, null);
    expect(journal.list().map((e) => e.seq)).toEqual([2]);
    expect(() => new Journal(0)).toThrow(RangeError);
    expect(() => new Journal(100_001)).toThrow(RangeError);
  });
});
