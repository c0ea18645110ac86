// From the loads of every row to the figures printed: per-row medians, paired ratios that use only
// rounds where both servers were CPU-bound, and the targets with their verdicts. Pure: unit-tested.
import {
  fmtMB,
  fmtMs,
  fmtNum,
  fmtRatio,
  fmtSpread,
  median,
  ratio,
  spread,
  table,
  verdict,
} from './stats.mjs';

/** The calibration row must out-run every other row by this factor: else the generator may be the limit. */
export const GENERATOR_HEADROOM = 1.2;

/**
 * One row's figures over its rounds (medians; peak RSS is the highest).
 * @param {any[]} runs  the row's loads, one per round
 */
export function summarizeRow(runs) {
  const rps = spread(runs.map((r) => r.rps));
  return {
    rps: rps.median,
    rpsSpread: rps.relative,
    p50Ms: median(runs.map((r) => r.latencyMs.p50)),
    p99Ms: median(runs.map((r) => r.latencyMs.p99)),
    peakRss: Math.max(...runs.map((r) => r.peakRss)),
    cpuUsPerRequest: median(runs.map((r) => r.cpuUsPerRequest)),
    serverCpu: median(runs.map((r) => r.serverCpu)),
    generatorCpu: median(runs.map((r) => r.generatorCpu)),
    notCpuBound: runs.filter((r) => !r.cpuBound).map((r) => r.reason),
    non2xx: runs.reduce((a, r) => a + r.non2xx, 0),
    errors: runs.reduce((a, r) => a + r.errors, 0),
    problems: [...new Set(runs.flatMap((r) => r.problems))],
  };
}

/**
 * The ratio of two rows, paired within each round (rows measured minutes apart drift with the machine),
 * using only the rounds where both servers were CPU-bound; the median over those rounds.
 * @param {any[] | undefined} a  loads of the numerator row, one per round
 * @param {any[] | undefined} b  loads of the denominator row
 * @param {(r: any) => number} [get]  the figure compared (default req/s)
 * @returns {{ value: number, perRound: number[], used: number, reason?: string }}
 */
export function pairedRatio(a, b, get = (r) => r.rps) {
  if (!a?.length || !b?.length) return { value: Number.NaN, perRound: [], used: 0, reason: 'row not run' };
  const perRound = a.map((ra, i) => {
    const rb = b[i];
    return rb && ra.cpuBound && rb.cpuBound ? ratio(get(ra), get(rb)) : Number.NaN;
  });
  const used = perRound.filter((v) => Number.isFinite(v)).length;
  return used > 0
    ? { value: median(perRound), perRound, used }
    : { value: Number.NaN, perRound, used, reason: 'no round where both servers were CPU-bound' };
}

/**
 * How far the calibration row (the cheapest server) out-ran the fastest other row: the generator's
 * headroom. Below {@link GENERATOR_HEADROOM} the fastest rows may be limited by the generator.
 * @param {Record<string, any[]>} runs
 */
export function generatorHeadroom(runs) {
  const calibration = median((runs.calibration ?? []).map((r) => r.rps));
  const others = Object.entries(runs).filter(([id]) => id !== 'calibration');
  let fastest = { id: undefined, rps: Number.NaN };
  for (const [id, rs] of others) {
    const rps = median(rs.map((r) => r.rps));
    if (!(rps <= fastest.rps)) fastest = { id, rps };
  }
  return { calibration, fastest, headroom: ratio(calibration, fastest.rps) };
}

/**
 * @typedef {object} Target
 * @property {string} name
 * @property {number | null} value
 * @property {'>=' | '<=' | '<'} op
 * @property {number} limit
 * @property {string} shown
 * @property {'PASS' | 'MISS' | 'SKIP'} verdict
 * @property {string} [reason]  why a SKIP (or a MISS) is what it is
 */

/**
 * Every target of issue 16 with its verdict. A target whose rows were not run, or had no round where
 * both servers were CPU-bound, is a SKIP with its reason.
 * @param {Record<string, any[]>} runs  loads per row id
 * @param {{ client?: { overhead: number }, skipped?: Record<string, string> }} extras  `skipped`: why a
 *   row or measurement was not run, by id
 * @returns {Target[]}
 */
export function judgeTargets(runs, extras) {
  const skipped = extras.skipped ?? {};
  const why = (ids, r) => {
    const missing = ids.find((id) => !runs[id]?.length);
    return missing ? (skipped[missing] ?? `row ${missing} not run`) : r.reason;
  };
  const fromRatio = (name, a, b, op, limit, get) => {
    const r = pairedRatio(runs[a], runs[b], get);
    return target(name, r.value, op, limit, fmtRatio(r.value), why([a, b], r));
  };
  const p99 = (r) => r.latencyMs.p99;
  const timockRuns = runs.timock ?? [];
  const peakRss = timockRuns.length ? Math.max(...timockRuns.map((r) => r.peakRss)) : Number.NaN;
  const head = generatorHeadroom(runs);
  const client = extras.client?.overhead;
  return [
    target(
      `generator: calibration >= ${GENERATOR_HEADROOM}x the fastest other row`,
      head.headroom,
      '>=',
      GENERATOR_HEADROOM,
      Number.isFinite(head.headroom) ? `${fmtRatio(head.headroom)} (vs ${head.fastest.id})` : '-',
      runs.calibration?.length ? undefined : (skipped.calibration ?? 'row calibration not run'),
    ),
    fromRatio(
      'timock (default flags) >= 0.75x C (node:http, same bytes)',
      'timock',
      'baseline-c',
      '>=',
      0.75,
    ),
    fromRatio('timock --log-level silent >= 0.85x C', 'timock-silent', 'baseline-c', '>=', 0.85),
    fromRatio(
      'two-field pull (default flags) >= 0.65x A (hello world)',
      'timock-two',
      'baseline-a',
      '>=',
      0.65,
    ),
    fromRatio('p99 timock (default flags) <= 1.5x p99 of C', 'timock', 'baseline-c', '<=', 1.5, p99),
    fromRatio('one Redis replica >= 0.7x in-memory timock', 'redis-1', 'timock', '>=', 0.7),
    target(
      'client overhead per call <= 20% of raw undici',
      client,
      '<=',
      0.2,
      Number.isFinite(client) ? `${(client * 100).toFixed(1)}%` : '-',
      Number.isFinite(client) ? undefined : (skipped.client ?? 'not measured'),
    ),
    target(
      'peak RSS under load < 150 MiB (timock, default flags)',
      peakRss / 1024 / 1024,
      '<',
      150,
      fmtMB(peakRss),
      timockRuns.length ? undefined : (skipped.timock ?? 'row timock not run'),
    ),
  ];
}

/** @returns {Target} */
function target(name, value, op, limit, shown, reason) {
  const v = verdict(value, op, limit);
  return {
    name,
    value: Number.isFinite(value) ? value : null,
    op,
    limit,
    shown,
    verdict: v,
    ...(v === 'SKIP' ? { reason: reason ?? 'not measured' } : {}),
  };
}

/** Share of a core as `97%`. */
const fmtCpu = (share) => (Number.isFinite(share) ? `${Math.round(share * 100)}%` : '-');

/**
 * The table of rows: medians over rounds, CPU shares, ratios against C and A paired per clean round;
 * a row with a round whose server was not CPU-bound is marked `(n/m not CPU-bound)`, one with wrong
 * answers `(!)`.
 * @param {Record<string, any[]>} runs
 * @param {Record<string, string>} labels
 */
export function rowsTable(runs, labels) {
  const header = ['row', 'req/s', 'spread', 'p50', 'p99', 'peak RSS', 'CPU/req', 'server CPU', 'gen CPU'];
  const body = Object.entries(runs).map(([id, rs]) => {
    const s = summarizeRow(rs);
    const flags = [
      s.problems.length ? '(!)' : '',
      s.notCpuBound.length ? `(${s.notCpuBound.length}/${rs.length} not CPU-bound)` : '',
    ].filter(Boolean);
    return [
      [labels[id] ?? id, ...flags].join(' '),
      fmtNum(s.rps),
      fmtSpread(s.rpsSpread),
      fmtMs(s.p50Ms),
      fmtMs(s.p99Ms),
      fmtMB(s.peakRss),
      `${fmtNum(s.cpuUsPerRequest, 1)} µs`,
      fmtCpu(s.serverCpu),
      fmtCpu(s.generatorCpu),
      fmtRatio(pairedRatio(rs, runs['baseline-c']).value),
      fmtRatio(pairedRatio(rs, runs['baseline-a']).value),
    ];
  });
  return table([...header, 'vs C', 'vs A'], body);
}

/**
 * The targets table; a SKIP shows its reason.
 * @param {Target[]} targets
 */
export function targetsTable(targets) {
  return table(
    ['target', 'measured', 'verdict'],
    targets.map((t) => [t.name, t.shown, t.reason ? `${t.verdict} (${t.reason})` : t.verdict]),
  );
}
