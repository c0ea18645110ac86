import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { UserSigDocumentSchema, userSigContent } from './usersig.js';

const KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
const sig = (content: string) => createHmac('sha256', KEY).update(content).digest('base64');

describe('UserSig content', () => {
  it('reproduces the reference test vectors', () => {
    expect(sig(userSigContent('xiaojun', 1400000000, 1600000000, 15552000))).toBe(
      '1Z5PngDjGaufeSiPoBuxdHY7EK3JTdAjMP93S4KvV3M=',
    );
    expect(sig(userSigContent('administrator', 1400000000, 1600000000, 15552000))).toBe(
      'Kdre1b5wdOGAspZciCW+BEYQVec8wjj+14/ZlFdiZwk=',
    );
    const userbuf = Buffer.from('abc').toString('base64');
    expect(sig(userSigContent('xiaojun', 1400000000, 1600000000, 15552000, userbuf))).toBe(
      '9tvdyuu11RSxrIwX0xC05oW7LdPxVnzkzBpcRT/UqfM=',
    );
  });

  it('describes the document inside a UserSig from the official package', () => {
    const require = createRequire(import.meta.url);
    const TLSSigAPIv2 = require('tls-sig-api-v2');
    const api = new TLSSigAPIv2.Api(1400000000, KEY);
    const userSig: string = api.genSig('administrator', 86400);
    const b64 = userSig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
    const doc = UserSigDocumentSchema.parse(JSON.parse(inflateSync(Buffer.from(b64, 'base64')).toString()));
    expect(doc['TLS.identifier']).toBe('administrator');
    expect(doc['TLS.expire']).toBe(86400);
    expect(doc['TLS.sig']).toBe(sig(userSigContent('administrator', 1400000000, doc['TLS.time'], 86400)));
    expect(UserSigDocumentSchema.safeParse({ ...doc, 'TLS.time': String(doc['TLS.time']) }).success).toBe(
      false,
    );
    expect(UserSigDocumentSchema.safeParse({ ...doc, 'TLS.ver': '1.0' }).success).toBe(false);
  });
});
