// The load generator: a child process (forked by run.mjs) that runs autocannon against one server and
// reports a summary over IPC. Running it in its own process keeps the orchestrator idle and gives the
// server and the load generator one core each on a 2-core machine.
//
// Protocol: the parent sends { type: 'run', config }; the worker answers
//   { type: 'phase', phase: 'warmup' | 'measure' } as it goes, then { type: 'result', result }
//   or { type: 'error', message }.
import autocannon from 'autocannon';

/**
 * @typedef {object} LoadConfig
 * @property {string} url           origin, e.g. http://127.0.0.1:1234
 * @property {string[]} [urls]      several origins (replicas): the connections are split evenly over
 *                                  them, one autocannon instance each, and the results merged
 * @property {number} connections
 * @property {number} durationSec   measured duration
 * @property {number} warmupSec     unmeasured load before it (0 = none)
 * @property {{ method: string, path: string, headers?: Record<string,string>, body?: string }[]} requests
 *           cycled by every connection
 * @property {number} [overallRate]  requests per second over all connections (default: unthrottled)
 */

/**
 * Runs autocannon once; records every response's latency (float ms, finer than autocannon's own
 * integer-millisecond histogram), size and status.
 * @param {LoadConfig} config
 * @param {number} durationSec
 */
function runOnce(config, durationSec) {
  return new Promise((resolve, reject) => {
    /** @type {number[]} */
    const latencies = [];
    let bytes = 0;
    let responses = 0;
    /** @type {Record<string, number>} */
    const statuses = {};
    const instance = autocannon(
      {
        url: config.url,
        connections: config.connections,
        duration: durationSec,
        pipelining: 1,
        timeout: 10,
        requests: config.requests,
        ...(config.overallRate ? { overallRate: config.overallRate } : {}),
      },
      (err, result) => {
        if (err) reject(err);
        else resolve({ result, latencies, bytes, responses, statuses });
      },
    );
    instance.on('response', (_client, statusCode, resBytes, responseTime) => {
      latencies.push(responseTime);
      bytes += resBytes;
      responses++;
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    });
    process.once('disconnect', () => instance.stop());
  });
}

/** @param {number[]} sorted @param {number} p */
const pct = (sorted, p) =>
  sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/**
 * Runs autocannon against every origin at once (connections split evenly) and merges the results.
 * @param {LoadConfig} config
 * @param {number} durationSec
 */
async function runSpread(config, durationSec) {
  const urls = config.urls?.length ? config.urls : [config.url];
  const runs = await Promise.all(
    urls.map((url, i) => {
      const connections =
        Math.floor(config.connections / urls.length) + (i < config.connections % urls.length ? 1 : 0);
      return runOnce({ ...config, url, connections }, durationSec);
    }),
  );
  if (runs.length === 1) return runs[0];
  const sum = (get) => runs.reduce((a, r) => a + get(r), 0);
  const statuses = {};
  for (const r of runs) for (const [k, v] of Object.entries(r.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
  return {
    result: {
      duration: Math.max(...runs.map((r) => r.result.duration)),
      non2xx: sum((r) => r.result.non2xx),
      errors: sum((r) => r.result.errors),
      timeouts: sum((r) => r.result.timeouts),
      requests: { average: sum((r) => r.result.requests.average) },
      latency: { p50: Number.NaN, p99: Number.NaN },
    },
    latencies: runs.flatMap((r) => r.latencies),
    bytes: sum((r) => r.bytes),
    responses: sum((r) => r.responses),
    statuses,
  };
}

process.on('message', async (msg) => {
  if (msg?.type !== 'run') return;
  /** @type {LoadConfig} */
  const config = msg.config;
  try {
    if (config.warmupSec > 0) {
      process.send({ type: 'phase', phase: 'warmup' });
      await runSpread(config, config.warmupSec);
    }
    process.send({ type: 'phase', phase: 'measure' });
    const { result, latencies, bytes, responses, statuses } = await runSpread(config, config.durationSec);
    const sorted = Float64Array.from(latencies).sort();
    const seconds = result.duration;
    process.send({
      type: 'result',
      result: {
        durationSec: seconds,
        requests: responses,
        rps: responses / seconds,
        latencyMs: {
          mean: latencies.reduce((a, b) => a + b, 0) / (latencies.length || 1),
          p50: pct(sorted, 50),
          p90: pct(sorted, 90),
          p99: pct(sorted, 99),
          max: sorted.length ? sorted[sorted.length - 1] : Number.NaN,
        },
        bytesPerResponse: responses ? bytes / responses : 0,
        statuses,
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        autocannon: {
          requestsAverage: result.requests.average,
          latencyP50: result.latency.p50,
          latencyP99: result.latency.p99,
        },
      },
    });
  } catch (error) {
    process.send({ type: 'error', message: error instanceof Error ? error.stack : String(error) });
  }
});
