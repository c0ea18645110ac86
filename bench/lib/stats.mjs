// Pure helpers of the benchmark: statistics, ratios, target verdicts and text formatting.
// No I/O here, so they are unit-tested (stats.test.mjs).

/**
 * The median of a list of numbers (mean of the two middle values for an even count).
 * @param {readonly number[]} values
 * @returns {number} NaN for an empty list
 */
export function median(values) {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return Number.NaN;
  const mid = xs.length >> 1;
  return xs.length % 2 === 1 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

/**
 * RSS levels of one long load. V8's old space fills and is collected in a sawtooth of several seconds,
 * so single readings depend on the phase: the levels are medians of the samples in [8, 10] s and in the
 * last 2 s, plus one level every 5 s (median of the half second before).
 * @param {readonly [number, number][]} series  [seconds into the load, RSS bytes]
 * @param {number} seconds  planned length of the load (used when the series is empty)
 * @returns {{ at10: number, atEnd: number, every5s: [number, number][] }}
 */
export function rssLevels(series, seconds) {
  const window = (from, to) => median(series.filter(([t]) => t >= from && t <= to).map(([, v]) => v));
  const end = series.at(-1)?.[0] ?? seconds;
  /** @type {[number, number][]} */
  const every5s = [];
  for (let t = 5; t <= end + 0.01; t += 5) every5s.push([t, window(t - 0.5, t)]);
  return { at10: window(8, 10), atEnd: window(end - 2, end), every5s };
}

/**
 * The spread of repeated measurements: min, max, and (max - min) / median as a fraction.
 * @param {readonly number[]} values
 * @returns {{ min: number, max: number, median: number, relative: number }}
 */
export function spread(values) {
  const xs = values.filter((v) => Number.isFinite(v));
  if (xs.length === 0) return { min: Number.NaN, max: Number.NaN, median: Number.NaN, relative: Number.NaN };
  const min = Math.min(...xs);
  const max = Math.max(...xs);
  const m = median(xs);
  return { min, max, median: m, relative: m === 0 ? 0 : (max - min) / m };
}

/**
 * a / b, or NaN when either side is missing or b is 0.
 * @param {number | undefined} a
 * @param {number | undefined} b
 */
export function ratio(a, b) {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) {
    return Number.NaN;
  }
  return a / b;
}

/**
 * A target verdict: PASS, MISS, or SKIP when the value could not be measured.
 * @param {number | undefined} value
 * @param {'>=' | '<=' | '<'} op
 * @param {number} limit
 * @returns {'PASS' | 'MISS' | 'SKIP'}
 */
export function verdict(value, op, limit) {
  if (value === undefined || !Number.isFinite(value)) return 'SKIP';
  const ok = op === '>=' ? value >= limit : op === '<=' ? value <= limit : value < limit;
  return ok ? 'PASS' : 'MISS';
}

/**
 * Formats an integer-ish number with thousands separators (`12,345`); `-` for NaN/undefined.
 * @param {number | undefined} n
 * @param {number} [digits]
 */
export function fmtNum(n, digits = 0) {
  if (n === undefined || !Number.isFinite(n)) return '-';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/**
 * Formats milliseconds: 2 decimals below 10 ms, 1 below 100, else none.
 * @param {number | undefined} ms
 */
export function fmtMs(ms) {
  if (ms === undefined || !Number.isFinite(ms)) return '-';
  const digits = ms < 10 ? 2 : ms < 100 ? 1 : 0;
  return `${ms.toFixed(digits)} ms`;
}

/**
 * Formats bytes as MiB with 1 decimal, e.g. `61.3 MiB`.
 * @param {number | undefined} bytes
 */
export function fmtMB(bytes) {
  if (bytes === undefined || !Number.isFinite(bytes)) return '-';
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * Formats a ratio as `0.87x`.
 * @param {number | undefined} r
 */
export function fmtRatio(r) {
  if (r === undefined || !Number.isFinite(r)) return '-';
  return `${r.toFixed(2)}x`;
}

/**
 * Formats a relative spread as `±3.1%` (half of (max - min) / median).
 * @param {number | undefined} rel
 */
export function fmtSpread(rel) {
  if (rel === undefined || !Number.isFinite(rel)) return '-';
  return `±${((rel / 2) * 100).toFixed(1)}%`;
}

/**
 * Renders rows as a plain-text (and Markdown-compatible) table with aligned columns.
 * The first column is left-aligned, the others right-aligned.
 * @param {readonly string[]} header
 * @param {readonly (readonly string[])[]} rows
 * @returns {string}
 */
export function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? '').length)));
  const cell = (s, i) => (i === 0 ? String(s).padEnd(widths[i]) : String(s).padStart(widths[i]));
  const line = (r) => `| ${r.map((c, i) => cell(c ?? '', i)).join(' | ')} |`;
  const sep = `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), sep, ...rows.map(line)].join('\n');
}

/**
 * Parses `/proc/<pid>/status` text into { rss, hwm } in bytes (VmRSS, VmHWM).
 * @param {string} text
 * @returns {{ rss: number, hwm: number }}
 */
export function parseProcStatus(text) {
  const kb = (name) => {
    const m = new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : Number.NaN;
  };
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/**
 * CPU time (user + system) in `/proc/<pid>/stat` text, in seconds (clock ticks of 10 ms, as on every
 * usual Linux). The command name (field 2) may hold spaces and parentheses: fields are counted from the
 * last `)`.
 * @param {string} text
 * @returns {number} NaN when the text is not a stat line
 */
export function parseProcStat(text) {
  const close = text.lastIndexOf(')');
  if (close < 0) return Number.NaN;
  // Fields after the command name start at field 3; utime and stime are fields 14 and 15.
  const fields = text.slice(close + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * The figures of one autocannon run, from autocannon's own result (its counters and histograms): req/s
 * over the run, latency percentiles (whole ms, autocannon's resolution), bytes per answer, statuses.
 * @param {any} result  autocannon's result object
 */
export function summarizeAutocannon(result) {
  const requests = result.requests.total;
  const seconds = result.duration;
  /** @type {Record<string, number>} */
  const statuses = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = count;
  return {
    durationSec: seconds,
    requests,
    rps: seconds > 0 ? requests / seconds : Number.NaN,
    latencyMs: {
      mean: result.latency.mean,
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    bytesPerResponse: requests > 0 ? result.throughput.total / requests : 0,
    statuses,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/** Below this share of one core over the measured window, a server was not the bottleneck. */
export const CPU_BOUND = 0.9;

/**
 * Whether a load measured its server: the server side must have kept one core busy (`serverCpu`, CPU
 * seconds per wall second, at least {@link CPU_BOUND}); otherwise the row's ratio is not used. The
 * reason names the likely cause: the generator at its own limit, or other work on the machine.
 * @param {{ serverCpu: number, generatorCpu: number }} load
 * @returns {{ cpuBound: boolean, reason?: string }}
 */
export function cpuBoundness({ serverCpu, generatorCpu }) {
  if (!Number.isFinite(serverCpu)) return { cpuBound: false, reason: 'server CPU not readable' };
  if (serverCpu >= CPU_BOUND) return { cpuBound: true };
  const share = `server at ${Math.round(serverCpu * 100)}% of a core`;
  return {
    cpuBound: false,
    reason:
      generatorCpu >= CPU_BOUND
        ? `${share}, generator at ${Math.round(generatorCpu * 100)}%: generator-bound`
        : `${share}: machine busy or server waiting`,
  };
}

/**
 * A problem when the average answer (headers + body, as the load generator counts bytes) is not the
 * expected body plus a header block of 50-400 bytes: an error envelope or a 429 would drag it far off.
 * @param {number} bytesPerResponse
 * @param {number} bodyBytes
 * @returns {string | undefined}
 */
export function answerSizeProblem(bytesPerResponse, bodyBytes) {
  const headerBytes = bytesPerResponse - bodyBytes;
  if (headerBytes >= 50 && headerBytes <= 400) return undefined;
  return `average answer of ${bytesPerResponse.toFixed(0)} bytes for a ${bodyBytes}-byte body`;
}
