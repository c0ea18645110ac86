// Child processes of the benchmark: servers (spawned, "READY <url>" on stdout) and workers (forked,
// IPC). Every child is tracked and stopped at the end, on error and on Ctrl-C.
import { fork, spawn } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { parseProcStatus } from './stats.mjs';

/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();

function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

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

/** Stops every child still running (each by its own handle). */
export async function stopAll() {
  await Promise.all([...children].map((c) => stopChild(c, 1500)));
}

let hooked = false;
/** Installs the Ctrl-C / termination / crash handlers that stop every child before exiting. */
export function installCleanup() {
  if (hooked) return;
  hooked = true;
  const bail = (code) => {
    for (const c of children) c.kill('SIGKILL');
    process.exit(code);
  };
  process.once('SIGINT', () => {
    console.error('\ninterrupted: stopping every server and load generator');
    bail(130);
  });
  process.once('SIGTERM', () => bail(143));
  process.on('exit', () => {
    for (const c of children) c.kill('SIGKILL');
  });
}

/**
 * @typedef {object} RunningServer
 * @property {string} url
 * @property {number} pid
 * @property {number} startedAt   performance.now() at spawn
 * @property {number} readyAt     performance.now() when READY was read
 * @property {() => Promise<void>} stop
 * @property {() => string} stderr  what the server wrote on stderr so far
 * @property {() => string} stdout  what the server wrote on stdout so far (including the READY line)
 * @property {() => boolean} alive   false once the process has exited
 */

/**
 * Spawns a server process and waits for its "READY <url>" line (or a URL matcher for other CLIs).
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, timeoutMs?: number, readyPattern?: RegExp | null, url?: string }} [options]
 *   `readyPattern` must capture the URL in group 1; `null` resolves at once with `url` (for servers
 *   that print nothing: poll them with waitFor200).
 * @returns {Promise<RunningServer>}
 */
export function startProcess(command, args, options = {}) {
  const pattern = options.readyPattern ?? /^READY (\S+)/m;
  const startedAt = performance.now();
  const child = track(
    spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    }),
  );
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => {
    if (err.length < 20000) err += d;
  });
  child.stdin.on('error', () => undefined);
  const handle = (url) => ({
    url: url.replace(/\/+$/, ''),
    pid: child.pid,
    startedAt,
    readyAt: performance.now(),
    stop: () => stopChild(child),
    stderr: () => err,
    stdout: () => out,
    alive: () => child.exitCode === null && child.signalCode === null,
  });
  if (options.readyPattern === null) {
    child.stdout.resume();
    return Promise.resolve(handle(options.url ?? ''));
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stopChild(child);
      reject(
        new Error(`${command} ${args.join(' ')}: not ready after ${options.timeoutMs ?? 30000} ms\n${err}`),
      );
    }, options.timeoutMs ?? 30000);
    const onData = (d) => {
      if (out.length < 20000) out += d;
      const m = pattern.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      // Keep draining (Prism logs); the first 20,000 characters stay readable through stdout().
      child.stdout.on('data', (d) => {
        if (out.length < 20000) out += d;
      });
      resolve(handle(options.url ?? m[1]));
    };
    child.stdout.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(`${command} ${args.join(' ')} exited (${code ?? signal}) before it was ready\n${err}`),
      );
    });
  });
}

/**
 * Forks a worker script with an IPC channel.
 * @param {string} script
 * @param {string[]} [args]
 */
export function forkWorker(script, args = []) {
  return track(fork(script, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
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

/** Clock ticks per second of `/proc/<pid>/stat` (`getconf CLK_TCK`; 100 on every usual Linux). */
const CLK_TCK = 100;

/**
 * CPU time (user + system) a process has used so far, in seconds, from `/proc/<pid>/stat`; NaN when it
 * cannot be read. Resolution 10 ms.
 * @param {number} pid
 */
export function readCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
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
 * An executable on PATH, or `undefined`.
 * @param {string} name
 */
export function findBinary(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {}
  }
  return undefined;
}
