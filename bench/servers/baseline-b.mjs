// Baseline B: a bare Fastify 5 server sending a pre-serialized JSON body (a string, read once at
// start-up) of the same bytes as the fake's full answer. With `--buffer`, it sends a Buffer instead.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { announce, benchPath } from './announce.mjs';

const file = process.argv[2];
if (!file) throw new Error('usage: baseline-b.mjs <body-file> [--buffer]');
const raw = readFileSync(file);
const body = process.argv.includes('--buffer') ? raw : raw.toString('utf8');

const app = Fastify({ logger: false });
app.all(benchPath(), (_request, reply) => {
  reply.header('content-type', 'application/json').send(body);
});
const url = await app.listen({ host: '127.0.0.1', port: 0 });
announce(url, () => app.close());
