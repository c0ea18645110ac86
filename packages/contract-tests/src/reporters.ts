import { painter, type Style } from '@timock/terminal';
import type { Outcome } from './check.js';
import type { ContractReport } from './run.js';

/** The report formats of the CLI. */
export const REPORTERS = ['pretty', 'json', 'junit'] as const;
/** A report format. */
export type ReporterName = (typeof REPORTERS)[number];

const MARK: Record<Outcome, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  observation: 'OBSERVED',
  warning: 'WARN',
  skip: 'SKIP',
};
const COLOR: Record<Outcome, Style> = {
  pass: 'green',
  fail: 'red',
  observation: 'cyan',
  warning: 'yellow',
  skip: 'gray',
};

/**
 * A human-readable report: one line per check, and for anything but a pass what was seen; for a
 * failure also the request (UserSig redacted) and the start of the answer. With `color`, the marks and
 * the counts are coloured (ANSI).
 */
export function formatPretty(report: ContractReport, color = false): string {
  const style = painter(color);
  const paint = (o: Outcome, s: string) => style(COLOR[o], s);
  const count = (o: Outcome, n: number, text: string) => (n > 0 ? paint(o, text) : text);
  const width = Math.max(...report.results.map((r) => r.id.length));
  const lines = [
    `timock contract: ${report.target.kind} target ${report.target.origin} (sdkappid ${report.target.sdkappid})`,
    '',
  ];
  // One shared cause first, then the detail.
  if (report.diagnosis) lines.push(style('bold', `diagnosis: ${report.diagnosis}`), '');
  for (const r of report.results) {
    lines.push(`${paint(r.outcome, MARK[r.outcome].padEnd(8))} ${r.id.padEnd(width)}  ${r.title}`);
    if (r.outcome !== 'pass' && r.detail) lines.push(`${' '.repeat(9)}${r.detail}`);
    if (r.outcome === 'fail' && r.request) {
      lines.push(`${' '.repeat(9)}request: ${r.request.method} ${r.request.url}  body: ${r.request.body}`);
      if (r.answer) lines.push(`${' '.repeat(9)}answer:  HTTP ${r.answer.status} ${r.answer.body}`);
    }
  }
  const differ = report.fidelity.filter((f) => !f.matches && f.config !== undefined);
  if (differ.length > 0) {
    lines.push(
      '',
      'fidelity: the target differs from the fake here; to make the fake match, add to its config:',
    );
    for (const f of differ) lines.push(`  ${f.behaviour}: seen ${JSON.stringify(f.seen)}  ${f.config}`);
  }
  const c = report.counts;
  lines.push(
    '',
    `${count('pass', c.pass, `${c.pass} passed`)}, ${count('fail', c.fail, `${c.fail} failed`)}, ` +
      `${count('observation', c.observation, `${c.observation} observations`)}, ` +
      `${count('warning', c.warning, `${c.warning} warnings`)}, ${c.skip} skipped in ${(report.durationMs / 1000).toFixed(1)} s`,
  );
  return `${lines.join('\n')}\n`;
}

const xml = (s: string) =>
  s.replace(
    /[<>&"']/g,
    (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[ch]!,
  );

/** A JUnit XML report: one test suite per group, one test case per check; observations and warnings as system-out. */
export function formatJunit(report: ContractReport): string {
  const groups = [...new Set(report.results.map((r) => r.group))];
  const suites = groups.map((g) => {
    const rs = report.results.filter((r) => r.group === g);
    const cases = rs.map((r) => {
      const name = `${r.id}: ${r.title}`;
      const body =
        r.outcome === 'fail'
          ? `<failure message="${xml(r.detail ?? '')}">${xml(
              [
                r.request && `${r.request.method} ${r.request.url}`,
                r.answer && `HTTP ${r.answer.status} ${r.answer.body}`,
              ]
                .filter(Boolean)
                .join('\n'),
            )}</failure>`
          : r.outcome === 'skip'
            ? `<skipped message="${xml(r.detail ?? '')}"/>`
            : r.outcome !== 'pass'
              ? `<system-out>${xml(`${r.outcome}: ${r.detail ?? ''}`)}</system-out>`
              : '';
      return `    <testcase classname="contract.${g}" name="${xml(name)}" time="${(r.durationMs / 1000).toFixed(3)}">${body}</testcase>`;
    });
    const failures = rs.filter((r) => r.outcome === 'fail').length;
    const skipped = rs.filter((r) => r.outcome === 'skip').length;
    return `  <testsuite name="${g}" tests="${rs.length}" failures="${failures}" skipped="${skipped}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="timock contract" tests="${report.results.length}" failures="${report.counts.fail}">\n${suites.join('\n')}\n</testsuites>\n`;
}

/** Formats a report in the named format. */
export function formatReport(report: ContractReport, reporter: ReporterName, color = false): string {
  if (reporter === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  if (reporter === 'junit') return formatJunit(report);
  return formatPretty(report, color);
}
