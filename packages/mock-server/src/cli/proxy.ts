import { ADMIN_PREFIX } from '@timock/schema';
import type { Paint } from '@timock/terminal';
import { startProxy } from '../proxy/proxy.js';
import { listenUsageError, type ProxyCommand } from './args.js';
import type { CliOutput, CliResult } from './run.js';

/**
 * `timock proxy`: starts the proxy, prints where it listens and where the journal and summary are, then
 * one line per call on standard output; the summary follows when it is closed.
 */
export async function runProxy(cmd: ProxyCommand, output: CliOutput, paint: Paint): Promise<CliResult> {
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  try {
    proxy = await startProxy({
      upstream: cmd.upstream,
      host: cmd.host,
      port: cmd.port,
      timeoutMs: cmd.timeoutMs,
      ...(cmd.ca !== undefined ? { ca: cmd.ca } : {}),
      ...(cmd.record !== undefined ? { record: cmd.record } : {}),
      ...(cmd.https !== undefined ? { https: cmd.https } : {}),
      log: (line) => output.out(line),
    });
  } catch (error) {
    throw listenUsageError(error, cmd.host, cmd.port) ?? error;
  }
  output.out(
    `timock proxy at ${paint('cyan', paint('bold', proxy.url))} forwarding to ${cmd.upstream}; every getappinfo answer is checked against the contract`,
  );
  output.out(`journal: ${proxy.url}${ADMIN_PREFIX}/requests; summary: ${proxy.url}${ADMIN_PREFIX}/contract`);
  if (cmd.record !== undefined) output.out(`recording full pulls that pass to ${cmd.record}`);
  // A call in flight ends within the upstream timeout: the proxy's close waits that long at most.
  return { proxy, drainTimeout: cmd.timeoutMs };
}
