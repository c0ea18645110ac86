/**
 * The GitHub Actions example in examples/ci-contract: its jobs and schedule, that credentials come only
 * from `${{ secrets.* }}`, and that every command it runs is a valid command line of the real CLIs
 * (checked with the CLI's own parser and flag table, and `timock --help`).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_APP } from '@timock/mock-server';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLI_FLAGS, parseCli } from '../src/cli/args.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const MOCK_SERVER_DIR = dirname(createRequire(import.meta.url).resolve('@timock/mock-server/package.json'));
const source = readFileSync(join(ROOT, 'examples/ci-contract/contract.yml'), 'utf8');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  if?: string;
  'runs-on': string;
  'timeout-minutes'?: number;
  env?: Record<string, string>;
  steps: Step[];
}
const workflow = parse(source) as { on: Record<string, unknown>; jobs: Record<string, Job> };
const { fake, real } = workflow.jobs;

/** The arguments of every call of `command` in a shell script (up to a shell operator). */
function invocations(script: string, command: string): string[][] {
  const words = script.split(/\s+/).filter(Boolean);
  const calls: string[][] = [];
  words.forEach((w, i) => {
    if (w !== command) return;
    const end = words.findIndex((x, j) => j > i && /^(&&|\|\|?|;|&|>|2>&1|>>)$/.test(x));
    calls.push(words.slice(i + 1, end === -1 ? undefined : end).map((x) => x.replace(/^['"]|['"]$/g, '')));
  });
  return calls;
}
const runs = (job: Job | undefined) => (job?.steps ?? []).flatMap((s) => (s.run ? [s] : []));
/** The `${{ secrets.X }}` references in a text. */
const secretRefs = (text: string) => [...text.matchAll(/\$\{\{\s*secrets\.(\w+)\s*\}\}/g)].map((m) => m[1]);
const CREDENTIALS = ['TIM_SDKAPPID', 'TIM_SECRET_KEY', 'TIM_IDENTIFIER', 'TIM_REGION'];

describe('examples/ci-contract/contract.yml', () => {
  it('runs on every push and nightly on a schedule', () => {
    expect(workflow.on).toHaveProperty('push');
    const schedule = workflow.on.schedule as { cron: string }[];
    expect(schedule).toHaveLength(1);
    const [minute, hour, ...rest] = schedule[0]!.cron.split(' ');
    expect(rest).toEqual(['*', '*', '*']);
    expect(Number(minute)).toBeGreaterThanOrEqual(0);
    expect(Number(minute)).toBeLessThan(60);
    expect(Number(hour)).toBeGreaterThanOrEqual(0);
    expect(Number(hour)).toBeLessThan(24);
  });

  it('has a fake job that runs on every event and a real job only on the schedule (or by hand)', () => {
    expect(Object.keys(workflow.jobs).sort()).toEqual(['fake', 'real']);
    expect(fake?.if).toBeUndefined();
    expect(real?.if).toContain("github.event_name == 'schedule'");
    expect(real?.if).not.toContain('push');
    for (const job of [fake!, real!]) expect(job['timeout-minutes']).toBeGreaterThan(0);
  });

  it('takes the credentials only from secrets.* expressions, only in the real job, only as environment variables', () => {
    // No secret in a command line, a job-wide env or the fake job.
    for (const step of [...runs(fake), ...runs(real)]) expect(secretRefs(step.run!)).toEqual([]);
    expect(secretRefs(JSON.stringify(fake))).toEqual([]);
    expect(real?.env).toBeUndefined();
    const envs = real!.steps.flatMap((s) => Object.entries(s.env ?? {}));
    expect(envs.map(([name]) => name).sort()).toEqual([...CREDENTIALS].sort());
    for (const [name, value] of envs) expect(value).toBe(`\${{ secrets.${name} }}`);
    // Every reference in the whole file is one of those four.
    expect(new Set(secretRefs(source))).toEqual(new Set(CREDENTIALS));
  });

  it('runs timock-contract with flags of the real CLI, and valid command lines', () => {
    const flagNames = Object.keys(CLI_FLAGS);
    const calls = [...runs(fake), ...runs(real)].flatMap((s) =>
      invocations(s.run!, 'timock-contract').map((args) => ({ args, env: s.env ?? {} })),
    );
    expect(calls).toHaveLength(2);
    for (const { args } of calls) {
      for (const flag of args.filter((a) => a.startsWith('--'))) expect(flagNames).toContain(flag.slice(2));
    }
    const [onFake, onReal] = calls;
    // The fake job: a strict run against the separately started fake, with its public demo key.
    const fakeCmd = parseCli(onFake!.args, {});
    expect(fakeCmd).toMatchObject({
      kind: 'run',
      reporter: 'junit',
      output: 'contract-fake.xml',
      target: {
        kind: 'mock',
        baseUrl: 'http://127.0.0.1:8080',
        sdkappid: DEMO_APP.sdkappid,
        secretKey: DEMO_APP.secretKey,
      },
    });
    // The real job: a real target from the variables; no key on the command line, never aggressive.
    expect(onReal!.args).not.toContain('--secret-key');
    expect(onReal!.args).not.toContain('--usersig');
    expect(onReal!.args).not.toContain('--aggressive');
    const env = {
      TIM_SDKAPPID: '1400000001',
      TIM_SECRET_KEY: 'k',
      TIM_IDENTIFIER: 'ops',
      TIM_REGION: 'singapore',
    };
    expect(parseCli(onReal!.args, env)).toMatchObject({
      kind: 'run',
      aggressive: false,
      target: { kind: 'real', region: 'singapore', sdkappid: 1400000001, secretKey: 'k', identifier: 'ops' },
    });
    // An unset secret is an empty variable: the run still targets the real service (default region).
    expect(parseCli(onReal!.args, { ...env, TIM_REGION: '' })).toMatchObject({
      target: { kind: 'real', region: undefined },
    });
  });

  it('starts the fake with flags that the timock CLI has, on the port the contract calls', () => {
    const help = execFileSync(process.execPath, ['bin/timock.js', '--help'], {
      cwd: MOCK_SERVER_DIR,
      encoding: 'utf8',
    });
    const calls = runs(fake).flatMap((s) => invocations(s.run!, 'timock'));
    expect(calls).toHaveLength(1);
    const args = calls[0]!;
    for (const flag of args.filter((a) => a.startsWith('--'))) expect(help).toContain(flag);
    expect(args.join(' ')).toContain('--port 8080');
  });
});
