// One load against one server: the load generator (autocannon) in a child process of its own; the
// server's RSS sampled meanwhile, and the CPU time of the server and of the generator over the measured
// window. Shared by run.mjs (the benchmark) and soak.mjs (pnpm soak).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCpuSeconds, readMemory } from './procs.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** CPU seconds used so far by a list of processes (NaN when one cannot be read). */
const cpuOf = (pids) => pids.reduce((sum, pid) => sum + readCpuSeconds(pid), 0);

/**
 * Runs the load generator against a server, sampling the server's RSS every 100 ms.
 * @param {ReturnType<import('./procs.mjs').createProcessGroup>} procs  where the generator is forked
 * @param {import('./procs.mjs').RunningServer} srv
 * @param {object[]} requests  cycled by every connection (see load-worker.mjs)
 * @param {{ connections: number, durationSec: number, warmupSec: number, overallRate?: number }} opts
 *   `overallRate`: requests per second over all connections (default: as fast as possible)
 * @returns the load result (see `summarizeAutocannon`) plus peakRss, endRss, cpuUsPerRequest (the
 *   server's CPU time per answer), serverCpu and generatorCpu (CPU seconds per wall second over the
 *   measured window: 1 = one core busy all the time) and rssSeries ([seconds into the measured phase, VmRSS])
 */
export function runLoad(procs, srv, requests, opts) {
  const serverPids = srv.pids ?? [srv.pid];
  return new Promise((resolvePromise, reject) => {
    const worker = procs.forkWorker(join(here, 'load-worker.mjs'));
    let peakRss = 0;
    let measureStart;
    let serverCpuAtStart = Number.NaN;
    let generatorCpuAtStart = Number.NaN;
    const rssSeries = [];
    const sampler = setInterval(() => {
      const { rss } = readMemory(srv.pid);
      if (rss > peakRss) peakRss = rss;
      if (measureStart !== undefined) rssSeries.push([(performance.now() - measureStart) / 1000, rss]);
    }, 100);
    const finish = (fn) => {
      clearInterval(sampler);
      worker.removeAllListeners();
      if (worker.connected) worker.disconnect();
      fn();
    };
    worker.on('message', (m) => {
      if (m.type === 'phase' && m.phase === 'measure') {
        measureStart = performance.now();
        serverCpuAtStart = cpuOf(serverPids);
        generatorCpuAtStart = readCpuSeconds(worker.pid);
      } else if (m.type === 'result') {
        const wallSec = (performance.now() - measureStart) / 1000;
        const serverCpuSec = cpuOf(serverPids) - serverCpuAtStart;
        const generatorCpuSec = readCpuSeconds(worker.pid) - generatorCpuAtStart;
        const mem = readMemory(srv.pid);
        finish(() =>
          resolvePromise({
            ...m.result,
            peakRss: Math.max(peakRss, mem.hwm || 0),
            endRss: mem.rss,
            // Server CPU time per answer: far less sensitive than req/s to other work on the machine.
            cpuUsPerRequest: m.result.requests > 0 ? (serverCpuSec * 1e6) / m.result.requests : Number.NaN,
            serverCpu: serverCpuSec / wallSec,
            generatorCpu: generatorCpuSec / wallSec,
            rssSeries,
          }),
        );
      } else if (m.type === 'error') finish(() => reject(new Error(`load generator: ${m.message}`)));
    });
    worker.once('exit', (code) => finish(() => reject(new Error(`load generator exited (${code})`))));
    worker.send({
      type: 'run',
      config: {
        urls: srv.urls ?? [srv.url],
        connections: opts.connections,
        durationSec: opts.durationSec,
        warmupSec: opts.warmupSec,
        overallRate: opts.overallRate,
        requests,
      },
    });
  });
}
