/**
 * The `timock-contract` command: the only module that reads `process.argv`/`process.env` and sets the
 * exit code; everything else lives in `cli/args.ts` and `cli/run.ts`.
 */
import { runCli } from './cli/run.js';

process.exitCode = await runCli(process.argv.slice(2), process.env, {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  outIsTty: process.stdout.isTTY,
  errIsTty: process.stderr.isTTY,
});
