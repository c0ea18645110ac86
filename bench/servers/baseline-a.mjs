// Baseline A: a bare Fastify 5 server answering {"hello":"world"} on the getappinfo route.
import Fastify from 'fastify';
import { announce, benchPath } from './announce.mjs';

const app = Fastify({ logger: false });
app.all(benchPath(), async () => ({ hello: 'world' }));
const url = await app.listen({ host: '127.0.0.1', port: 0 });
announce(url, () => app.close());
