// The load generator: a child process (forked by lib/load.mjs) that runs autocannon against one server
// (or several replicas) and reports autocannon's own summary over IPC. It adds no JavaScript of its own
// per response: counts, bytes, statuses and latency percentiles all come from autocannon's histograms
// (latency in whole milliseconds, as autocannon records it).
//
// Protocol: the parent sends { type: 'run', config }; the worker answers
//   { type: 'phase', phase: 'warmup' | 'measure' } as it goes, then { type: 'result', result }
//   or { type: 'error', message }.
import autocannon from 'autocannon';
import { summarizeAutocannon } from './stats.mjs';

/**
 * @typedef {object} LoadConfig
 * @property {string[]} urls        origins, e.g. http://127.0.0.1:1234; with several (replicas) the
 *                                  connections are spread over them by autocannon
 * @property {number} connections
 * @property {number} durationSec   measured duration
 * @property {number} warmupSec     unmeasured load before it (0 = none)
 * @property {{ method: string, path: string, headers?: Record<string,string>, body?: string }[]} requests
 *           cycled by every connection
 * @property {number} [overallRate]  requests per second over all connections (default: unthrottled)
 */

/**
 * Runs autocannon once.
 * @param {LoadConfig} config
 * @param {number} durationSec
 */
function runOnce(config, durationSec) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: config.urls.length === 1 ? config.urls[0] : config.urls,
        connections: config.connections,
        duration: durationSec,
        pipelining: 1,
        timeout: 10,
        requests: config.requests,
        ...(config.overallRate ? { overallRate: config.overallRate } : {}),
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
    process.once('disconnect', () => instance.stop());
  });
}

process.on('message', async (msg) => {
  if (msg?.type !== 'run') return;
  /** @type {LoadConfig} */
  const config = msg.config;
  try {
    if (config.warmupSec > 0) {
      process.send({ type: 'phase', phase: 'warmup' });
      await runOnce(config, config.warmupSec);
    }
    process.send({ type: 'phase', phase: 'measure' });
    const result = await runOnce(config, config.durationSec);
    process.send({ type: 'result', result: summarizeAutocannon(result) });
  } catch (error) {
    process.send({ type: 'error', message: error instanceof Error ? error.stack : String(error) });
  }
});
