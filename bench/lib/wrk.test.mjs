import { describe, expect, it } from 'vitest';
import {
  luaString,
  parseWrkOutput,
  pickGenerator,
  redactWrkText,
  summarizeWrk,
  WRK_MARKER,
  WRK_TIMEOUT_SEC,
  wrkArgs,
  wrkScript,
} from './wrk.mjs';

const SIG = 'eJw1jUEL*gjAQ-_sig';
const request = (random, body = '{}') => ({
  method: 'POST',
  path: `/v4/openconfigsvr/getappinfo?sdkappid=1&usersig=${encodeURIComponent(SIG)}&random=${random}`,
  headers: { 'content-type': 'application/json' },
  body,
});

describe('pickGenerator', () => {
  it('takes wrk by default when it is installed, autocannon with a note when it is not', () => {
    expect(pickGenerator(undefined, '/usr/bin/wrk')).toEqual({
      generator: { name: 'wrk', path: '/usr/bin/wrk' },
    });
    const fallback = pickGenerator(undefined, undefined);
    expect(fallback.generator).toEqual({ name: 'autocannon' });
    expect(fallback.note).toMatch(/wrk not found.*autocannon/);
  });
  it('follows --generator, and refuses wrk when it is missing', () => {
    expect(pickGenerator('autocannon', '/usr/bin/wrk')).toEqual({ generator: { name: 'autocannon' } });
    expect(pickGenerator('wrk', '/opt/wrk')).toEqual({ generator: { name: 'wrk', path: '/opt/wrk' } });
    expect(() => pickGenerator('wrk', undefined)).toThrow(/not on the PATH/);
  });
});

describe('luaString', () => {
  it('keeps printable ASCII and escapes quotes, backslashes, control and non-ASCII bytes', () => {
    expect(luaString('{"a":1}')).toBe('"{\\034a\\034:1}"');
    expect(luaString('a\\b\r\n')).toBe('"a\\092b\\013\\010"');
    expect(luaString('é')).toBe('"\\195\\169"');
    expect(luaString("x%2By'*")).toBe(`"x%2By'*"`);
  });
});

describe('wrkScript', () => {
  const script = wrkScript({
    urls: ['http://127.0.0.1:4001', 'http://[::1]:4002'],
    requests: [request(1), request(2, 'é')],
  });
  it('gives each thread its own origin and Host header', () => {
    expect(script).toContain('{ host = "127.0.0.1", port = "4001", authority = "127.0.0.1:4001" }');
    expect(script).toContain('{ host = "::1", port = "4002", authority = "[::1]:4002" }');
    expect(script).toMatch(
      /function setup\(thread\)[\s\S]*thread\.addr = wrk\.lookup\(t\.host, t\.port\)\[1\]/,
    );
    expect(script).toContain('local headers = { Host = authority }');
  });
  it('prebuilds every request once with wrk.format and cycles them', () => {
    expect(script).toContain(`path = ${luaString(request(1).path)}`);
    expect(script).toContain(`path = ${luaString(request(2).path)}`);
    expect(script).toContain('body = "\\195\\169"');
    expect(script).toContain('["content-type"] = "application/json"');
    expect(script).toContain('prebuilt[i] = wrk.format(s.method, s.path, headers, s.body)');
    expect(script).toMatch(/function request\(\)\s+n = n % #prebuilt \+ 1\s+return prebuilt\[n\]/);
  });
  it('prints wrk’s own figures after the marker, then waits for stdin', () => {
    expect(script).toContain(`'${WRK_MARKER}{"durationUs":%.0f`);
    expect(script).toContain('latency:percentile(99)');
    expect(script).toContain('e.connect, e.read, e.write, e.status, e.timeout');
    expect(script.indexOf('io.flush()')).toBeLessThan(script.indexOf('io.read("*l")'));
  });
  it('refuses a load with no origin or no request', () => {
    expect(() => wrkScript({ urls: [], requests: [request(1)] })).toThrow(/no origin/);
    expect(() => wrkScript({ urls: ['http://127.0.0.1:1'], requests: [] })).toThrow(/no request/);
  });
});

describe('wrkArgs', () => {
  it('runs one thread per origin, the connections split over them, whole seconds', () => {
    const one = wrkArgs({ scriptPath: 's.lua', urls: ['http://a:1'], connections: 50, seconds: 5 });
    expect(one.args).toEqual([
      '-t1',
      '-c50',
      '-d5s',
      '--timeout',
      `${WRK_TIMEOUT_SEC}s`,
      '-s',
      's.lua',
      'http://a:1',
    ]);
    const two = wrkArgs({
      scriptPath: 's',
      urls: ['http://a:1', 'http://a:2'],
      connections: 50,
      seconds: 0.5,
    });
    expect(two.args.slice(0, 3)).toEqual(['-t2', '-c50', '-d1s']);
    expect(two.args.at(-1)).toBe('http://a:1');
  });
  it('rounds the connections down to a multiple of the threads, and refuses fewer than the threads', () => {
    const three = wrkArgs({
      scriptPath: 's',
      urls: ['http://a:1', 'http://a:2', 'http://a:3'],
      connections: 50,
      seconds: 2.5,
    });
    expect(three).toMatchObject({ connections: 48, threads: 3 });
    expect(three.args.slice(0, 3)).toEqual(['-t3', '-c48', '-d3s']);
    expect(() =>
      wrkArgs({ scriptPath: 's', urls: ['http://a:1', 'http://a:2'], connections: 1, seconds: 1 }),
    ).toThrow(/1 connections for 2 origins/);
  });
});

const RAW = {
  durationUs: 2_000_000,
  requests: 60_000,
  bytes: 60_000 * 24_300,
  errors: { connect: 0, read: 2, write: 1, status: 5, timeout: 3 },
  latencyUs: { min: 90, mean: 1234.5, stdev: 400, max: 25_000, p50: 1100, p90: 1800, p99: 4200 },
};
const STDOUT = `Running 2s test @ http://127.0.0.1:4001\n  1 threads and 50 connections\nRequests/sec: 30000.00\n${WRK_MARKER}${JSON.stringify(RAW)}\n`;

describe('parseWrkOutput', () => {
  it('reads the JSON line after wrk’s own report', () => {
    expect(parseWrkOutput(STDOUT)).toEqual(RAW);
  });
  it('is undefined while the line is missing or not complete', () => {
    expect(parseWrkOutput('Running 2s test\n')).toBeUndefined();
    expect(parseWrkOutput(STDOUT.slice(0, -10))).toBeUndefined();
  });
});

describe('summarizeWrk', () => {
  it('gives the fields of an autocannon summary from wrk’s counters', () => {
    expect(summarizeWrk(RAW)).toEqual({
      durationSec: 2,
      requests: 60_000,
      rps: 30_000,
      latencyMs: { mean: 1.2345, p50: 1.1, p90: 1.8, p99: 4.2, max: 25 },
      bytesPerResponse: 24_300,
      non2xx: 5,
      errors: 6,
      timeouts: 3,
    });
  });
  it('has no rate and no answer size without answers', () => {
    const none = summarizeWrk({ ...RAW, requests: 0, bytes: 0, durationUs: 0 });
    expect(none.rps).toBeNaN();
    expect(none.bytesPerResponse).toBe(0);
  });
});

describe('redactWrkText', () => {
  it('removes the UserSig of the requests, encoded or not, and any usersig= value', () => {
    const text = `near '${SIG}' and ${encodeURIComponent(SIG)} and /p?usersig=other&x=1`;
    const out = redactWrkText(text, [request(1)]);
    expect(out).not.toContain(SIG);
    expect(out).not.toContain(encodeURIComponent(SIG));
    expect(out).not.toContain('other');
    expect(out).toBe("near '[redacted]' and [redacted] and /p?usersig=[redacted]&x=1");
  });
});
