import swagger, { type StaticDocumentSpec } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { signUserSig } from '@timock/client';
import { ADMIN_PREFIX, buildOpenApiDocument, GETAPPINFO_PATH, type OpenApiDocument } from '@timock/schema';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { DEMO_APP, type ResolvedAppConfig } from '../options.js';

/** Where the fake serves its OpenAPI document. */
export const OPENAPI_ROUTE = '/openapi.json';

/** Where the fake serves its interactive API reference. */
export const DOCS_ROUTE = '/docs';

/** What {@link docs} needs from the server. */
export interface DocsContext {
  apps: readonly ResolvedAppConfig[];
  now: () => number;
  /** Whether this server serves the admin API (its operations are described only then); default true. */
  admin?: boolean;
}

/** The admin operations as this server serves them: on this server, or not at all when admin is off. */
function servedAdminPaths(document: OpenApiDocument, admin: boolean): void {
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    if (!path.startsWith(`${ADMIN_PREFIX}/`)) continue;
    if (!admin) {
      delete document.paths?.[path];
      continue;
    }
    for (const operation of Object.values(item as Record<string, { servers?: unknown }>))
      delete operation.servers;
  }
}

/** The one app whose key is public, when this server serves it with that key. */
function servedDemoApp(apps: readonly ResolvedAppConfig[]): ResolvedAppConfig | undefined {
  return apps.find((a) => a.sdkappid === DEMO_APP.sdkappid && a.secretKey === DEMO_APP.secretKey);
}

type Parameter = { name: string; in: string; example?: unknown; schema?: { example?: unknown } };

/** Sets a query parameter's example, the value the reference page pre-fills. */
function setExample(document: OpenApiDocument, name: string, value: string): void {
  const operation = document.paths?.[`/${GETAPPINFO_PATH}`]?.post;
  const parameter = (operation?.parameters as Parameter[] | undefined)?.find(
    (p) => p.in === 'query' && p.name === name,
  );
  if (!parameter) return;
  parameter.example = value;
  if (parameter.schema) parameter.schema.example = value;
}

/**
 * The document this server describes itself with: the package's OpenAPI document, with this server as
 * its only server and, when the public demo app is served, a fresh demo UserSig (signed with the
 * server's clock, valid one hour) as the `usersig` example, so the reference page can send a working
 * request. A configured app's key never signs anything here: its UserSig comes from `timock usersig`.
 */
export function servedOpenApiDocument(context: DocsContext): OpenApiDocument {
  const document = buildOpenApiDocument();
  document.servers = [{ url: '/', description: 'this fake' }];
  servedAdminPaths(document, context.admin !== false);
  const demo = servedDemoApp(context.apps);
  const operation = document.paths?.[`/${GETAPPINFO_PATH}`]?.post;
  if (operation) {
    operation.description = `${operation.description ?? ''}\n\n${
      demo
        ? `This page pre-fills a UserSig for the public demo app ${demo.sdkappid}, valid for one hour.`
        : 'Get a UserSig with `timock usersig --sdkappid N --secret-key K --identifier ID`.'
    }`;
  }
  if (demo) {
    setExample(document, 'sdkappid', String(demo.sdkappid));
    const identifier = demo.admins[0];
    if (identifier) {
      setExample(document, 'identifier', identifier);
      setExample(
        document,
        'usersig',
        signUserSig({
          sdkappid: demo.sdkappid,
          secretKey: demo.secretKey,
          identifier,
          lifetimeSeconds: 3600,
          nowMs: context.now(),
        }),
      );
    }
  }
  return document;
}

/**
 * Serves the OpenAPI document at {@link OPENAPI_ROUTE} and a Swagger UI reference at
 * {@link DOCS_ROUTE} (`@fastify/swagger` in static mode, `@fastify/swagger-ui`). The document is built
 * again for each fetch so that the demo UserSig it carries is always fresh.
 */
export const docs = fp(registerDocs, { name: 'timock-docs' });

function registerDocs(server: FastifyInstance, context: DocsContext, done: (err?: Error) => void): void {
  // zod-to-openapi and @fastify/swagger type the same OpenAPI 3.1 document with different libraries.
  const document = buildOpenApiDocument() as unknown as StaticDocumentSpec['document'];
  void server.register(swagger, { mode: 'static', specification: { document } });
  void server.register(swaggerUi, {
    routePrefix: DOCS_ROUTE,
    uiConfig: { tryItOutEnabled: true, displayRequestDuration: true, defaultModelsExpandDepth: 0 },
    transformSpecificationClone: false,
    transformSpecification: () => servedOpenApiDocument(context),
  });
  server.get(OPENAPI_ROUTE, (_request, reply) => {
    void reply.type('application/json').send(servedOpenApiDocument(context));
  });
  done();
}
