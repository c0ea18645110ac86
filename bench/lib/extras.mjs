// Measurements beside the load rows: the client's overhead per call, the Redis path's cost per call,
// and the `timock` command's start-up time.
import { join } from 'node:path';
import { DEMO_APP } from '@timock/mock-server';
import { waitFor200 } from './http.mjs';
import { freePort } from './procs.mjs';
import { median } from './stats.mjs';

/**
 * Sends one message to a forked worker and waits for its answer.
 * @param {import('node:child_process').ChildProcess} worker
 * @param {unknown} message
 */
function ask(worker, message) {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('exit', (code) => reject(new Error(`worker exited (${code})`)));
    worker.send(message);
  });
}

/**
 * `@timock/client` getAppInfo() against a raw undici request to the same in-memory fake, sequential,
 * in a process of its own (lib/client-worker.mjs): paired blocks, the median overhead.
 * @param {{ procs: any, servers: any, here: string, usersig: string, fakeOptions: string,
 *   blocks: { blocks: number, callsPerBlock: number, warmupCalls: number } }} ctx
 */
export async function measureClient({ procs, servers, here, usersig, fakeOptions, blocks }) {
  const srv = await servers.script('fake.mjs', [fakeOptions]);
  const worker = procs.forkWorker(join(here, 'lib', 'client-worker.mjs'));
  try {
    const msg = await ask(worker, {
      type: 'run',
      config: {
        url: srv.url,
        sdkappid: DEMO_APP.sdkappid,
        secretKey: DEMO_APP.secretKey,
        identifier: DEMO_APP.admins[0],
        usersig,
        ...blocks,
      },
    });
    if (msg.type === 'skip') return { skipped: msg.reason };
    if (msg.type === 'error') throw new Error(`client worker: ${msg.message}`);
    return msg.result;
  } finally {
    worker.removeAllListeners();
    if (worker.connected) worker.disconnect();
    await srv.stop();
  }
}

/**
 * The Redis path's cost per call: sequential full pulls (one connection, so no queueing) against
 * `timock` in memory and `timock --redis`, in alternating blocks; median µs per call of each.
 * @param {{ servers: any, sampler: any, requests: object[], check: (s: any) => string | undefined,
 *   blocks: { blocks: number, callsPerBlock: number, warmupCalls: number } }} ctx
 */
export async function measureRedisCost({ servers, sampler, requests, check, blocks }) {
  const memory = await servers.timock(['--log-level', 'silent']);
  const shared = await servers.replicas(1).catch(async (error) => {
    await memory.stop();
    throw error;
  });
  try {
    const block = async (srv, calls) => {
      const t0 = performance.now();
      for (let i = 0; i < calls; i++) {
        const problem = check(await sampler.sample(srv.url, requests[i % requests.length]));
        if (problem) throw new Error(`redis cost: wrong answer: ${problem}`);
      }
      return ((performance.now() - t0) * 1000) / calls;
    };
    await block(memory, blocks.warmupCalls);
    await block(shared, blocks.warmupCalls);
    const mem = [];
    const red = [];
    for (let b = 0; b < blocks.blocks; b++) {
      const pair = b % 2 === 0 ? [memory, shared] : [shared, memory];
      for (const srv of pair) (srv === memory ? mem : red).push(await block(srv, blocks.callsPerBlock));
    }
    const memoryUs = median(mem);
    const redisUs = median(red);
    return { memoryUsPerCall: memoryUs, redisUsPerCall: redisUs, costUs: redisUs - memoryUs };
  } finally {
    await Promise.all([memory.stop(), shared.stop()]);
  }
}

/**
 * Start-up: spawning `timock` (default flags, a free port) to its first HTTP 200 answer to a full pull,
 * polled on fresh connections; the median of `samples`.
 * @param {{ procs: any, root: string, request: object, samples: number }} ctx
 */
export async function measureStartup({ procs, root, request, samples }) {
  const cli = join(root, 'packages', 'mock-server', 'bin', 'timock.js');
  const times = [];
  for (let i = 0; i < samples; i++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const srv = await procs.startProcess(process.execPath, [cli, '--port', String(port)], {
      readyPattern: null,
      url,
    });
    try {
      const answer = await waitFor200(url, request, { timeoutMs: 10000, isAlive: srv.alive });
      if (JSON.parse(answer.body.toString('utf8')).ErrorCode !== 0)
        throw new Error('first answer not ErrorCode 0');
      times.push(answer.at - srv.startedAt);
    } finally {
      await srv.stop();
    }
  }
  return { samplesMs: times, medianMs: median(times) };
}
