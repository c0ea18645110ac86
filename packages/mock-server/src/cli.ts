/**
 * The `timock` command. The only module that reads `process.argv`/`process.env`, handles signals and
 * exits the process; everything else lives in `cli/run.ts`.
 */
import { main } from './cli/run.js';

/** How long a close may run past the drain deadline before the process gives up, in ms. */
const CLOSE_MARGIN_MS = 5_000;

const output = {
  outLine: (line: string) => process.stdout.write(`${line}\n`),
  errLine: (line: string) => process.stderr.write(`${line}\n`),
  outIsTty: process.stdout.isTTY,
  errIsTty: process.stderr.isTTY,
};

const result = await main(process.argv.slice(2), process.env, output);
if ('exitCode' in result) {
  process.exitCode = result.exitCode;
} else {
  const { drainTimeout } = result;
  const server = 'server' in result ? result.server : result.proxy;
  let closing = false;
  // Drain: stop accepting, let requests in flight finish for up to `drainTimeout` ms (the server drops
  // what is left then), exit 0.
  const stop = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    output.errLine(
      `timock: ${signal} received, closing (requests in flight have ${drainTimeout} ms to finish)`,
    );
    const limit = drainTimeout + CLOSE_MARGIN_MS;
    const timer = setTimeout(() => {
      output.errLine(`timock: could not close within ${limit} ms, exiting`);
      process.exit(1);
    }, limit);
    timer.unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        output.errLine(
          `timock: error while closing: ${error instanceof Error ? error.message : String(error)}`,
        );
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
