// The fake under test, started through its public API (startServer) in a process of its own.
// argv[2]: JSON of the server options (e.g. apps with a raised rate limit); default: the demo app.
import { startServer } from '@timock/mock-server';
import { announce } from './announce.mjs';

const options = process.argv[2] ? JSON.parse(process.argv[2]) : {};
const mock = await startServer({ host: '127.0.0.1', port: 0, ...options });
announce(mock.url, () => mock.close());
