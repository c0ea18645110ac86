import { painter } from '@timock/terminal';
import { describe, expect, it } from 'vitest';
import { readableLine } from './readable-lines.js';

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
