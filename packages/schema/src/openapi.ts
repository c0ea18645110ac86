import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { ADMIN_TAG, registerAdminPaths } from './admin/openapi.js';
import { ERROR_CODE_LIST, ERROR_CODES } from './error-codes.js';
import { EXAMPLE_FAILURE_RESPONSE, EXAMPLE_FILTERED_RESPONSE, EXAMPLE_FULL_RESPONSE } from './examples.js';
import { GETAPPINFO_PATH, REGION_IDS, REGIONS } from './regions.js';
import { QuerySchema, RequestBodySchema } from './request.js';
import { ResponseEnvelopeSchema } from './response.js';

/** The type of the generated OpenAPI 3.1 document. */
export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

/** The version of the package's API description (follows the package version's major). */
export const OPENAPI_INFO_VERSION = '1.0.0';

/** The OpenAPI type of the registry that {@link createOpenApiRegistry} fills. */
export type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';

/**
 * A new registry holding the getappinfo operation, the control plane of a timock fake (tag
 * {@link ADMIN_TAG}) and their schemas. Add more paths before passing it to {@link buildOpenApiDocument}.
 */
export function createOpenApiRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  const errorTable = ERROR_CODE_LIST.map((c) => {
    const e = ERROR_CODES[c];
    const source = e.text.kind === 'observed' ? `observed (${e.text.ref}, ${e.text.confidence})` : 'defined';
    return `| ${c} | ${e.class} | ${e.retryable ? 'yes' : 'no'} | ${e.meaning} | ${e.info} | ${source} |`;
  }).join('\n');
  registry.registerPath({
    method: 'post',
    path: `/${GETAPPINFO_PATH}`,
    operationId: 'getAppInfo',
    tags: ['getappinfo'],
    summary: "Pull an app's operational data for the last 30 days",
    description: [
      'The app admin pulls operational data for the last 30 days, newest day first, days in Beijing time.',
      'At most 200 calls per second per app. The HTTP status is always 200 unless a network-level error',
      'occurs; the outcome is `ErrorCode` (0 = success) and `ErrorInfo`. A failure is exactly',
      '`{"ActionStatus":"FAIL","ErrorCode":n,"ErrorInfo":"..."}`, as every real gateway failure seen.',
      '',
      'The `ErrorInfo` column is the text timock answers: `observed` texts are word for word from a real',
      "answer (row of the evidence, confidence); `defined` ones are timock's own, no real text having been seen.",
      '',
      '| ErrorCode | class | retryable | meaning | ErrorInfo | text |',
      '|---|---|---|---|---|---|',
      errorTable,
    ].join('\n'),
    request: {
      query: QuerySchema,
      body: {
        required: true,
        description: '`{}` pulls every field.',
        content: { 'application/json': { schema: RequestBodySchema } },
      },
    },
    responses: {
      200: {
        description: 'The answer envelope: success (`ErrorCode` 0) or failure (non-zero `ErrorCode`).',
        content: {
          'application/json': {
            schema: ResponseEnvelopeSchema,
            examples: {
              full: { summary: 'Full pull (`{}`)', value: EXAMPLE_FULL_RESPONSE },
              filtered: {
                summary: 'RequestField: ChainIncrease, ChainDecrease',
                value: EXAMPLE_FILTERED_RESPONSE,
              },
              failure: { summary: 'Gateway-level failure', value: EXAMPLE_FAILURE_RESPONSE },
            },
          },
        },
      },
    },
  });
  registerAdminPaths(registry);
  return registry;
}

/**
 * The OpenAPI 3.1 document of the API, generated from the package's Zod schemas.
 *
 * @param registry - defaults to {@link createOpenApiRegistry}()
 */
export function buildOpenApiDocument(registry: OpenAPIRegistry = createOpenApiRegistry()): OpenApiDocument {
  const generator = new OpenApiGeneratorV31(registry.definitions);
  return generator.generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Tencent Cloud IM REST API: getappinfo',
      version: OPENAPI_INFO_VERSION,
      description:
        "An app's operational data for the last 30 days (`v4/openconfigsvr/getappinfo`), as described by timock.",
    },
    servers: REGION_IDS.map((id) => ({
      url: `https://${REGIONS[id].domain}`,
      description: REGIONS[id].name,
    })),
    tags: [
      { name: 'getappinfo', description: 'Operational data' },
      {
        name: ADMIN_TAG,
        description:
          'The control plane of a timock fake (faults, journal, clock, data): only on the fake, never on the real service.',
      },
    ],
  });
}
