// Baseline C: plain node:http writing the same bytes as a pre-encoded Buffer: the practical limit of
// the machine for this payload.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { announce } from './announce.mjs';

const file = process.argv[2];
if (!file) throw new Error('usage: baseline-c.mjs <body-file>');
const body = readFileSync(file);
const headers = { 'content-type': 'application/json', 'content-length': String(body.length) };

const server = createServer((_req, res) => {
  res.writeHead(200, headers);
  res.end(body);
});
server.listen(0, '127.0.0.1', () => {
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  announce(`http://127.0.0.1:${port}`, () => new Promise((resolve) => server.close(resolve)));
});
