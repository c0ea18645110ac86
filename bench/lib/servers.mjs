// How each row's server is started, every one in a process of its own on 127.0.0.1: the baselines and
// the in-process fake (scripts in bench/servers), the `timock` command as users run it (its output to
// a file), and replicas of it sharing a redis-server that the benchmark starts.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GETAPPINFO_PATH } from '@timock/schema';
import { LOAD_APPS } from './fixtures.mjs';
import { freePort } from './procs.mjs';

/** The banner line `timock` prints once it listens (the whole line); group 1 is its URL. */
export const TIMOCK_READY = /serving getappinfo at (\S+)\n/;
/** The line `timock proxy` prints once it listens; group 1 is its URL. */
const PROXY_READY = /timock proxy at (\S+)/;

/**
 * @typedef {object} ServerContext
 * @property {ReturnType<import('./procs.mjs').createProcessGroup>} procs
 * @property {string} root     the repository root
 * @property {string} tmp      a temporary directory of this run (config, bodies, logs)
 * @property {string | undefined} redisServer  the redis-server binary, if any
 * @property {string[]} [nodeArgs]  flags for node before each server's script (e.g. `--cpu-prof`)
 */

/**
 * The server starters of one run.
 * @param {ServerContext} ctx
 */
export function createServers({ procs, root, tmp, redisServer, nodeArgs = [] }) {
  const bench = join(root, 'bench');
  const timockBin = join(root, 'packages', 'mock-server', 'bin', 'timock.js');
  // Only the demo app's limit differs from the defaults (every load row would be refused at 200/s).
  const configFile = join(tmp, 'timock-load.json');
  writeFileSync(configFile, JSON.stringify({ apps: LOAD_APPS }), { mode: 0o600 });
  const env = { ...process.env };
  delete env.FORCE_COLOR;

  /** A script of bench/servers, announcing `READY <url>`; the baselines answer on the API path. */
  const script = (name, args = []) =>
    procs.startProcess(process.execPath, [...nodeArgs, join(bench, 'servers', name), ...args], {
      cwd: bench,
      env: { ...process.env, TIMOCK_BENCH_PATH: `/${GETAPPINFO_PATH}` },
    });

  /**
   * The `timock` command with its default flags except the raised limit and `--port 0`, plus `args`;
   * stdout and stderr go to a file, as when a user redirects them.
   * @param {string[]} [args]
   */
  const timock = (args = []) =>
    procs.startProcess(
      process.execPath,
      [...nodeArgs, timockBin, '--port', '0', '--config', configFile, ...args],
      {
        cwd: tmp,
        env,
        logFile: join(tmp, `timock-${randomUUID()}.log`),
        readyPattern: TIMOCK_READY,
      },
    );

  /** A fresh redis-server: no persistence, a temporary directory, a free loopback port. */
  const redis = async () => {
    if (redisServer === undefined) throw new Error('no redis-server');
    const port = await freePort();
    const dir = mkdtempSync(join(tmp, 'redis-'));
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    return procs.startProcess(redisServer, [...args, '--dir', dir], {
      cwd: tmp,
      readyPattern: /(Ready) to accept connections/,
      url: `redis://127.0.0.1:${port}`,
    });
  };

  /**
   * `n` replicas of the `timock` command (default flags, `--redis`) sharing a fresh redis-server. The load
   * is spread over their URLs; the server side's CPU time is the replicas' plus Redis's; RSS is the
   * first replica's.
   * @param {number} n
   * @returns {Promise<import('./procs.mjs').RunningServer>}
   */
  const replicas = async (n) => {
    const store = await redis();
    const started = [];
    const stop = async () => {
      await Promise.all(started.map((r) => r.stop()));
      await store.stop();
    };
    try {
      const prefix = `bench-${randomUUID()}`;
      for (let i = 0; i < n; i++)
        started.push(await timock(['--redis', store.url, '--redis-prefix', prefix]));
    } catch (error) {
      await stop();
      throw error;
    }
    return {
      ...started[0],
      urls: started.map((r) => r.url),
      pids: [...started.map((r) => r.pid), store.pid],
      stop,
    };
  };

  /**
   * `timock proxy` (default flags, output to a file) in front of a `timock --log-level silent`: the load
   * goes to the proxy, which forwards every call and judges every answer; the server side's CPU time is
   * both processes'.
   * @returns {Promise<import('./procs.mjs').RunningServer>}
   */
  const proxied = async () => {
    const upstream = await timock(['--log-level', 'silent']);
    try {
      const proxy = await procs.startProcess(
        process.execPath,
        [...nodeArgs, timockBin, 'proxy', '--upstream', upstream.url, '--port', '0'],
        { cwd: tmp, env, logFile: join(tmp, `proxy-${randomUUID()}.log`), readyPattern: PROXY_READY },
      );
      return {
        ...proxy,
        pids: [proxy.pid, upstream.pid],
        stop: async () => {
          await proxy.stop();
          await upstream.stop();
        },
      };
    } catch (error) {
      await upstream.stop();
      throw error;
    }
  };

  return { script, timock, replicas, proxied, hasRedis: redisServer !== undefined };
}
