/**
 * `@timock/terminal` (private, never published): the terminal output that the timock CLIs and the bench
 * share. The published packages bundle it into their `dist`.
 *
 * @packageDocumentation
 */
export {
  type ColorEnv,
  colorEnabled,
  formatHelp,
  type HelpFlag,
  type HelpSpec,
  joinNegativeValues,
  type Paint,
  type Progress,
  painter,
  progressLine,
  type Style,
  stripStyles,
} from './terminal.js';
