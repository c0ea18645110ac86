// The command line of a bench script (`pnpm soak`, `pnpm memory`): its flags, `--help`, and positive
// numbers, with one line and exit code 2 for a bad flag or value.
import { parseArgs } from 'node:util';
import { joinNegativeValues } from '@timock/terminal';

/**
 * Reads `process.argv` (a lone `--` from `pnpm <script> --` dropped) with `options`; prints `help` and
 * exits 0 on `--help`.
 * @param {string} tool  the script's name, for messages (`soak`, `memory`)
 * @param {string} help
 * @param {import('node:util').ParseArgsConfig['options']} options
 */
export function scriptArgs(tool, help, options) {
  let values;
  try {
    ({ values } = parseArgs({
      // `--seconds -1` reaches the value check instead of node:util's "argument is ambiguous".
      args: joinNegativeValues(
        process.argv.slice(2).filter((a) => a !== '--'),
        options,
      ),
      options: { ...options, help: { type: 'boolean', short: 'h', default: false } },
    }));
  } catch (error) {
    // A bad flag or a missing value: node:util's first sentence, on one line.
    console.error(`${tool}: ${String(error.message).split('\n')[0]} (see --help)`);
    process.exit(2);
  }
  if (values.help) {
    console.log(help);
    process.exit(0);
  }
  /**
   * A flag's value as a positive number (an integer with `integer`); one line and exit 2 otherwise.
   * @param {string} name
   * @param {{ integer?: boolean }} [opts]
   */
  const positive = (name, { integer = false } = {}) => {
    const n = Number(values[name]);
    if (!(integer ? Number.isInteger(n) : Number.isFinite(n)) || n <= 0) {
      console.error(
        `${tool}: --${name} must be a positive ${integer ? 'integer' : 'number'}, got "${values[name]}"`,
      );
      process.exit(2);
    }
    return n;
  };
  return { values, positive };
}
