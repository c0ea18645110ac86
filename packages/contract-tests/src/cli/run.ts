import { writeFileSync } from 'node:fs';
import pkg from '../../package.json' with { type: 'json' };
import { startMockTarget } from '../mock-target.js';
import { formatReport } from '../reporters.js';
import { runContract } from '../run.js';
import { CliUsageError, HELP, parseCli } from './args.js';

/** Where the CLI writes. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** True when `out` is a terminal (colours) and `err` is one (a progress line). */
  readonly outIsTty?: boolean;
  readonly errIsTty?: boolean;
}

/**
 * The whole `timock-contract` command except the process glue: parses, runs the suite, writes the
 * report and returns the exit code (0 every strict check passed, 1 one failed, 2 bad usage). Every
 * problem becomes one line on `err`, never a stack trace.
 */
export async function runCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: CliIo,
): Promise<number> {
  try {
    const cmd = parseCli(argv, env);
    if (cmd.kind === 'help') {
      io.out(HELP);
      return 0;
    }
    if (cmd.kind === 'version') {
      io.out(`${pkg.version}\n`);
      return 0;
    }
    const mock = cmd.target === 'in-process' ? await startMockTarget() : undefined;
    const progress = io.errIsTty && !cmd.output;
    let n = 0;
    try {
      const report = await runContract(mock?.target ?? (cmd.target as Exclude<typeof cmd.target, string>), {
        aggressive: cmd.aggressive,
        only: cmd.only,
        onResult: (r) => progress && io.err(`\r\u001b[2K${++n} checks run (${r.id})`),
      });
      if (progress) io.err('\r\u001b[2K');
      const color = !cmd.output && io.outIsTty === true && !env.NO_COLOR;
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
      await mock?.close();
    }
  } catch (err) {
    if (err instanceof CliUsageError) {
      io.err(`timock-contract: ${err.message} (see --help)\n`);
      return 2;
    }
    io.err(`timock-contract: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
