/**
 * The README shell blocks a newcomer runs, run as written (the root README's from the repository's
 * root, as it says; the packages' in a temporary directory). A block is run when the line before its
 * opening fence is `<!-- readme-test: run -->`, or `<!-- readme-test: run after "COMMAND" -->` when it needs
 * something started first (e.g. the fake in the background). Each block runs in bash (`set -euo
 * pipefail`) in a temporary directory, with the repository's own bins (`timock`, `timock-contract`)
 * on the PATH, as `npx` finds them inside the repository; a package README's block runs in a project
 * whose `node_modules` are the repository's, as a project that installed the packages has them. Two things differ from a person typing it:
 * every port the block names (`--port N`, `127.0.0.1:N`) is swapped for a free one, so that the tests
 * never depend on a fixed port; and after a line that ends with `&`, the runner waits until the port
 * that line names accepts connections, as a person would wait for the banner. Background processes
 * are stopped when the block ends. Blocks that need a binary the machine lacks (redis-server) say so
 * and are skipped.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const READMES = [
  'README.md',
  'packages/schema/README.md',
  'packages/mock-server/README.md',
  'packages/client/README.md',
  'packages/contract-tests/README.md',
];
const MARKER = /^<!-- readme-test: run(?: after "([^"]+)")? -->$/;

/** One marked block: where it is, what runs first, and its lines. */
interface Block {
  readonly where: string;
  readonly setup: string | undefined;
  readonly script: string;
}

/** The marked shell blocks of a README. */
function markedBlocks(readme: string, text: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const marker = MARKER.exec(lines[i]!);
    if (!marker) continue;
    let open = i + 1;
    while (lines[open]?.trim() === '') open++;
    if (!/^```(sh|bash)$/.test(lines[open] ?? ''))
      throw new Error(`${readme}:${i + 1}: a marker without a sh block`);
    const close = lines.indexOf('```', open + 1);
    blocks.push({
      where: `${readme}:${open + 1}`,
      setup: marker[1],
      script: lines.slice(open + 1, close).join('\n'),
    });
  }
  return blocks;
}

const freePort = () =>
  new Promise<number>((done, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });

/** The block as the runner runs it: its ports swapped for free ones, a wait after each `&` line. */
async function runnable(block: Block): Promise<string> {
  const text = [block.setup, block.script].filter(Boolean).join('\n');
  const ports = new Map<string, number>();
  for (const m of text.matchAll(/(?:--port |127\.0\.0\.1:)(\d{4,5})\b/g)) {
    if (!ports.has(m[1]!)) ports.set(m[1]!, await freePort());
  }
  const swap = (line: string) =>
    line.replace(/(--port |127\.0\.0\.1:)(\d{4,5})\b/g, (all, lead: string, port: string) =>
      ports.has(port) ? `${lead}${ports.get(port)}` : all,
    );
  // Continuation lines are joined first, so that a `&` or a port on a continued line is seen.
  const lines = text
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map(swap);
  const out = ['set -euo pipefail', "trap 'kill $(jobs -p) 2>/dev/null || true' EXIT"];
  for (const line of lines) {
    out.push(line);
    const port = /--port (\d+)/.exec(line)?.[1];
    if (/&\s*(#.*)?$/.test(line) && port) {
      out.push(
        `for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/${port}) 2>/dev/null && break; sleep 0.1; done`,
      );
    }
  }
  return out.join('\n');
}

function runBash(script: string, cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const bin = join(root, 'node_modules', '.bin');
    const child = spawn('bash', ['-c', script], {
      cwd,
      // A person's shell: none of the npm_* variables the test runner was started with (under them, npx
      // looks for a package elsewhere than the repository's own bins).
      env: {
        ...Object.fromEntries(
          Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')),
        ),
        PATH: `${bin}:${process.env.PATH}`,
        NO_COLOR: '1',
        FORCE_COLOR: '0',
      },
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 90_000);
    let exitCode: number | null = null;
    // Once bash is done, whatever the block left behind in its process group goes too (a server that
    // `npx` started in the background outlives the `kill` of its job and keeps the output open).
    child.on('exit', (code) => {
      exitCode = code;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {}
    });
    child.on('close', () => {
      clearTimeout(timer);
      done({ code: exitCode, output });
    });
  });
}

const hasBinary = (name: string) => {
  try {
    execFileSync('bash', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

const blocks = READMES.flatMap((readme) => markedBlocks(readme, readFileSync(join(root, readme), 'utf8')));

describe('README shell blocks marked to run', () => {
  it('are there to run (the root Quick start is checked by .ci/run itself)', () => {
    expect(blocks.length).toBeGreaterThan(1);
    expect(existsSync(join(root, 'node_modules', '.bin', 'timock'))).toBe(true);
  });

  it.each(blocks.map((b) => [b.where, b] as const))(
    '%s runs as written',
    async (_where, block) => {
      if (/redis-server/.test(block.script) && !hasBinary('redis-server')) {
        console.warn(`${block.where}: skipped, no redis-server on this machine`);
        return;
      }
      const cwd = mkdtempSync(join(tmpdir(), 'timock-readme-'));
      try {
        // The root README's commands run from the repository's root, as it says; the others in a project
        // that has the packages installed (its node_modules are the repository's, so that `npx timock`
        // finds `timock` there, as it would after `npm i -D @timock/mock-server`).
        const inRoot = block.where.startsWith('README.md:');
        if (!inRoot) {
          symlinkSync(join(root, 'node_modules'), join(cwd, 'node_modules'));
          writeFileSync(join(cwd, 'package.json'), '{"name":"readme-block","private":true}\n');
        }
        const dir = inRoot ? root : cwd;
        const { code, output } = await runBash(await runnable(block), dir);
        expect(code, output.slice(-2000)).toBe(0);
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
