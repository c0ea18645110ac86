/**
 * Terminal output that both timock CLIs share: when to colour, how to colour, progress lines and the
 * `--help` layout. Nothing here reads `process`; the CLIs pass their streams' TTY state and environment in.
 */

/** The ANSI styles the CLIs use: SGR on and off codes. */
const STYLES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
  gray: [90, 39],
} as const;

/** The escape character that starts every terminal control sequence. */
const ESC = '\u001b';
const SGR = new RegExp(`${ESC}\\[\\d+m`, 'g');

/** A style {@link Paint} applies. */
export type Style = keyof typeof STYLES;

/** The environment variables that decide colour. */
export type ColorEnv = Readonly<Record<string, string | undefined>>;

/**
 * Whether to colour a stream: never when `NO_COLOR` is set to anything but the empty string (it wins
 * over everything); otherwise `FORCE_COLOR` set to a non-empty value decides (`0` or `false`: never,
 * anything else: always); otherwise only on a terminal (`isTty`) whose `TERM` is not `dumb`.
 *
 * @example colorEnabled(process.stdout.isTTY, process.env)
 */
export function colorEnabled(isTty: boolean | undefined, env: ColorEnv): boolean {
  if (env.NO_COLOR) return false;
  const force = env.FORCE_COLOR;
  if (force) return force !== '0' && force !== 'false';
  return isTty === true && env.TERM !== 'dumb';
}

/** Wraps text in a style's codes, or returns it as it is when colour is off. */
export interface Paint {
  (style: Style, text: string): string;
  /** True when this paint adds codes. */
  readonly enabled: boolean;
}

/**
 * A {@link Paint} that colours when `enabled` (see {@link colorEnabled}) and returns text untouched
 * otherwise.
 *
 * @example painter(colorEnabled(process.stderr.isTTY, process.env))('red', 'failed')
 */
export function painter(enabled: boolean): Paint {
  const paint = (style: Style, text: string) =>
    enabled && text !== '' ? `${ESC}[${STYLES[style][0]}m${text}${ESC}[${STYLES[style][1]}m` : text;
  return Object.assign(paint, { enabled });
}

/** The text without the style codes a {@link Paint} adds (SGR sequences). */
export function stripStyles(text: string): string {
  return text.replace(SGR, '');
}

/** A line that tells what a long operation is doing (see {@link progressLine}). */
export interface Progress {
  /** Shows `text` as the current step. */
  update(text: string): void;
  /** Removes the line (on a terminal) so that other output starts on a clean line. */
  clear(): void;
}

/**
 * Progress for a stream that receives raw text (meant for stderr, so stdout stays clean for pipes). On
 * a terminal one line is rewritten in place (`\r`, erase line) and {@link Progress.clear} erases it;
 * elsewhere each update is a plain line ending in `\n` (no carriage returns in logs) and `clear` does
 * nothing.
 */
export function progressLine(write: (text: string) => void, isTty: boolean | undefined): Progress {
  let shown = false;
  if (isTty !== true) return { update: (text) => write(`${text}\n`), clear: () => {} };
  return {
    update(text) {
      write(`\r${ESC}[2K${text}`);
      shown = true;
    },
    clear() {
      if (shown) write(`\r${ESC}[2K`);
      shown = false;
    },
  };
}

/** One flag in a help text; the shape `node:util` `parseArgs` options take, plus what the help shows. */
export interface HelpFlag {
  /** `string` flags take a value, `boolean` ones do not. */
  readonly type: 'string' | 'boolean';
  /** The flag may be repeated (its values form an array). */
  readonly multiple?: boolean;
  /** A one-letter alias, e.g. `h` for `-h`. */
  readonly short?: string;
  /** The value's placeholder, e.g. `URL`. */
  readonly value?: string;
  /** The environment variable read when the flag is absent. */
  readonly env?: string;
  /** What the flag does, one line. */
  readonly help: string;
}

/** What {@link formatHelp} lays out. */
export interface HelpSpec {
  /** The first line: `command: what it does`. */
  readonly summary: string;
  /** The usage lines, without indentation. */
  readonly usage: readonly string[];
  readonly flags: Readonly<Record<string, HelpFlag>>;
  /** Realistic examples: what it does, then the command line. */
  readonly examples: readonly (readonly [comment: string, command: string])[];
  /** Closing lines (exit codes, notes). */
  readonly notes?: readonly string[];
}

/** The colour variables, listed in every help text's environment section. */
const COLOR_VARIABLES: readonly (readonly [string, string])[] = [
  ['NO_COLOR', 'any non-empty value turns colour off'],
  ['FORCE_COLOR', 'colour even when not on a terminal (0 or false: never)'],
];

function columns(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`.trimEnd());
}

/**
 * A command's `--help` text: summary, usage, aligned options, the environment variables (each flag's,
 * then `NO_COLOR`/`FORCE_COLOR`), examples and notes. Section headings are bold when `paint` colours.
 */
export function formatHelp(spec: HelpSpec, paint: Paint = painter(false)): string {
  const flags = Object.entries(spec.flags);
  const heading = (text: string) => paint('bold', text);
  const sections = [
    spec.summary,
    [heading('Usage:'), ...spec.usage.map((u) => `  ${u}`)].join('\n'),
    [
      heading('Options:'),
      ...columns(
        flags.map(([name, f]) => [
          `${f.short ? `-${f.short}, ` : ''}--${name}${f.value ? ` ${f.value}` : ''}`,
          f.help,
        ]),
      ),
    ].join('\n'),
    [
      heading('Environment:'),
      ...columns([
        ...flags.flatMap(([name, f]) => (f.env ? [[f.env, `instead of --${name}`] as const] : [])),
        ...COLOR_VARIABLES,
      ]),
    ].join('\n'),
    [heading('Examples:'), ...spec.examples.map(([comment, command]) => `  # ${comment}\n  ${command}`)].join(
      '\n',
    ),
    ...(spec.notes?.length ? [spec.notes.join('\n')] : []),
  ];
  return `${sections.join('\n\n')}\n`;
}

/**
 * The arguments with a negative number after a flag that takes a value joined to it (`--seed -1` as
 * `--seed=-1`): node:util's parser would read `-1` as an option ("argument is ambiguous"), and the value's
 * own check can then say what is wrong with it.
 */
export function joinNegativeValues(
  args: readonly string[],
  flags: Readonly<Record<string, HelpFlag>>,
): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    const flag = arg.startsWith('--') ? flags[arg.slice(2)] : undefined;
    if (flag?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}
