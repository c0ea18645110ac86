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

/** The route every row answers on (the same request is sent to every row). */
export const PATH = '/v4/openconfigsvr/getappinfo';
