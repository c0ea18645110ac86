import { describe, expect, it } from 'vitest';
import { fieldMask } from '../api/answers.js';
import { isControlError } from '../errors.js';
import { FaultRules, parseFaultHeader } from './faults.js';

const PATH = '/v4/openconfigsvr/getappinfo';
const target = (sdkappid = '1400000000', identifier = 'administrator') => ({
  sdkappid,
  identifier,
  path: PATH,
});

describe('FaultRules', () => {
  it('fires on the next `times` matching calls only, counting them', () => {
    const rules = new FaultRules(() => 0);
    const { id } = rules.add({ errorCode: 130011, times: 2, sdkappid: 1400000000 });
    expect(rules.armed).toBe(true);
    expect(rules.fire(target('1400000001'))).toBeUndefined();
    expect(rules.fire(target())?.errorCode).toBe(130011);
    expect(rules.fire(target())).toMatchObject({ id, errorCode: 130011, delayMs: 0, drop: false });
    expect(rules.fire(target())).toBeUndefined();
    expect(rules.armed).toBe(false);
    expect(rules.list()).toMatchObject([{ id, fired: 2, active: false }]);
  });

  it('matches identifier and path, and judges `fields` rules only once the body is read', () => {
    const rules = new FaultRules(() => 0);
    rules.add({ httpStatus: 502, identifier: 'ops' });
    rules.add({ drop: true, path: '/elsewhere' });
    rules.add({ truncate: true, fields: ['ChainIncrease'] });
    expect(rules.armedForBody).toBe(true);
    expect(rules.fire(target())).toBeUndefined();
    expect(rules.fire(target('1400000000', 'ops'))?.httpStatus).toBe(502);
    expect(rules.fire({ ...target(), fields: fieldMask(['ActiveUserNum']) })).toBeUndefined();
    expect(rules.fire({ ...target(), fields: fieldMask([]) })?.truncate).toBe(true);
    expect(rules.fire({ ...target(), fields: fieldMask(['ChainDecrease', 'ChainIncrease']) })?.truncate).toBe(
      true,
    );
  });

  it('draws probabilities from a seeded source: the same seed fires on the same calls', () => {
    const pattern = (seed: number) => {
      const rules = new FaultRules(() => 0);
      rules.add({ errorCode: 70169, probability: 0.25, seed });
      return Array.from({ length: 2000 }, () => (rules.fire(target()) ? 1 : 0)).join('');
    };
    const a = pattern(7);
    expect(pattern(7)).toBe(a);
    expect(pattern(8)).not.toBe(a);
    const fired = [...a].filter((c) => c === '1').length;
    expect(fired).toBeGreaterThan(400); // 2000 x 0.25 = 500 expected; fixed by the seed
    expect(fired).toBeLessThan(600);
  });

  it('draws delays in [min, max] and stops after `seconds` of server time', () => {
    let now = 0;
    const rules = new FaultRules(() => now);
    rules.add({ delayMs: [100, 110], seconds: 2 });
    const delays = new Set<number>();
    for (let i = 0; i < 200; i++) delays.add(rules.fire(target())!.delayMs);
    expect(Math.min(...delays)).toBe(100);
    expect(Math.max(...delays)).toBe(110);
    now = 1999;
    expect(rules.fire(target())).toBeDefined();
    now = 2000;
    expect(rules.fire(target())).toBeUndefined();
    expect(rules.armed).toBe(false);
    expect(rules.list()[0]).toMatchObject({
      active: false,
      expiresAt: '1970-01-01T00:00:02.000Z',
      fired: 201,
    });
  });

  it('removes one rule or all, and refuses bad rules and unknown ids with a ControlError', () => {
    const rules = new FaultRules(() => 0);
    const a = rules.add({ errorCode: 60007 });
    rules.add({ errorCode: 70500 });
    expect(rules.remove(a.id)).toBe(1);
    expect(rules.fire(target())?.errorCode).toBe(70500);
    expect(rules.remove()).toBe(1);
    expect(rules.fire(target())).toBeUndefined();
    const bad = (() => {
      try {
        rules.add({ errorCode: 130011, httpStatus: 502 });
      } catch (e) {
        return e;
      }
    })();
    expect(isControlError(bad) && bad.code).toBe('TIMOCK_INVALID_INPUT');
    expect(() => rules.remove('f99')).toThrow(expect.objectContaining({ code: 'TIMOCK_UNKNOWN_FAULT' }));
  });
});

describe('parseFaultHeader', () => {
  it('reads each kind and combinations', () => {
    expect(parseFaultHeader('code=130011')).toMatchObject({ id: 'header', errorCode: 130011, delayMs: 0 });
    expect(parseFaultHeader('status=502')).toMatchObject({ httpStatus: 502 });
    expect(parseFaultHeader('delay=200; code=70169')).toMatchObject({ delayMs: 200, errorCode: 70169 });
    expect(parseFaultHeader('delay=100-300', () => 0.5)).toMatchObject({ delayMs: 200 });
    expect(parseFaultHeader('drop')).toMatchObject({ drop: true });
    expect(parseFaultHeader('truncate')).toMatchObject({ truncate: true });
  });

  it('explains what it cannot use', () => {
    expect(parseFaultHeader('code=abc')).toMatch(/cannot read "code=abc"/);
    expect(parseFaultHeader('code=123')).toMatch(/catalogue/);
    expect(parseFaultHeader('status=200')).toBeTypeOf('string');
    expect(parseFaultHeader('drop,truncate')).toMatch(/at most one/);
    expect(parseFaultHeader('delay=300-100')).toMatch(/min <= max/);
  });
});
