import { writeFileSync } from 'node:fs';
import { colorEnabled, painter, progressLine } from '@timock/terminal';
import pkg from '../../package.json' with { type: 'json' };
import { startMockTarget } from '../mock-target.js';
import { formatReport } from '../reporters.js';
import { runContract } from '../run.js';
import { CliUsageError, helpText, isCliUsageError, parseCli } from './args.js';

/** Where the CLI writes. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /**
   * True when `out` is a terminal (colours, see `colorEnabled` of `@timock/terminal`) and `err` is
   * one (coloured error line, one progress line updated in place).
   */
  readonly outIsTty?: boolean;
  readonly errIsTty?: boolean;
}

/**
 * The whole `timock-contract` command except the process glue: parses, runs the suite, writes the
 * report and returns the exit code (0 every strict check passed, 1 one failed, 2 bad usage). Every
 * problem becomes one line on `err`, never a stack trace. Progress goes to `err` only: on a terminal one
 * line updated in place, elsewhere one line per check with `--aggressive` and nothing without.
 */
export async function runCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: CliIo,
): Promise<number> {
  const errPaint = painter(colorEnabled(io.errIsTty, env));
  try {
    const cmd = parseCli(argv, env);
    if (cmd.kind === 'help') {
      io.out(helpText(painter(colorEnabled(io.outIsTty, env))));
      return 0;
    }
    if (cmd.kind === 'version') {
      io.out(`${pkg.version}\n`);
      return 0;
    }
    const mock = cmd.target === 'in-process' ? await startMockTarget(cmd.fidelity) : undefined;
    const progress = io.errIsTty === true || cmd.aggressive ? progressLine(io.err, io.errIsTty) : undefined;
    try {
      const report = await runContract(mock?.target ?? (cmd.target as Exclude<typeof cmd.target, string>), {
        aggressive: cmd.aggressive,
        only: cmd.only,
        onCheck: (c, i, total) => progress?.update(errPaint('dim', `[${i}/${total}] ${c.id} ...`)),
      });
      progress?.clear();
      const color = !cmd.output && colorEnabled(io.outIsTty, env);
      const text = formatReport(report, cmd.reporter, color);
      if (cmd.output) {
        try {
          writeFileSync(cmd.output, text);
        } catch (err) {
          throw new CliUsageError(
            `--output ${cmd.output}: cannot write (${(err as NodeJS.ErrnoException).code})`,
          );
        }
      } else io.out(text);
      return report.ok ? 0 : 1;
    } finally {
      progress?.clear();
      await mock?.close();
    }
  } catch (err) {
    if (isCliUsageError(err)) {
      io.err(`${errPaint('red', `timock-contract: ${err.message} (see --help)`)}\n`);
      return 2;
    }
    io.err(`${errPaint('red', `timock-contract: ${err instanceof Error ? err.message : String(err)}`)}\n`);
    return 1;
  }
}
