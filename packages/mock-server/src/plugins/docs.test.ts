import { buildOpenApiDocument, GETAPPINFO_PATH } from '@timock/schema';
import { describe, expect, it } from 'vitest';
import { DEMO_APP, type ServerOptions } from '../options.js';
import { buildServer } from '../server.js';
import { DOCS_ROUTE, OPENAPI_ROUTE } from './docs.js';

const T = Date.parse('2025-03-10T04:00:00Z');
type Param = { name: string; example?: string; schema?: { example?: string } };

async function servedDocument(options: ServerOptions) {
  const server = buildServer(options);
  const res = await server.inject({ method: 'GET', url: OPENAPI_ROUTE });
  await server.close();
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const document = res.json() as ReturnType<typeof buildOpenApiDocument>;
  const parameters = document.paths?.[`/${GETAPPINFO_PATH}`]?.post?.parameters as Param[];
  const example = (name: string) => parameters.find((p) => p.name === name)?.example;
  return { document, example, text: res.body };
}

describe('served documentation', () => {
  it('serves the package document with this server as its only server', async () => {
    const { document } = await servedDocument({ now: () => T });
    const reference = buildOpenApiDocument();
    expect(document.servers).toEqual([{ url: '/', description: 'this fake' }]);
    expect(Object.keys(document.paths ?? {})).toEqual(Object.keys(reference.paths ?? {}));
    expect(document.components).toEqual(reference.components);
  });

  it('describes the admin operations on this server, and none when the admin API is off', async () => {
    const { document } = await servedDocument({ now: () => T });
    const health = document.paths?.['/__admin/health']?.get as { servers?: unknown } | undefined;
    expect(health).toBeDefined();
    expect(health?.servers).toBeUndefined();
    const off = await servedDocument({ now: () => T, admin: false });
    expect(Object.keys(off.document.paths ?? {}).filter((p) => p.startsWith('/__admin'))).toEqual([]);
  });

  it('pre-fills a UserSig for the public demo app that the server accepts, signed on its clock', async () => {
    const { example } = await servedDocument({ now: () => T });
    expect(example('sdkappid')).toBe(String(DEMO_APP.sdkappid));
    const usersig = example('usersig');
    expect(usersig).toBeTypeOf('string');

    const server = buildServer({ now: () => T + 30 * 60_000 });
    const query = new URLSearchParams({
      sdkappid: String(DEMO_APP.sdkappid),
      identifier: 'administrator',
      usersig: usersig!,
      random: '1',
      contenttype: 'json',
    });
    const res = await server.inject({ method: 'POST', url: `/${GETAPPINFO_PATH}?${query}`, payload: '{}' });
    expect(res.json()).toMatchObject({ ErrorCode: 0 });
    // One hour of life: expired 61 minutes after the clock that signed it.
    const later = buildServer({ now: () => T + 61 * 60_000 });
    const expired = await later.inject({
      method: 'POST',
      url: `/${GETAPPINFO_PATH}?${query}`,
      payload: '{}',
    });
    expect(expired.json()).toMatchObject({ ErrorCode: 70001 });
    await Promise.all([server.close(), later.close()]);
  });

  it('never signs with a configured key: no UserSig example, the key appears nowhere', async () => {
    const app = { sdkappid: 1400000042, secretKey: 'a-private-key-of-a-user', admins: ['ops'] };
    const { example, text } = await servedDocument({ apps: [app] });
    expect(example('usersig')).toBeUndefined();
    expect(text).not.toContain(app.secretKey);
    expect(text).toContain('timock usersig');
  });

  it('serves the reference page, and neither route when docs are off', async () => {
    const on = buildServer();
    const page = await on.inject({ method: 'GET', url: DOCS_ROUTE });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const off = buildServer({ docs: false });
    for (const url of [DOCS_ROUTE, OPENAPI_ROUTE]) {
      const res = await off.inject({ method: 'GET', url });
      expect(res.json()).toMatchObject({ ErrorCode: 60009 });
    }
    await Promise.all([on.close(), off.close()]);
  });
});
