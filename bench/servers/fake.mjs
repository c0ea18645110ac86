// The fake under test, started through its public API (startServer) in a process of its own.
// argv[2]: JSON of the server options (e.g. apps with a raised rate limit); default: the demo app.
// With TIMOCK_BENCH_ELD=1 it measures its own event-loop delay and prints one line
// `ELD {"p50":ms,"p99":ms,"max":ms}` (delay beyond the 10 ms sampling tick) on stdout when it is
// stopped (used by pnpm soak).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startServer } from '@timock/mock-server';
import { announce } from './announce.mjs';

const options = process.argv[2] ? JSON.parse(process.argv[2]) : {};
const mock = await startServer({ host: '127.0.0.1', port: 0, ...options });
const eld = process.env.TIMOCK_BENCH_ELD === '1' ? monitorEventLoopDelay({ resolution: 10 }) : undefined;
eld?.enable();
announce(mock.url, () => {
  if (eld) {
    eld.disable();
    // The histogram records each 10 ms tick's lateness plus the 10 ms itself: report the lateness.
    const ms = (ns) => Math.max(0, ns / 1e6 - 10);
    const summary = { p50: ms(eld.percentile(50)), p99: ms(eld.percentile(99)), max: ms(eld.max) };
    process.stdout.write(`ELD ${JSON.stringify(summary)}\n`);
  }
  return mock.close();
});
