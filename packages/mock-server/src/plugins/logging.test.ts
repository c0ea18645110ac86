import { painter } from '@timock/terminal';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import {
  jsonErrorReason,
  logsAt,
  REDACTED,
  readableLine,
  redactUrl,
  requestChildLogger,
  requestLineWriter,
} from './logging.js';

const reasonOf = (text: string): string => {
  try {
    JSON.parse(text);
  } catch (error) {
    return jsonErrorReason(error);
  }
  throw new Error('parsed');
};

describe('redactUrl', () => {
  it('hides the value of usersig however its name is written, and nothing else', () => {
    const url = '/v4/x?sdkappid=1&usersig=AAA&USERSIG=BBB&user%73ig=CCC&%75ser%53ig=DDD&identifier=usersig';
    expect(redactUrl(url)).toBe(
      `/v4/x?sdkappid=1&usersig=${REDACTED}&USERSIG=${REDACTED}&user%73ig=${REDACTED}&%75ser%53ig=${REDACTED}&identifier=usersig`,
    );
    expect(redactUrl('/v4/x?usersig%=A&usersigx=B&usersig')).toBe('/v4/x?usersig%=A&usersigx=B&usersig');
    expect(redactUrl('/v4/x')).toBe('/v4/x');
    // Text quoting a URL, as an error message does.
    expect(redactUrl(`'/v4/x%?a=1&usersig=eJx*-_&b=2' is not a valid url component`)).toBe(
      `'/v4/x%?a=1&usersig=${REDACTED}&b=2' is not a valid url component`,
    );
  });
});

describe('redactUrl on plain request URLs', () => {
  it('gives what the general pattern gives, on URLs with and without a UserSig', () => {
    const general = (url: string) => redactUrl(`'${url}'`).slice(1, -1);
    for (const url of [
      '/v4/x?sdkappid=1&identifier=a&usersig=eJx*-_&random=7&contenttype=json',
      '/v4/x?UserSig=A&user%73ig=B&usersig&usersig=&a=b=c&usersig=x=y',
      '/v4/x?a=1&b=2',
      '/v4/x?usersig=A?b=2',
    ]) {
      expect(redactUrl(url)).toBe(general(url));
    }
    expect(redactUrl('/v4/x?usersig=A&b=2')).toBe(`/v4/x?usersig=${REDACTED}&b=2`);
  });
});

describe('jsonErrorReason', () => {
  it('never quotes the text that failed to parse', () => {
    const secret = 'AKIDsecret12345678';
    for (const text of [
      `{"secretKey":"${secret}", "a": x}`,
      `x{"secretKey":"${secret}"}`,
      `{"secretKey":${secret}}`,
      `{"secretKey":"${secret}"`,
      `{"secretKey":"${secret}" "b"}`,
    ]) {
      const reason = reasonOf(text);
      expect(reason).not.toMatch(/AKID|secret|"/);
      expect(reason.length).toBeGreaterThan(0);
    }
  });

  it('keeps the position when the message gives one and quotes nothing', () => {
    expect(reasonOf('{"a":1 "b"}')).toMatch(/in JSON at position 7( \(line 1 column 8\))?$/);
  });
});

describe('logsAt and requestLineWriter', () => {
  const capture = (level: string) => {
    const lines: Record<string, unknown>[] = [];
    const log = pino({ level }, { write: (s: string) => lines.push(JSON.parse(s)) });
    return { log: log as unknown as FastifyBaseLogger, lines };
  };
  const request = { id: 'req-1', method: 'POST', url: '/x?usersig=SECRET&a=1' } as FastifyRequest;

  it("makes a request's child logger only when a line is written through it, with its reqId", () => {
    const { log, lines } = capture('info');
    const child = vi.spyOn(log, 'child');
    const make = (id: string) =>
      requestChildLogger.call(undefined as never, log, { reqId: id }, {}, undefined as never);
    const quiet = make('req-1');
    quiet.debug('below the level');
    expect(logsAt(quiet, 'debug')).toBe(false);
    expect(logsAt(quiet, 'info')).toBe(true);
    expect(quiet.level).toBe('info');
    expect(child).not.toHaveBeenCalled();
    expect(lines).toEqual([]);

    const used = make('req-2');
    used.error({ code: 'X' }, 'unexpected error');
    used.warn('again');
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines).toMatchObject([
      { level: 50, reqId: 'req-2', code: 'X', msg: 'unexpected error' },
      { level: 40, reqId: 'req-2', msg: 'again' },
    ]);
    expect(used.child({ part: 'x' })).toBeDefined();
  });

  it('says whether a level is written, and false for a logger without levels (logging off)', () => {
    const { log } = capture('warn');
    expect(logsAt(log, 'warn')).toBe(true);
    expect(logsAt(log, 'info')).toBe(false);
    expect(logsAt({ info: () => undefined } as unknown as FastifyBaseLogger, 'error')).toBe(false);
  });

  it('writes one line with the UserSig redacted, and nothing at all above info', () => {
    const info = capture('info');
    requestLineWriter(info.log)(request, { sdkappid: '1', identifier: 'a', code: 0 }, 0.12345);
    expect(info.lines).toEqual([
      expect.objectContaining({
        msg: 'request completed',
        reqId: 'req-1',
        url: `/x?usersig=${REDACTED}&a=1`,
        code: 0,
        responseTimeMs: 0.123,
      }),
    ]);
    const warn = capture('warn');
    const url = vi.fn(() => request.url);
    requestLineWriter(warn.log)(
      Object.defineProperty({ ...request }, 'url', { get: url }) as FastifyRequest,
      null,
      1,
    );
    expect(warn.lines).toEqual([]);
    expect(url).not.toHaveBeenCalled();
  });
  it('with plain options, writes the very line pino writes (same keys, same order, same values)', () => {
    const raw = (plainLine: boolean) => {
      const texts: string[] = [];
      const log = pino(
        { level: 'info' },
        { write: (t: string) => texts.push(t) },
      ) as unknown as FastifyBaseLogger;
      const write = requestLineWriter(log, plainLine);
      write(
        request,
        { sdkappid: '1400000000', identifier: 'a"b\\c\u0001', code: 70009, reason: 'it\'s "odd"' },
        0.12345,
      );
      write({ ...request, id: 'req-2', method: 'GET' } as FastifyRequest, { code: 0 }, 2);
      write(request, null, 1);
      // The clock differs between the two runs; everything else must be the same bytes.
      return texts.map((t) => t.replace(/"time":\d+/, '"time":0'));
    };
    const viaPino = raw(false);
    expect(raw(true)).toEqual(viaPino);
    expect(viaPino).toHaveLength(3);
    expect(JSON.parse(viaPino[0]!)).toMatchObject({ identifier: 'a"b\\c\u0001', reason: 'it\'s "odd"' });
  });
});

describe('readableLine', () => {
  const plain = painter(false);
  const at = Date.parse('2026-12-01T03:04:05.678Z');
  const request = (over: Record<string, unknown>) =>
    JSON.stringify({
      level: 30,
      time: at,
      msg: 'request completed',
      method: 'POST',
      url: '/v4/openconfigsvr/getappinfo?sdkappid=1400000000&usersig=[redacted]',
      sdkappid: '1400000000',
      identifier: 'administrator',
      responseTimeMs: 0.432,
      ...over,
    });

  it('writes a request as time, method, path (no query), app, identifier, code, OK or the reason, latency', () => {
    expect(readableLine(request({ code: 0 }), plain)).toBe(
      '03:04:05.678 POST /v4/openconfigsvr/getappinfo 1400000000 administrator 0 OK 0.4 ms',
    );
    expect(readableLine(request({ code: 70009, reason: 'HMAC does not match' }), plain)).toBe(
      '03:04:05.678 POST /v4/openconfigsvr/getappinfo 1400000000 administrator 70009 HMAC does not match 0.4 ms',
    );
  });

  it('colours by outcome: green success, yellow refusal, red 70500', () => {
    const paint = painter(true);
    expect(readableLine(request({ code: 0 }), paint)).toContain('\u001b[32m0 OK');
    expect(readableLine(request({ code: 60010, reason: 'x' }), paint)).toContain('\u001b[33m60010 x');
    expect(readableLine(request({ code: 70500, reason: 'store down' }), paint)).toContain('\u001b[31m70500');
  });

  it('writes other lines as time, level and message, and leaves text that is not JSON as it is', () => {
    expect(
      readableLine(
        JSON.stringify({ level: 50, time: at, msg: 'unexpected error', err: { message: 'boom' } }),
        plain,
      ),
    ).toBe('03:04:05.678 ERROR unexpected error: boom');
    expect(readableLine('not json\n', plain)).toBe('not json');
  });
});
