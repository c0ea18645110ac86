import { describe, expect, it } from 'vitest';
import { colorEnabled, formatHelp, painter, progressLine, stripStyles } from './terminal.js';

describe('colorEnabled', () => {
  it.each([
    [true, {}, true],
    [false, {}, false],
    [undefined, {}, false],
    [true, { TERM: 'dumb' }, false],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: 'yes please' }, false],
    [true, { NO_COLOR: '' }, true],
    [false, { FORCE_COLOR: '1' }, true],
    [false, { FORCE_COLOR: '3' }, true],
    [false, { FORCE_COLOR: 'true' }, true],
    [true, { FORCE_COLOR: '0' }, false],
    [true, { FORCE_COLOR: 'false' }, false],
    [false, { FORCE_COLOR: '' }, false],
    [false, { FORCE_COLOR: '1', NO_COLOR: '1' }, false],
    [false, { FORCE_COLOR: '1', TERM: 'dumb' }, true],
  ] as const)('isTty %s with %j: %s', (isTty, env, expected) => {
    expect(colorEnabled(isTty, env)).toBe(expected);
  });
});

describe('painter', () => {
  it('wraps text in a style and its reset when enabled, and leaves it alone when not', () => {
    const on = painter(true);
    expect(on.enabled).toBe(true);
    expect(on('red', 'failed')).toBe('\u001b[31mfailed\u001b[39m');
    expect(on('bold', on('cyan', 'url'))).toBe('\u001b[1m\u001b[36murl\u001b[39m\u001b[22m');
    expect(on('green', '')).toBe('');
    expect(stripStyles(on('bold', on('cyan', 'url')))).toBe('url');
    const off = painter(false);
    expect(off.enabled).toBe(false);
    expect(off('red', 'failed')).toBe('failed');
  });
});

describe('progressLine', () => {
  it('rewrites one line in place on a terminal and erases it on clear', () => {
    const written: string[] = [];
    const p = progressLine((t) => written.push(t), true);
    p.clear();
    expect(written).toEqual([]);
    p.update('[1/2] a');
    p.update('[2/2] b');
    p.clear();
    p.clear();
    expect(written).toEqual(['\r\u001b[2K[1/2] a', '\r\u001b[2K[2/2] b', '\r\u001b[2K']);
  });

  it('writes plain lines, without carriage returns, elsewhere', () => {
    const written: string[] = [];
    const p = progressLine((t) => written.push(t), false);
    p.update('[1/2] a');
    p.update('[2/2] b');
    p.clear();
    expect(written).toEqual(['[1/2] a\n', '[2/2] b\n']);
    expect(written.join('')).not.toContain('\r');
  });
});

describe('formatHelp', () => {
  const spec = {
    summary: 'tool: does things',
    usage: ['tool [options]'],
    flags: {
      port: { type: 'string', value: 'PORT', env: 'TOOL_PORT', help: 'the port' },
      'a-long-flag': { type: 'boolean', help: 'a long one' },
      help: { type: 'boolean', short: 'h', help: 'print this help' },
    },
    examples: [['the default', 'tool']],
    notes: ['Exit codes: 0.'],
  } as const;

  it('aligns the flags and the environment, lists the colour variables, and ends with examples and notes', () => {
    const text = formatHelp(spec);
    expect(text).not.toContain('\u001b[');
    const options = text.split('Options:\n')[1]!.split('\n\n')[0]!.split('\n');
    expect(options).toEqual([
      '  --port PORT    the port',
      '  --a-long-flag  a long one',
      '  -h, --help     print this help',
    ]);
    const env = text.split('Environment:\n')[1]!.split('\n\n')[0]!.split('\n');
    expect(env.map((l) => l.trim().split(/\s{2,}/)[0])).toEqual(['TOOL_PORT', 'NO_COLOR', 'FORCE_COLOR']);
    expect(new Set(env.map((l) => l.search(/(?<=\S\s{2,})\S/))).size).toBe(1);
    expect(text).toContain('Examples:\n  # the default\n  tool\n\nExit codes: 0.\n');
    expect(text.startsWith('tool: does things\n\nUsage:\n  tool [options]\n')).toBe(true);
  });

  it('makes the headings bold when the paint colours', () => {
    const text = formatHelp(spec, painter(true));
    expect(text).toContain('\u001b[1mOptions:\u001b[22m');
    expect(stripStyles(text)).toBe(formatHelp(spec));
  });
});
