import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { logsAt, requestChildLogger, requestLineWriter } from './logging.js';
import { REDACTED } from './redaction.js';

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
