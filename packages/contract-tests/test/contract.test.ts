import { DEMO_APP, signUserSig, startServer } from '@timock/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKS, type ContractReport, formatPretty, runContract } from '../src/index.js';
import { MUTANTS, startMutant } from './mutants.js';

let mock: Awaited<ReturnType<typeof startServer>>;
/** A second fake with the rate limit out of the way: the mutants' suites run back to back. */
let roomy: Awaited<ReturnType<typeof startServer>>;
const target = () => ({
  kind: 'mock' as const,
  baseUrl: mock.url,
  sdkappid: DEMO_APP.sdkappid,
  identifier: 'administrator',
  secretKey: DEMO_APP.secretKey,
});

beforeAll(async () => {
  mock = await startServer({ port: 0 });
  roomy = await startServer({ port: 0, apps: [{ ...DEMO_APP, rateLimitPerSecond: 1_000_000 }] });
});
afterAll(async () => {
  await mock.close();
  await roomy.close();
});

const failing = (r: ContractReport) =>
  r.results.filter((x) => x.outcome === 'fail').map((x) => `${x.id}: ${x.detail}`);

describe('the true fake', () => {
  it('passes every check, the aggressive rate-limit burst included', async () => {
    const report = await runContract(target(), { aggressive: true });
    expect(failing(report)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.results.map((r) => r.id)).toEqual(CHECKS.map((c) => c.id));
    expect(report.counts.pass).toBe(CHECKS.length);
  });

  it('skips the rate-limit burst unless asked', async () => {
    const report = await runContract(target(), { only: ['rate-limit.'] });
    expect(report.results.map((r) => [r.id, r.outcome])).toEqual([['rate-limit.burst', 'skip']]);
  });

  it('runs with a fixed UserSig and skips the checks that need the key', async () => {
    const userSig = signUserSig({
      sdkappid: DEMO_APP.sdkappid,
      secretKey: DEMO_APP.secretKey,
      identifier: 'administrator',
    });
    const { secretKey: _, ...rest } = target();
    const report = await runContract({ ...rest, userSig }, { only: ['auth.', 'shape.envelope'] });
    const outcome = Object.fromEntries(report.results.map((r) => [r.id, r.outcome]));
    expect(outcome).toMatchObject({
      'shape.envelope': 'pass',
      'auth.expired': 'skip',
      'auth.other-identifier': 'skip',
      'auth.other-key': 'pass',
    });
    expect(report.ok).toBe(true);
  });

  it('turns project-defined checks into observations against a real target, but keeps vendor ones strict', async () => {
    const wrongKey = { ...target(), kind: 'real' as const, identifier: 'not_an_admin' };
    const report = await runContract(wrongKey, { only: ['shape.envelope', 'auth.garbage'] });
    const byId = Object.fromEntries(report.results.map((r) => [r.id, r]));
    // The fake answers 60010 (not an app admin) to the shape pull: a vendor-documented failure.
    expect(byId['shape.envelope']?.outcome).toBe('fail');
    expect(byId['auth.garbage']?.outcome).toBe('pass');
  });
});

describe('the fidelity report', () => {
  it("shows, per setting, the value seen beside the fake's and the config that makes the fake match", async () => {
    const strict = await startServer({ port: 0, fidelity: { profile: 'strict', successActionStatus: true } });
    try {
      const asReal = await runContract(
        { ...target(), kind: 'real', baseUrl: strict.url },
        { only: ['fidelity.'] },
      );
      expect(asReal.ok).toBe(true); // differences from a real target are observations
      const byName = Object.fromEntries(asReal.fidelity.map((f) => [f.setting, f]));
      expect(byName.requireRandom).toEqual({
        setting: 'requireRandom',
        behaviour: 'a request without `random`',
        basis: 'observed',
        seen: true,
        fake: false,
        matches: false,
        config: '{"fidelity":{"requireRandom":true}}',
      });
      expect(byName.methodCheck).toMatchObject({ seen: 'first', fake: 'last', matches: false });
      expect(byName.arrayBody).toMatchObject({ seen: 'refuse', fake: 'all-fields' });
      expect(byName.nullRequestField).toMatchObject({ seen: 'refuse', fake: 'all-fields' });
      expect(byName.successActionStatus).toMatchObject({ seen: true, fake: false });
      expect(byName.successRequestId).toMatchObject({ seen: false, fake: false, matches: true });
      expect(byName.includeToday).toMatchObject({ seen: false, matches: true });
      expect(asReal.fidelity).toHaveLength(7);
      expect(asReal.results.filter((r) => r.outcome === 'observation')).toHaveLength(5);
      expect(formatPretty(asReal)).toContain('{"fidelity":{"methodCheck":"first"}}');
      // Told how the fake is set, the same checks pass.
      const told = await runContract(
        { ...target(), baseUrl: strict.url, fidelity: { profile: 'strict', successActionStatus: true } },
        { only: ['fidelity.', 'shape.exact-envelope'] },
      );
      expect(failing(told)).toEqual([]);
      expect(told.fidelity.every((f) => f.matches)).toBe(true);
    } finally {
      await strict.close();
    }
  });
});

const goodQuery = () =>
  new URLSearchParams({
    sdkappid: String(DEMO_APP.sdkappid),
    identifier: 'administrator',
    usersig: signUserSig({
      sdkappid: DEMO_APP.sdkappid,
      secretKey: DEMO_APP.secretKey,
      identifier: 'administrator',
    }),
    random: '1',
    contenttype: 'json',
  });

describe.each(Object.entries(MUTANTS))('mutant: %s', (_name, spec) => {
  const outcome = spec.outcome ?? 'fail';
  it(`is caught by ${spec.check} (${outcome}), and breaks nothing else unexplained`, async () => {
    const mutant = await startMutant(roomy.url, goodQuery, spec.mutation);
    try {
      const report = await runContract({ ...target(), baseUrl: mutant.url }, { aggressive: spec.aggressive });
      const byId = new Map(report.results.map((r) => [r.id, r]));
      const caught = byId.get(spec.check);
      expect(caught?.outcome).toBe(outcome);
      expect(caught?.detail).toMatch(spec.detail);
      for (const id of spec.also ?? []) expect(byId.get(id)?.outcome, id).toBe('fail');
      for (const id of spec.warns ?? []) expect(byId.get(id)?.outcome, id).toBe('warning');
      // Any other failure must be the same break seen by another check, or a check that needs the
      // success envelope that the break spoiled.
      const unexplained = report.results.filter(
        (r) =>
          r.outcome === 'fail' &&
          r.id !== spec.check &&
          !spec.also?.includes(r.id) &&
          !spec.detail.test(r.detail ?? '') &&
          !r.detail?.startsWith('not the success envelope'),
      );
      expect(unexplained.map((r) => `${r.id}: ${r.detail}`)).toEqual([]);
      expect(report.ok).toBe(outcome !== 'fail');
    } finally {
      await mutant.close();
    }
  });
});

describe('the mutants', () => {
  it('give every check of the suite at least one mutant that it must catch', () => {
    const covered = new Set(
      Object.values(MUTANTS).flatMap((m) => [m.check, ...(m.also ?? []), ...(m.warns ?? [])]),
    );
    expect(CHECKS.map((c) => c.id).filter((id) => !covered.has(id))).toEqual([]);
  });
});
