// The rows of the benchmark: what each starts, what it is sent, and how its answers are checked.

/**
 * @typedef {object} Row
 * @property {string} id
 * @property {string} label
 * @property {() => Promise<import('./procs.mjs').RunningServer>} start
 * @property {object[]} requests  cycled by every connection
 * @property {(s: { status: number, body: Buffer, json: any }) => string | undefined} check  problem, if any
 * @property {number} bodyBytes  expected body size of every answer
 * @property {boolean} [redis]    needs redis-server
 */

/** The rows of a default run, in order. */
export const DEFAULT_ROWS = [
  'calibration',
  'baseline-a',
  'baseline-b',
  'baseline-c',
  'timock',
  'timock-silent',
  'fake-api',
  'timock-two',
  'redis-1',
  'redis-2',
  'proxy',
];

/** Every row `--rows` may name: the default ones and those run only on request. */
export const ROW_IDS = [...DEFAULT_ROWS, 'baseline-b-buffer', 'timock-warn', 'timock-invalid'];

/**
 * A check that an answer is HTTP 200 with `ErrorCode` `code` and exactly `bytes` of body.
 * @param {number} code
 * @param {number} bytes
 */
export const expectCode = (code, bytes) => (s) => {
  if (s.status !== 200) return `HTTP ${s.status}`;
  if (s.json?.ErrorCode !== code)
    return `expected ErrorCode ${code}, got ${s.json?.ErrorCode} (${s.json?.ErrorInfo})`;
  if (s.body.length !== bytes) return `body of ${s.body.length} bytes, expected ${bytes}`;
  return undefined;
};

/**
 * A check that an answer is exactly `body`.
 * @param {Buffer} body
 */
const expectBytes = (body) => (s) =>
  s.status === 200 && s.body.equals(body) ? undefined : `unexpected answer HTTP ${s.status} ${s.body}`;

/**
 * Every row of one run, by id.
 * @param {{
 *   servers: ReturnType<import('./servers.mjs').createServers>,
 *   requests: ReturnType<import('./fixtures.mjs').benchRequests>,
 *   bodies: { full: Buffer, two: Buffer, invalid: Buffer, hello: Buffer },
 *   files: { full: string, hello: string },
 *   fakeOptions: string,
 * }} ctx
 * @returns {Record<string, Row>}
 */
export function createRows({ servers, requests, bodies, files, fakeOptions }) {
  const full = {
    requests: requests.full,
    check: expectCode(0, bodies.full.length),
    bodyBytes: bodies.full.length,
  };
  const hello = { requests: requests.full, check: expectBytes(bodies.hello), bodyBytes: bodies.hello.length };
  /** @type {Record<string, Omit<Row, "id">>} */
  const rows = {
    calibration: {
      label: '0  calibration: node:http, 17-byte answer',
      start: () => servers.script('baseline-c.mjs', [files.hello]),
      ...hello,
    },
    'baseline-a': {
      label: 'A  Fastify hello world',
      start: () => servers.script('baseline-a.mjs'),
      ...hello,
    },
    'baseline-b': {
      label: 'B  Fastify, same bytes as a string',
      start: () => servers.script('baseline-b.mjs', [files.full]),
      ...full,
    },
    'baseline-b-buffer': {
      label: 'B2 Fastify, same bytes as a Buffer',
      start: () => servers.script('baseline-b.mjs', [files.full, '--buffer']),
      ...full,
    },
    'baseline-c': {
      label: 'C  node:http, same bytes as a Buffer',
      start: () => servers.script('baseline-c.mjs', [files.full]),
      ...full,
    },
    timock: { label: 'timock (default flags, output to a file)', start: () => servers.timock(), ...full },
    'timock-silent': {
      label: 'timock --log-level silent',
      start: () => servers.timock(['--log-level', 'silent']),
      ...full,
    },
    'timock-warn': {
      label: 'timock --log-level warn',
      start: () => servers.timock(['--log-level', 'warn']),
      ...full,
    },
    'fake-api': {
      label: 'startServer() in a process of its own',
      start: () => servers.script('fake.mjs', [fakeOptions]),
      ...full,
    },
    'timock-two': {
      label: 'timock, two-field pull (default flags)',
      start: () => servers.timock(),
      requests: requests.two,
      check: expectCode(0, bodies.two.length),
      bodyBytes: bodies.two.length,
    },
    'timock-invalid': {
      label: 'timock, invalid UserSig (default flags)',
      start: () => servers.timock(),
      requests: requests.invalid,
      check: expectCode(70009, bodies.invalid.length),
      bodyBytes: bodies.invalid.length,
    },
    proxy: {
      label: 'timock proxy in front of timock --log-level silent',
      start: () => servers.proxied(),
      ...full,
    },
    'redis-1': {
      label: 'timock --redis, 1 replica',
      start: () => servers.replicas(1),
      redis: true,
      ...full,
    },
    'redis-2': {
      label: 'timock --redis, 2 replicas',
      start: () => servers.replicas(2),
      redis: true,
      ...full,
    },
  };
  return Object.fromEntries(Object.entries(rows).map(([id, row]) => [id, { id, ...row }]));
}
