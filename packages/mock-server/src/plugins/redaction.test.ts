import { describe, expect, it } from 'vitest';
import { jsonErrorReason, REDACTED, redactUrl } from './redaction.js';

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
