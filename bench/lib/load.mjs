// One load against one server: the load generator (wrk, or autocannon in a worker) in a child process
// of its own; the server's RSS sampled meanwhile, and the CPU time of the server and of the generator
// over the measured window. Shared by run.mjs (the benchmark) and soak.mjs (pnpm soak, autocannon).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCpuSeconds, readMemory } from './procs.mjs';
import { startWrk } from './wrk-load.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** CPU seconds used so far by a list of processes (NaN when one cannot be read). */
const cpuOf = (pids) => pids.reduce((sum, pid) => sum + readCpuSeconds(pid), 0);

/**
 * Starts a load with autocannon in a forked worker (load-worker.mjs); `stop()` lets the worker go.
 * @param {ReturnType<import('./procs.mjs').createProcessGroup>} procs
 * @param {import('./load-worker.mjs').LoadConfig} config
 * @param {import('./wrk-load.mjs').LoadEvents} events
 * @returns {{ stop(): void }}
 */
function startAutocannon(procs, config, events) {
  const worker = procs.forkWorker(join(here, 'load-worker.mjs'));
  worker.on('message', (m) => {
    if (m.type === 'phase' && m.phase === 'measure') events.measure(worker.pid);
    else if (m.type === 'result') events.result(m.result);
    else if (m.type === 'error') events.fail(new Error(`load generator: ${m.message}`));
  });
  worker.once('exit', (code) => events.fail(new Error(`load generator exited (${code})`)));
  worker.send({ type: 'run', config });
  return {
    stop() {
      worker.removeAllListeners();
      if (worker.connected) worker.disconnect();
    },
  };
}

/**
 * Runs the load generator against a server, sampling the server's RSS every 100 ms.
 * @param {ReturnType<import('./procs.mjs').createProcessGroup>} procs  where the generator is started
 * @param {import('./procs.mjs').RunningServer} srv
 * @param {object[]} requests  cycled (see load-worker.mjs)
 * @param {{ connections: number, durationSec: number, warmupSec: number, overallRate?: number,
 *   generator?: { name: 'wrk', path: string } | { name: 'autocannon' } }} opts
 *   `overallRate`: requests per second over all connections (default: as fast as possible; autocannon
 *   only: wrk cannot hold a rate); `generator`: default autocannon
 * @returns the load result (see `summarizeAutocannon`) plus generator (its name), peakRss, endRss,
 *   cpuUsPerRequest (the server's CPU time per answer), serverCpu and generatorCpu (CPU seconds per wall
 *   second over the measured window: 1 = one core busy all the time) and rssSeries ([seconds into the
 *   measured phase, VmRSS])
 */
export function runLoad(procs, srv, requests, opts) {
  const serverPids = srv.pids ?? [srv.pid];
  const generator = opts.generator ?? { name: 'autocannon' };
  if (generator.name === 'wrk' && opts.overallRate)
    return Promise.reject(new Error('wrk cannot hold a fixed rate: use autocannon for overallRate'));
  const config = {
    urls: srv.urls ?? [srv.url],
    connections: opts.connections,
    durationSec: opts.durationSec,
    warmupSec: opts.warmupSec,
    overallRate: opts.overallRate,
    requests,
  };
  return new Promise((resolvePromise, reject) => {
    let peakRss = 0;
    let measureStart;
    let generatorPid;
    let serverCpuAtStart = Number.NaN;
    let generatorCpuAtStart = Number.NaN;
    const rssSeries = [];
    const sampler = setInterval(() => {
      const { rss } = readMemory(srv.pid);
      if (rss > peakRss) peakRss = rss;
      if (measureStart !== undefined) rssSeries.push([(performance.now() - measureStart) / 1000, rss]);
    }, 100);
    let settled = false;
    /** @type {{ stop(): void } | undefined} */
    let load;
    const finish = (fn) => {
      if (settled) return;
      settled = true;
      clearInterval(sampler);
      load?.stop();
      fn();
    };
    /** @type {import('./wrk-load.mjs').LoadEvents} */
    const events = {
      measure(pid) {
        measureStart = performance.now();
        generatorPid = pid;
        serverCpuAtStart = cpuOf(serverPids);
        generatorCpuAtStart = readCpuSeconds(pid);
      },
      result(summary) {
        if (settled) return;
        const wallSec = (performance.now() - measureStart) / 1000;
        const serverCpuSec = cpuOf(serverPids) - serverCpuAtStart;
        const generatorCpuSec = readCpuSeconds(generatorPid) - generatorCpuAtStart;
        const mem = readMemory(srv.pid);
        finish(() =>
          resolvePromise({
            ...summary,
            generator: generator.name,
            peakRss: Math.max(peakRss, mem.hwm || 0),
            endRss: mem.rss,
            // Server CPU time per answer: far less sensitive than req/s to other work on the machine.
            cpuUsPerRequest: summary.requests > 0 ? (serverCpuSec * 1e6) / summary.requests : Number.NaN,
            serverCpu: serverCpuSec / wallSec,
            generatorCpu: generatorCpuSec / wallSec,
            rssSeries,
          }),
        );
      },
      fail: (error) => finish(() => reject(error)),
    };
    try {
      load =
        generator.name === 'wrk'
          ? startWrk(procs, config, events, generator.path)
          : startAutocannon(procs, config, events);
    } catch (error) {
      events.fail(error);
    }
  });
}
