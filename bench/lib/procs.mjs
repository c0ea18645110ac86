// Child processes of the benchmark: servers (spawned, "READY <url>" on stdout, or a URL in a log file)
// and workers (forked, IPC). A process group tracks every child it started and stops them at the end,
// on error and on Ctrl-C.
import { fork, spawn } from 'node:child_process';
import { accessSync, constants, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { parseProcStat, parseProcStatus } from './stats.mjs';

/**
 * Stops one child: SIGTERM, then SIGKILL after `graceMs`.
 * @param {import('node:child_process').ChildProcess} child
 * @param {number} [graceMs]
 * @returns {Promise<void>}
 */
export function stopChild(child, graceMs = 3000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * @typedef {object} RunningServer
 * @property {string} url
 * @property {number} pid
 * @property {number[]} [pids]     every process of the server side (replicas, their Redis), for CPU time
 * @property {string[]} [urls]     several origins (replicas): the load is split over them
 * @property {number} startedAt   performance.now() at spawn
 * @property {() => Promise<void>} stop
 * @property {() => string} stderr  what the server wrote on stderr so far
 * @property {() => string} stdout  what the server wrote on stdout so far (including the READY line)
 * @property {() => boolean} alive   false once the process has exited
 * @property {() => Promise<number | null>} exitCode  resolves once the process has exited: its exit code
 *   (`null` when a signal ended it)
 */

/**
 * @typedef {object} StartOptions
 * @property {string} [cwd]
 * @property {NodeJS.ProcessEnv} [env]
 * @property {number} [timeoutMs]  how long to wait for readiness (default 30,000)
 * @property {RegExp | null} [readyPattern]  must capture the URL in group 1 (default `READY <url>`);
 *   `null` resolves at once with `url` (for servers that print nothing: poll them with waitFor200)
 * @property {string} [url]
 * @property {string} [logFile]  stdout and stderr go to this file (as a user redirecting `timock`'s
 *   output); readiness is `readyPattern` found in it
 */

/**
 * A group of child processes: everything started through it is stopped by `stopAll()`, and by the
 * handlers `installCleanup()` sets up (Ctrl-C, SIGTERM, exit).
 */
export function createProcessGroup() {
  /** @type {Set<import('node:child_process').ChildProcess>} */
  const children = new Set();
  const track = (child) => {
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
  };
  const killAll = () => {
    for (const c of children) c.kill('SIGKILL');
  };

  /**
   * Spawns a server process and waits until it is ready.
   * @param {string} command
   * @param {string[]} args
   * @param {StartOptions} [options]
   * @returns {Promise<RunningServer>}
   */
  function startProcess(command, args, options = {}) {
    const pattern = options.readyPattern ?? /^READY (\S+)/m;
    const timeoutMs = options.timeoutMs ?? 30000;
    const startedAt = performance.now();
    const logFd = options.logFile === undefined ? undefined : openSync(options.logFile, 'w');
    const child = track(
      spawn(command, args, {
        cwd: options.cwd,
        env: options.env ?? process.env,
        stdio: logFd === undefined ? ['pipe', 'pipe', 'pipe'] : ['pipe', logFd, logFd],
      }),
    );
    let out = '';
    let err = '';
    const keep = (text, d) => (text.length < 20000 ? text + d : text);
    child.stderr?.on('data', (d) => {
      err = keep(err, d);
    });
    child.stdout?.on('data', (d) => {
      out = keep(out, d);
    });
    child.stdin.on('error', () => undefined);
    const read = () => (options.logFile === undefined ? out : readFileSync(options.logFile, 'utf8'));
    const handle = (url) => ({
      url: url.replace(/\/+$/, ''),
      pid: child.pid,
      startedAt,
      stop: () => stopChild(child),
      stderr: () => (options.logFile === undefined ? err : ''),
      stdout: read,
      alive: () => child.exitCode === null && child.signalCode === null,
      exitCode: () =>
        child.exitCode !== null || child.signalCode !== null
          ? Promise.resolve(child.exitCode)
          : new Promise((resolve) => child.once('exit', (code) => resolve(code))),
    });
    if (options.readyPattern === null) return Promise.resolve(handle(options.url ?? ''));
    return new Promise((resolve, reject) => {
      const deadline = performance.now() + timeoutMs;
      const poll = setInterval(() => {
        const m = pattern.exec(options.logFile === undefined ? out : read().slice(0, 20000));
        if (m) {
          done();
          resolve(handle(options.url ?? m[1]));
        } else if (performance.now() > deadline) {
          done();
          void stopChild(child);
          reject(new Error(`${command} ${args.join(' ')}: not ready after ${timeoutMs} ms\n${err}`));
        }
      }, 10);
      const onExit = (code, signal) => {
        done();
        reject(
          new Error(`${command} ${args.join(' ')} exited (${code ?? signal}) before it was ready\n${err}`),
        );
      };
      const done = () => {
        clearInterval(poll);
        child.off('exit', onExit);
      };
      child.once('exit', onExit);
    });
  }

  /**
   * Forks a worker script with an IPC channel.
   * @param {string} script
   * @param {string[]} [args]
   */
  function forkWorker(script, args = []) {
    return track(fork(script, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  }

  return {
    startProcess,
    forkWorker,
    /**
     * Spawns a tool (the wrk load generator) that the group stops with the rest.
     * @param {string} command
     * @param {string[]} args
     * @param {import('node:child_process').SpawnOptions} [options]
     */
    spawnTool: (command, args, options = {}) => track(spawn(command, args, options)),
    /** Stops every child still running (each by its own handle). */
    stopAll: () => Promise.all([...children].map((c) => stopChild(c, 1500))),
    /** Ctrl-C / termination / exit handlers that stop every child of this group first. */
    installCleanup() {
      process.once('SIGINT', () => {
        console.error('\ninterrupted: stopping every server and load generator');
        killAll();
        process.exit(130);
      });
      process.once('SIGTERM', () => {
        killAll();
        process.exit(143);
      });
      process.on('exit', killAll);
    },
  };
}

/**
 * Reads VmRSS and VmHWM (peak RSS) of a process, in bytes; NaN where /proc is unavailable.
 * @param {number} pid
 */
export function readMemory(pid) {
  try {
    return parseProcStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return { rss: Number.NaN, hwm: Number.NaN };
  }
}

/**
 * CPU time (user + system) a process has used so far, in seconds, from `/proc/<pid>/stat`; NaN when it
 * cannot be read. Resolution 10 ms.
 * @param {number} pid
 */
export function readCpuSeconds(pid) {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return Number.NaN;
  }
}

/** A free TCP port on 127.0.0.1 (for CLIs that need one up front). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/**
 * An executable on PATH (or in /usr/bin, /usr/local/bin), or `undefined`.
 * @param {string} name
 */
export function findBinary(name) {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {}
  }
  return undefined;
}
