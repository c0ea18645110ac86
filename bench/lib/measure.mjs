// One row's load, and the alternating rounds of every row.
import { runLoad } from './load.mjs';
import { answerSizeProblem, cpuBoundness } from './stats.mjs';

/**
 * @typedef {object} MeasureContext
 * @property {ReturnType<import('./procs.mjs').createProcessGroup>} procs
 * @property {ReturnType<import('./http.mjs').createSampler>} sampler
 * @property {{ connections: number, durationSec: number, warmupSec: number,
 *   generator?: { name: 'wrk', path: string } | { name: 'autocannon' } }} load  see `runLoad`
 */

/**
 * Starts the row's server, checks a sample answer, loads it, checks again, stops it. Every answer must
 * have been the expected one: a wrong sample, non-2xx answers, errors, or an average answer size that
 * is not the body plus a header block are listed as problems. The load says whether the server side
 * was CPU-bound (see `cpuBoundness`).
 * @param {MeasureContext} ctx
 * @param {import('./rows.mjs').Row} row
 */
export async function measureRow({ procs, sampler, load }, row) {
  const srv = await row.start();
  try {
    const before = row.check(await sampler.sample(srv.url, row.requests[0]));
    if (before) throw new Error(`${row.id}: sample answer before the load is wrong: ${before}`);
    const r = await runLoad(procs, srv, row.requests, load);
    const after = row.check(await sampler.sample(srv.url, row.requests[1]));
    const problems = [];
    if (after) problems.push(`sample answer after the load: ${after}`);
    const size = answerSizeProblem(r.bytesPerResponse, row.bodyBytes);
    if (size) problems.push(size);
    if (r.non2xx > 0) problems.push(`${r.non2xx} non-2xx answers`);
    if (r.errors > 0) problems.push(`${r.errors} errors (${r.timeouts} timeouts)`);
    if (!srv.alive()) problems.push('the server process died');
    const { rssSeries: _series, ...rest } = r;
    return { ...rest, ...cpuBoundness(r), problems };
  } finally {
    await srv.stop();
  }
}

/**
 * Runs every row once per round, starting one row further each round (so no row always follows the
 * same neighbour), and reports each load as it ends.
 * @param {MeasureContext} ctx
 * @param {import('./rows.mjs').Row[]} rows
 * @param {number} rounds
 * @param {{ step(text: string): void, result(round: number, row: import('./rows.mjs').Row, r: any): void }} report
 * @returns {Promise<Record<string, any[]>>} the loads of each row, one per round
 */
export async function runRounds(ctx, rows, rounds, report) {
  const runs = Object.fromEntries(rows.map((r) => [r.id, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < rows.length; i++) {
      const row = rows[(i + round) % rows.length];
      report.step(`round ${round + 1}/${rounds} ${row.label}`);
      const r = await measureRow(ctx, row);
      runs[row.id].push(r);
      report.result(round, row, r);
    }
  }
  return runs;
}
