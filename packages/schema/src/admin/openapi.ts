import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ADMIN_OPERATIONS, type AdminOperation, NO_INPUT } from './operations.js';
import { ADMIN_PREFIX, AdminErrorSchema } from './schemas.js';

/** The OpenAPI tag of the control plane. */
export const ADMIN_TAG = 'timock admin';

const json = (schema: z.ZodType, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const refusals = {
  401: json(AdminErrorSchema, 'A token is set and the call lacks it (`Authorization: Bearer TOKEN`).'),
  403: json(AdminErrorSchema, 'No token is set and the caller is not on a loopback address.'),
};

/** The OpenAPI request of an operation: only the parts it takes. */
function requestOf(op: AdminOperation): RouteConfig['request'] | undefined {
  const request: NonNullable<RouteConfig['request']> = {};
  if (op.params instanceof z.ZodObject) request.params = op.params;
  if (op.query instanceof z.ZodObject) request.query = op.query;
  if (op.body !== NO_INPUT) request.body = { content: { 'application/json': { schema: op.body } } };
  return Object.keys(request).length > 0 ? request : undefined;
}

/** The answers of an operation: its success, the refusals of every operation, then its own. */
function responsesOf(op: AdminOperation): RouteConfig['responses'] {
  const own = Object.entries(op.answers ?? {}).map(([status, a]) => [
    status,
    json(a.schema ?? AdminErrorSchema, a.description),
  ]);
  return { [op.status]: json(op.response, 'Done.'), ...refusals, ...Object.fromEntries(own) };
}

/**
 * Adds the control plane of a timock fake (`/__admin/...`, tag {@link ADMIN_TAG}) to an OpenAPI registry.
 * The operations name their own server: they exist only on a fake, never on the vendor's domains.
 */
export function registerAdminPaths(registry: OpenAPIRegistry): void {
  const bearer = registry.registerComponent('securitySchemes', 'adminToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'Needed when the fake was started with `--admin-token`.',
  });
  for (const [id, op] of Object.entries(ADMIN_OPERATIONS)) {
    const request = requestOf(op);
    registry.registerPath({
      method: op.method,
      path: `${ADMIN_PREFIX}${op.path}`,
      operationId: id,
      tags: [ADMIN_TAG],
      summary: op.summary,
      servers: [{ url: 'http://127.0.0.1:8080', description: 'a timock fake' }],
      security: [{}, { [bearer.name]: [] }],
      ...(request ? { request } : {}),
      responses: responsesOf(op),
    });
  }
}
