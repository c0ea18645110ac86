import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { jsonSchemas } from './json-schema.js';
import { buildOpenApiDocument } from './openapi.js';
import { ResponseEnvelopeSchema } from './response.js';

const committed = JSON.parse(readFileSync(new URL('../openapi/openapi.json', import.meta.url), 'utf8'));

describe('OpenAPI document', () => {
  const doc = buildOpenApiDocument();

  it('equals the committed copy (run `pnpm --filter @timock/schema openapi:write` after a schema change)', () => {
    expect(JSON.parse(JSON.stringify(doc))).toEqual(committed);
  });

  it('is valid OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(JSON.stringify(doc)));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('describes the five query parameters and the operation', () => {
    const op = doc.paths?.['/v4/openconfigsvr/getappinfo']?.post;
    const params = (op?.parameters ?? []) as { name: string; required?: boolean }[];
    expect(params.map((p) => [p.name, p.required])).toEqual([
      ['sdkappid', true],
      ['identifier', true],
      ['usersig', true],
      ['random', true],
      ['contenttype', true],
    ]);
  });

  it('has examples that the schemas accept', () => {
    const content = doc.paths?.['/v4/openconfigsvr/getappinfo']?.post?.responses?.['200']?.content;
    const examples = Object.values(content?.['application/json']?.examples ?? {}) as { value: unknown }[];
    expect(examples).toHaveLength(3);
    for (const ex of examples) expect(ResponseEnvelopeSchema.safeParse(ex.value).success).toBe(true);
  });
});

describe('JSON Schemas', () => {
  it('are draft 2020-12 documents for a day and both envelopes', () => {
    const s = jsonSchemas();
    for (const schema of Object.values(s)) {
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    }
    expect(JSON.stringify(s.day)).toContain('GroupAllGroupNum');
  });
});
