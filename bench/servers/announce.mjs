// Shared by the server scripts: print the URL on one stdout line ("READY <url>") once listening, and
// close cleanly on SIGTERM/SIGINT or when the parent goes away.

/**
 * @param {string} url
 * @param {() => Promise<unknown> | unknown} close
 */
export function announce(url, close) {
  let closing = false;
  const stop = async () => {
    if (closing) return;
    closing = true;
    const force = setTimeout(() => process.exit(0), 2000);
    force.unref();
    try {
      await close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // stdin is a pipe from the orchestrator: when it closes (orchestrator died), stop too.
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
  process.stdout.write(`READY ${url}\n`);
}

/**
 * The route every row answers on (the same request is sent to every row): the API path of
 * `@timock/schema`, which `bench/lib/servers.mjs` passes in as `TIMOCK_BENCH_PATH`, so that a bare
 * baseline does not load the schema (and its memory and start-up stay bare).
 */
export function benchPath() {
  const path = process.env.TIMOCK_BENCH_PATH;
  if (!path)
    throw new Error('TIMOCK_BENCH_PATH is not set: start the bench servers through bench/lib/servers.mjs');
  return path;
}
