// The benchmark's command line, parsed into one configuration (pure: unit-tested).
import { parseArgs } from 'node:util';
import { DEFAULT_ROWS, ROW_IDS } from './rows.mjs';

/** `node bench/run.mjs --help`. */
export const HELP = `pnpm bench [-- options]

  --quick              short smoke run (1 round, 0.5 s warm-up + 2 s per load, fewer client calls)
  --rounds N           rounds of alternating rows (default 3)
  --duration S         measured seconds per load (default 5)
  --warmup S           unmeasured seconds of load before each measurement (default 1)
  --connections N      concurrent connections (default 50)
  --rows a,b,...       rows to run (default: ${DEFAULT_ROWS.join(',')})
                       also: baseline-b-buffer, timock-warn, timock-invalid
  --generator G        load generator: wrk (default when wrk is on the PATH) or autocannon
  --no-extras          skip the client overhead, Redis cost and start-up measurements
  --out FILE           JSON results (default bench/results/latest.json)
  -h, --help`;

/**
 * A positive number from a flag, or the default.
 * @param {string | undefined} text
 * @param {number} fallback
 */
function positive(text, fallback) {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`not a positive number: ${text}`);
  return n;
}

/**
 * The rows a `--rows` value names, each one known.
 * @param {string} text
 */
function knownRows(text) {
  const rows = text.split(',').map((s) => s.trim());
  const unknown = rows.filter((id) => !ROW_IDS.includes(id));
  if (unknown.length > 0) throw new Error(`unknown row ${unknown.join(', ')}; known: ${ROW_IDS.join(', ')}`);
  return rows;
}

/** The load generators the benchmark can drive. */
export const GENERATORS = ['wrk', 'autocannon'];

/**
 * The run's configuration from its arguments (`pnpm bench -- --quick` passes a lone `--`: dropped).
 * @param {string[]} args
 * @param {string} defaultOut
 */
export function parseBenchArgs(args, defaultOut) {
  const { values } = parseArgs({
    args: args.filter((a) => a !== '--'),
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      rows: { type: 'string' },
      generator: { type: 'string' },
      'no-extras': { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const quick = values.quick;
  if (values.generator !== undefined && !GENERATORS.includes(values.generator))
    throw new Error(`--generator must be one of ${GENERATORS.join(', ')}, got ${values.generator}`);
  return {
    help: values.help,
    quick,
    rounds: Math.round(positive(values.rounds, quick ? 1 : 3)),
    load: {
      durationSec: positive(values.duration, quick ? 2 : 5),
      warmupSec: positive(values.warmup, quick ? 0.5 : 1),
      connections: Math.round(positive(values.connections, 50)),
    },
    /** @type {'wrk' | 'autocannon' | undefined} undefined: wrk when installed, else autocannon */
    generator: values.generator,
    rows: values.rows ? knownRows(values.rows) : DEFAULT_ROWS,
    extras: !values['no-extras'],
    startupSamples: quick ? 2 : 5,
    blocks: quick
      ? { blocks: 10, callsPerBlock: 50, warmupCalls: 200 }
      : { blocks: 40, callsPerBlock: 100, warmupCalls: 500 },
    out: values.out ?? defaultOut,
  };
}
