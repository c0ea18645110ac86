import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../openapi.js';
import { ADMIN_OPERATION_IDS, ADMIN_OPERATIONS, NO_INPUT } from './operations.js';
import { ADMIN_PREFIX } from './schemas.js';

describe('ADMIN_OPERATIONS', () => {
  it('holds one operation per method and path, each in the OpenAPI document under its id', () => {
    const doc = buildOpenApiDocument();
    const routes = ADMIN_OPERATION_IDS.map((id) => {
      const op = ADMIN_OPERATIONS[id];
      const item = doc.paths?.[`${ADMIN_PREFIX}${op.path}`] as Record<string, { operationId?: string }>;
      expect(item?.[op.method]?.operationId, id).toBe(id);
      return `${op.method} ${op.path}`;
    });
    expect(new Set(routes).size).toBe(routes.length);
    expect(ADMIN_OPERATION_IDS).toEqual(Object.keys(ADMIN_OPERATIONS));
  });

  it('names the document of every operation that takes a query or a body, for its refusals', () => {
    for (const id of ADMIN_OPERATION_IDS) {
      const op: { query: unknown; body: unknown; input?: string } = ADMIN_OPERATIONS[id];
      const takes = op.query !== NO_INPUT || op.body !== NO_INPUT;
      expect(op.input !== undefined, id).toBe(takes);
    }
  });
});
