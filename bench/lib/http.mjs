// Small HTTP helpers of the orchestrator (sample checks, readiness polling), on undici.
import { Agent, request } from 'undici';

/**
 * A sampler: one short-lived agent for the orchestrator's own sample requests; `close()` it at the end.
 * `sample(origin, req)` sends one request and reads the whole answer.
 */
export function createSampler() {
  const agent = new Agent({ connections: 4, keepAliveTimeout: 1000 });
  return {
    /**
     * @param {string} origin
     * @param {{ method: string, path: string, headers?: Record<string, string>, body?: string }} req
     * @returns {Promise<{ status: number, body: Buffer, json: any }>}
     */
    async sample(origin, req) {
      const res = await request(origin + req.path, {
        method: /** @type {any} */ (req.method),
        headers: req.headers,
        body: req.body,
        dispatcher: agent,
      });
      const body = Buffer.from(await res.body.arrayBuffer());
      let json;
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        json = undefined;
      }
      return { status: res.statusCode, body, json };
    },
    close: () => agent.close(),
  };
}

/**
 * Polls until the server answers `req` with HTTP 200 (each attempt on a fresh connection).
 * @param {string} origin
 * @param {{ method: string, path: string, headers?: Record<string, string>, body?: string }} req
 * @param {{ timeoutMs?: number, intervalMs?: number, isAlive?: () => boolean }} [options]
 * @returns {Promise<{ at: number, status: number, body: Buffer }>} `at` = performance.now() when the answer was read
 */
export async function waitFor200(origin, req, options = {}) {
  const deadline = performance.now() + (options.timeoutMs ?? 10000);
  let lastError;
  while (performance.now() < deadline) {
    if (options.isAlive && !options.isAlive()) throw new Error('the process exited before answering');
    try {
      const res = await request(origin + req.path, {
        method: /** @type {any} */ (req.method),
        headers: { ...req.headers, connection: 'close' },
        body: req.body,
        reset: true,
      });
      const body = Buffer.from(await res.body.arrayBuffer());
      if (res.statusCode === 200) return { at: performance.now(), status: res.statusCode, body };
      lastError = new Error(`HTTP ${res.statusCode}`);
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 5));
  }
  throw new Error(
    `no HTTP 200 from ${origin} within ${options.timeoutMs ?? 10000} ms: ${lastError?.message}`,
  );
}
