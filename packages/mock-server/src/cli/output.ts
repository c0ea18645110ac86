import type { Paint } from '@timock/terminal';

/** Where the CLI writes: each call is one whole line (the writer ends it). */
export interface CliOutput {
  /** Writes one line to standard output. */
  outLine(line: string): void;
  /** Writes one line to standard error. */
  errLine(line: string): void;
  /** True when standard output is a terminal: human output is coloured (see {@link colorEnabled}). */
  readonly outIsTty?: boolean;
  /** True when standard error is a terminal: error lines are coloured. */
  readonly errIsTty?: boolean;
}

/** How each stream of a {@link CliOutput} is coloured. */
export interface CliPaints {
  out: Paint;
  err: Paint;
}
