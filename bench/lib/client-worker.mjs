// Client overhead per call: @timock/client's getAppInfo() (signing cached) against a raw undici Pool
// request (+ JSON.parse of the body) to the same fake, sequential calls, in alternating blocks. Runs in
// its own process (forked by run.mjs), the fake in another. The client's own throttle is off
// (`rateLimitPerSecond: false`), as the fake's limit is raised: at its default of 200 calls/s the
// throttle alone would space sequential calls 5 ms apart, which measures the policy, not the overhead.
//
// Protocol: parent sends { type: 'run', config: { url, sdkappid, secretKey, identifier, usersig,
// blocks, callsPerBlock, warmupCalls } }; answers { type: 'result', result } or { type: 'skip', reason }
// or { type: 'error', message }.
import { GETAPPINFO_PATH } from '@timock/schema';
import { Pool } from 'undici';
import { median } from './stats.mjs';

process.on('message', async (msg) => {
  if (msg?.type !== 'run') return;
  const c = msg.config;
  let client;
  try {
    let mod;
    try {
      mod = await import('@timock/client');
    } catch (error) {
      process.send({ type: 'skip', reason: `@timock/client cannot be loaded (${error.message})` });
      return;
    }
    if (typeof mod.createClient !== 'function') {
      process.send({
        type: 'skip',
        reason: '@timock/client has no createClient yet (branch client not merged)',
      });
      return;
    }
    client = mod.createClient({
      sdkappid: c.sdkappid,
      secretKey: c.secretKey,
      baseUrl: c.url,
      identifier: c.identifier,
      rateLimitPerSecond: false,
    });
    if (typeof client.getAppInfo !== 'function') {
      process.send({ type: 'skip', reason: 'the client has no getAppInfo()' });
      return;
    }
    const pool = new Pool(c.url);
    const path = `/${GETAPPINFO_PATH}?sdkappid=${c.sdkappid}&identifier=${encodeURIComponent(c.identifier)}&usersig=${encodeURIComponent(c.usersig)}&contenttype=json&random=`;
    const raw = async () => {
      const random = (Math.random() * 4294967296) >>> 0;
      const res = await pool.request({
        path: path + random,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      const json = await res.body.json();
      if (json.ErrorCode !== 0) throw new Error(`raw call answered ErrorCode ${json.ErrorCode}`);
      return json;
    };
    const viaClient = async () => {
      const answer = await client.getAppInfo();
      if (answer === undefined || answer === null) throw new Error('client returned nothing');
      return answer;
    };
    // Warm both paths (JIT, connections, the client's signature cache).
    for (let i = 0; i < c.warmupCalls; i++) {
      await raw();
      await viaClient();
    }
    const rawUs = [];
    const clientUs = [];
    const block = async (fn, out) => {
      const t0 = performance.now();
      for (let i = 0; i < c.callsPerBlock; i++) await fn();
      out.push(((performance.now() - t0) * 1000) / c.callsPerBlock);
    };
    for (let b = 0; b < c.blocks; b++) {
      if (b % 2 === 0) {
        await block(raw, rawUs);
        await block(viaClient, clientUs);
      } else {
        await block(viaClient, clientUs);
        await block(raw, rawUs);
      }
    }
    const rawMedian = median(rawUs);
    const clientMedian = median(clientUs);
    // Each client block is paired with the raw block next to it (same moment, same machine load): the
    // median of the paired ratios is the overhead; the ratio of the medians is kept for reference.
    const paired = median(clientUs.map((us, i) => us / rawUs[i]));
    await pool.close();
    process.send({
      type: 'result',
      result: {
        rawUsPerCall: rawMedian,
        clientUsPerCall: clientMedian,
        overhead: paired - 1,
        overheadOfMedians: clientMedian / rawMedian - 1,
        blocks: { raw: rawUs, client: clientUs },
        callsPerBlock: c.callsPerBlock,
      },
    });
  } catch (error) {
    process.send({ type: 'error', message: error instanceof Error ? error.stack : String(error) });
  } finally {
    await client?.close?.();
  }
});
