import type { Paint } from '@timock/terminal';
import type { LineSink } from './logging.js';

/** A pino line as {@link readableLines} reads it. */
interface PinoLine {
  level?: number;
  time?: number;
  msg?: string;
  method?: string;
  url?: string;
  sdkappid?: string;
  identifier?: string;
  code?: number;
  reason?: string;
  responseTimeMs?: number;
  err?: { message?: string };
}

const LEVEL_NAMES: Readonly<Record<number, string>> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/**
 * One line a person can read for a pino line: a request as time, method, path, app, identifier, code,
 * the reason or `OK`, and latency, coloured by outcome (green success, yellow refusal, red 70500 or a
 * failure of HTTP); any other line as time, level and message. The path's query is left out (it holds
 * the UserSig).
 */
export function readableLine(json: string, paint: Paint): string {
  let line: PinoLine;
  try {
    line = JSON.parse(json) as PinoLine;
  } catch {
    return json.trimEnd();
  }
  const time = new Date(line.time ?? Date.now()).toISOString().slice(11, 23);
  if (line.msg === 'request completed') {
    const path = (line.url ?? '').split('?', 1)[0];
    const who = [line.sdkappid ?? '-', line.identifier ?? '-'].join(' ');
    const ok = line.code === 0;
    const outcome = ok ? 'OK' : (line.reason ?? '');
    const style = ok ? 'green' : line.code === 70500 || line.code === undefined ? 'red' : 'yellow';
    const ms = line.responseTimeMs === undefined ? '' : ` ${line.responseTimeMs.toFixed(1)} ms`;
    return `${paint('dim', time)} ${line.method} ${path} ${who} ${paint(style, `${line.code ?? '-'} ${outcome}`.trimEnd())}${paint('dim', ms)}`;
  }
  const level = LEVEL_NAMES[line.level ?? 30] ?? 'INFO';
  const style = (line.level ?? 30) >= 50 ? 'red' : (line.level ?? 30) >= 40 ? 'yellow' : 'dim';
  const detail = line.err?.message ? `: ${line.err.message}` : '';
  return `${paint('dim', time)} ${paint(style, level)} ${line.msg ?? ''}${detail}`;
}

/**
 * Lines for a terminal: each pino line rendered by {@link readableLine} and written at once (a
 * terminal shows lines as they come; JSON lines to a file or pipe go through {@link stdoutLines}).
 */
export function readableLines(
  paint: Paint,
  write: (text: string) => unknown = (text) => process.stdout.write(text),
): LineSink {
  const flush = () => undefined;
  return {
    stream: {
      write(json) {
        write(`${readableLine(json, paint)}\n`);
        return true;
      },
      flush,
    },
    flush,
  };
}
