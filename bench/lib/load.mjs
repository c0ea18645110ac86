// One load against one server: the load generator (autocannon) in a child process of its own, the
// server's RSS sampled meanwhile. Shared by run.mjs (the benchmark) and soak.mjs (pnpm soak).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forkWorker, readCpuSeconds, readMemory } from './procs.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Runs the load generator against a server, sampling the server's RSS every 100 ms.
 * @param {import('./procs.mjs').RunningServer} srv
 * @param {object[]} requests  cycled by every connection (see load-worker.mjs)
 * @param {{ connections: number, durationSec: number, warmupSec: number, overallRate?: number }} opts
 *   `overallRate`: requests per second over all connections (default: as fast as possible)
 * @returns the load result plus peakRss, endRss, cpuUsPerRequest (the server's CPU time per answer) and
 *   rssSeries ([seconds into the measured phase, VmRSS])
 */
export function runLoad(srv, requests, opts) {
  return new Promise((resolvePromise, reject) => {
    const worker = forkWorker(join(here, 'load-worker.mjs'));
    let peakRss = 0;
    let measureStart;
    let cpuAtStart = Number.NaN;
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
        cpuAtStart = readCpuSeconds(srv.pid);
      } else if (m.type === 'result') {
        const mem = readMemory(srv.pid);
        const cpuSec = readCpuSeconds(srv.pid) - cpuAtStart;
        finish(() =>
          resolvePromise({
            ...m.result,
            peakRss: Math.max(peakRss, mem.hwm || 0),
            endRss: mem.rss,
            // Server CPU time per answer: far less sensitive than req/s to other work on the machine.
            cpuUsPerRequest: m.result.requests > 0 ? (cpuSec * 1e6) / m.result.requests : Number.NaN,
            rssSeries,
          }),
        );
      } else if (m.type === 'error') finish(() => reject(new Error(`load generator: ${m.message}`)));
    });
    worker.once('exit', (code) => finish(() => reject(new Error(`load generator exited (${code})`))));
    worker.send({
      type: 'run',
      config: {
        url: srv.url,
        urls: srv.urls,
        connections: opts.connections,
        durationSec: opts.durationSec,
        warmupSec: opts.warmupSec,
        overallRate: opts.overallRate,
        requests,
      },
    });
  });
}
