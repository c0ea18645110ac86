// Writes the OpenAPI document generated from the built package to the path given as the only argument.
import { writeFileSync } from 'node:fs';
import { buildOpenApiDocument } from '../dist/index.js';

const out = process.argv[2];
if (!out) {
  console.error('usage: write-openapi.mjs FILE');
  process.exit(2);
}
writeFileSync(out, `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`);
