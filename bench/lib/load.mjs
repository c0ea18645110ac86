// One load against one server: the load generator (autocannon) in a child process of its own, the
// server's RSS sampled meanwhile. Shared by run.mjs (the benchmark) and soak.mjs (pnpm soak).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forkWorker, readMemory } from './procs.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Runs the load generator against a server, sampling the server's RSS every 100 ms.
 * @param {import('./procs.mjs').RunningServer} srv
 * @param {object[]} requests  cycled by every connection (see load-worker.mjs)
 * @param {{ connections: number, durationSec: number, warmupSec: number, overallRate?: number }} opts
 *   `overallRate`: requests per second over all connections (default: as fast as possible)
 * @returns the load result plus peakRss, endRss and rssSeries ([seconds into the measured phase, VmRSS])
 */
export function runLoad(srv, requests, opts) {
  return new Promise((resolvePromise, reject) => {
    const worker = forkWorker(join(here, 'load-worker.mjs'));
    let peakRss = 0;
    let measureStart;
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
      if (m.type === 'phase' && m.phase === 'measure') measureStart = performance.now();
      else if (m.type === 'result') {
        const mem = readMemory(srv.pid);
        finish(() =>
          resolvePromise({
            ...m.result,
            peakRss: Math.max(peakRss, mem.hwm || 0),
            endRss: mem.rss,
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
        connections: opts.connections,
        durationSec: opts.durationSec,
        warmupSec: opts.warmupSec,
        overallRate: opts.overallRate,
        requests,
      },
    });
  });
}
