// The wrk load generator's process side: a warm-up run whose figures are dropped, then the measured
// run, each a `wrk` process of its own (C, one epoll thread per origin: far cheaper per request than
// autocannon, so the generator is not the bottleneck). The measured run prints its figures and waits
// for its stdin to close, so the parent reads its CPU time from /proc while it is still alive.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWrkOutput, redactWrkText, summarizeWrk, wrkArgs, wrkScript } from './wrk.mjs';

/**
 * @typedef {object} LoadEvents  what a load generator reports to `runLoad` (lib/load.mjs)
 * @property {(pid: number) => void} measure  the measured window starts; `pid`: the generator's process
 * @property {(summary: any) => void} result  the measured window ended (the generator still runs, so
 *   its CPU time can be read); the figures in the fields of `summarizeAutocannon`
 * @property {(error: Error) => void} fail
 */

/**
 * Starts a load with wrk: warm-up, then the measured run. Returns `stop()`, which lets the measured
 * wrk exit (or ends whatever still runs) and removes the script; call it once the result is in.
 * @param {ReturnType<import('./procs.mjs').createProcessGroup>} procs
 * @param {import('./load-worker.mjs').LoadConfig} config
 * @param {LoadEvents} events
 * @param {string} wrkPath
 * @returns {{ stop(): void }}
 */
export function startWrk(procs, config, events, wrkPath) {
  const dir = mkdtempSync(join(tmpdir(), 'timock-wrk-'));
  const scriptPath = join(dir, 'load.lua');
  writeFileSync(scriptPath, wrkScript(config), { mode: 0o600 });
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let current;
  let stopped = false;
  let resultIn = false;
  const run = (seconds, measured) =>
    runWrk(procs, { wrkPath, scriptPath, config, seconds, measured }, (child) => {
      current = child;
      if (measured) events.measure(child.pid);
    });
  (async () => {
    if (config.warmupSec > 0) await run(config.warmupSec, false);
    if (stopped) return;
    const summary = await run(config.durationSec, true);
    resultIn = true;
    events.result(summary);
  })().catch((error) => {
    if (!stopped) events.fail(error);
  });
  return {
    stop() {
      stopped = true;
      const child = current;
      if (child && child.exitCode === null && child.signalCode === null) {
        // A measured wrk that printed its figures exits once its stdin closes; any other is ended.
        if (resultIn) child.stdin?.end();
        else child.kill('SIGTERM');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * One wrk process for `seconds` (SIGINT ends a fraction of a second early: wrk's `-d` takes whole
 * seconds and it reports what it did until then). A measured run resolves with its figures as soon as
 * they are printed (the process then waits for its stdin); a warm-up resolves when wrk exits.
 * @param {ReturnType<import('./procs.mjs').createProcessGroup>} procs
 * @param {{ wrkPath: string, scriptPath: string, config: import('./load-worker.mjs').LoadConfig,
 *   seconds: number, measured: boolean }} run
 * @param {(child: import('node:child_process').ChildProcess) => void} onSpawn
 */
function runWrk(procs, { wrkPath, scriptPath, config, seconds, measured }, onSpawn) {
  const { args } = wrkArgs({ scriptPath, urls: config.urls, connections: config.connections, seconds });
  return new Promise((resolve, reject) => {
    const child = procs.spawnTool(wrkPath, args, { stdio: [measured ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    onSpawn(child);
    child.stdin?.on('error', () => undefined);
    let out = '';
    let err = '';
    let reported = false;
    const early =
      seconds < Math.ceil(seconds) ? setTimeout(() => child.kill('SIGINT'), seconds * 1000) : undefined;
    child.stderr.on('data', (d) => {
      if (err.length < 20000) err += d;
    });
    child.stdout.on('data', (d) => {
      out += d;
      if (!measured || reported) return;
      const raw = parseWrkOutput(out);
      if (raw === undefined) return;
      reported = true;
      resolve(summarizeWrk(raw));
    });
    child.once('error', (error) => reject(new Error(`wrk: ${error.message}`)));
    child.once('exit', (code, signal) => {
      clearTimeout(early);
      if (!measured && code === 0) resolve(undefined);
      else if (!reported) {
        const said = redactWrkText(err.trim().split('\n').slice(-3).join(' / '), config.requests);
        reject(new Error(`wrk exited (${code ?? signal}) without its figures${said ? `: ${said}` : ''}`));
      }
    });
  });
}
