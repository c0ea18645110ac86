/**
 * Packs every published package the way `changeset publish` would, checks each tarball with publint and
 * Are the Types Wrong, installs the library tarballs into a fresh project and loads them with both
 * `import` and `require`.
 */
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import semver from 'semver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const packages = ['schema', 'mock-server', 'client', 'contract-tests'];
/** The libraries that users import; the other two are mostly installed for their CLIs. */
const libraries = ['@timock/schema', '@timock/client'];

/** Runs pnpm the way the current run was started (`pnpm test` sets npm_execpath), else through npx. */
function pnpm(args: string[], cwd: string): string {
  const execPath = process.env.npm_execpath;
  if (execPath?.includes('pnpm'))
    return execFileSync(process.execPath, [execPath, ...args], { cwd, encoding: 'utf8' });
  return execFileSync('npx', ['-y', 'pnpm@10', ...args], { cwd, encoding: 'utf8' });
}

const work = mkdtempSync(join(tmpdir(), 'timock-pack-'));
const tarballs = new Map<string, string>();

beforeAll(() => {
  for (const p of packages) {
    const dir = join(root, 'packages', p);
    const name = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name as string;
    const before = new Set(readdirSync(work));
    pnpm(['pack', '--pack-destination', work], dir);
    const file = readdirSync(work).find((f) => !before.has(f) && f.endsWith('.tgz'));
    if (!file) throw new Error(`pnpm pack wrote no tarball for ${name}`);
    tarballs.set(name, join(work, file));
  }
}, 120_000); // packing four packages takes seconds, more on a busy machine

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(packages.map((p) => `@timock/${p}`))('%s tarball', (name) => {
  it('passes publint', async () => {
    const tarball = readFileSync(tarballs.get(name)!);
    const data = tarball.buffer.slice(
      tarball.byteOffset,
      tarball.byteOffset + tarball.byteLength,
    ) as ArrayBuffer;
    const { messages, pkg } = await publint({ pack: { tarball: data }, level: 'suggestion' });
    expect(messages.map((m) => formatMessage(m, pkg))).toEqual([]);
  });

  it('passes Are the Types Wrong (node16 profile: node10 resolution is not supported)', () => {
    const bin = join(root, 'node_modules', '.bin', 'attw');
    const args = [tarballs.get(name)!, '--profile', 'node16', '--format', 'ascii', '--no-color'];
    // attw exits non-zero when the profile finds a problem; the thrown error carries its report.
    expect(() => execFileSync(bin, args, { encoding: 'utf8', stdio: 'pipe' })).not.toThrow();
  });

  it('ships no workspace: ranges and only dist (and the bin wrappers)', () => {
    const listing = execFileSync('tar', ['-tzf', tarballs.get(name)!], { encoding: 'utf8' })
      .trim()
      .split('\n');
    expect(
      listing.filter(
        (f) => !/^package\/(dist\/|bin\/[\w-]+\.js$|package\.json$|README\.md$|LICENSE$)/.test(f),
      ),
    ).toEqual([]);
    const manifest = execFileSync('tar', ['-xzOf', tarballs.get(name)!, 'package/package.json'], {
      encoding: 'utf8',
    });
    expect(manifest).not.toContain('workspace:');
  });
});

/** The private workspace packages (never published): a published file must bundle, never import, them. */
const privatePackages = readdirSync(join(root, 'packages')).flatMap((dir) => {
  const manifest = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
  return manifest.private === true ? [manifest.name as string] : [];
});

describe.each(packages.map((p) => `@timock/${p}`))('%s tarball, private packages', (name) => {
  it('imports no private workspace package from any file (they are bundled in)', () => {
    expect(privatePackages).toContain('@timock/terminal');
    const dir = mkdtempSync(join(work, 'unpacked-'));
    execFileSync('tar', ['-xzf', tarballs.get(name)!, '-C', dir]);
    const names = privatePackages.map((n) => n.replace('/', '\\/')).join('|');
    const importing = new RegExp(`(?:from|import|require)\\s*\\(?\\s*["'](?:${names})["'/]`);
    const files = (readdirSync(join(dir, 'package'), { recursive: true }) as string[]).filter((f) =>
      /\.(?:c?js|d\.c?ts)$/.test(f),
    );
    expect(files.length).toBeGreaterThan(0);
    const offenders = files.filter((f) => importing.test(readFileSync(join(dir, 'package', f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});

describe('the packages installed from their tarballs', () => {
  const app = join(work, 'app');
  beforeAll(() => {
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
    execFileSync(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        '--loglevel=error',
        ...[...tarballs.values()],
      ],
      { cwd: app, stdio: 'pipe' },
    );
  }, 180_000);

  it.each(libraries)('%s loads with import and with require', (name) => {
    const esm = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import * as m from '${name}'; console.log(Object.keys(m).sort().join(','))`,
      ],
      {
        cwd: app,
        encoding: 'utf8',
      },
    );
    const cjs = execFileSync(
      process.execPath,
      ['-e', `console.log(Object.keys(require('${name}')).sort().join(','))`],
      {
        cwd: app,
        encoding: 'utf8',
      },
    );
    expect(esm.trim().length).toBeGreaterThan(0);
    expect(cjs.trim()).toBe(esm.trim());
  });

  it('compile every TypeScript snippet of the READMEs under --strict, as a consumer would', () => {
    const snippets = readmeSnippets();
    expect(snippets.length).toBeGreaterThan(5);
    const dir = join(app, 'snippets');
    mkdirSync(dir, { recursive: true });
    for (const { file, code } of snippets) writeFileSync(join(dir, file), code);
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noUncheckedIndexedAccess: true,
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
          typeRoots: [join(root, 'node_modules', '@types')],
          // A snippet that is a test imports vitest, which a consumer installs; here, the repository's.
          paths: { vitest: [join(root, 'node_modules', 'vitest', 'dist', 'index.d.ts')] },
        },
        include: ['snippets/*.mts'],
      }),
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    let errors = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', app], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      errors = String((error as { stdout?: string }).stdout);
    }
    expect(errors).toBe('');
  });

  it('serves the OpenAPI document as @timock/schema/openapi.json', () => {
    const out = execFileSync(
      process.execPath,
      [
        '-e',
        `const d = require('@timock/schema/openapi.json'); console.log(d.openapi, Object.keys(d.paths).join())`,
      ],
      { cwd: app, encoding: 'utf8' },
    );
    // The API first, then the control plane of the fake (tag `timock admin`).
    expect(out.trim()).toMatch(/^3\.1\.0 \/v4\/openconfigsvr\/getappinfo,\/__admin\/health,/);
  });
});

interface ListedDependency {
  version: string;
  path: string;
  dependencies?: Record<string, ListedDependency>;
}

/** Every package of `name`'s production tree (as installed from the lockfile), with its `engines.node`. */
function productionTree(name: string): Map<string, string | undefined> {
  const dir = join(root, 'packages', name.replace('@timock/', ''));
  const [listed] = JSON.parse(pnpm(['list', '--prod', '--json', '--depth', 'Infinity'], dir)) as [
    { dependencies?: Record<string, ListedDependency> },
  ];
  const engines = new Map<string, string | undefined>();
  const walk = (deps: Record<string, ListedDependency> | undefined) => {
    for (const [dep, info] of Object.entries(deps ?? {})) {
      const id = `${dep}@${info.version}`;
      if (engines.has(id)) continue;
      const manifest = JSON.parse(readFileSync(join(info.path, 'package.json'), 'utf8'));
      engines.set(id, manifest.engines?.node);
      walk(info.dependencies);
    }
  };
  walk(listed.dependencies);
  return engines;
}

describe.each(packages.map((p) => `@timock/${p}`))('%s engines', (name) => {
  it('declares a Node range that every package of its production tree supports (no EBADENGINE)', () => {
    const manifest = JSON.parse(
      readFileSync(join(root, 'packages', name.replace('@timock/', ''), 'package.json'), 'utf8'),
    );
    const ours = manifest.engines.node as string;
    const tree = productionTree(name);
    expect(tree.size).toBeGreaterThan(0);
    const narrower = [...tree].filter(([, range]) => range !== undefined && !semver.subset(ours, range));
    expect(
      narrower.map(([id, range]) => `${id} needs node ${range}`),
      `engines.node ${ours}`,
    ).toEqual([]);
  });
});

describe('the CLIs inside the repository', () => {
  it.each(['timock', 'timock-contract'])('run by name from the root: npx %s --version', (bin) => {
    const version = JSON.parse(readFileSync(join(root, 'packages', 'mock-server', 'package.json'), 'utf8'))
      .version as string;
    const out = execFileSync('npx', ['--no-install', bin, '--version'], { cwd: root, encoding: 'utf8' });
    expect(out.trim()).toBe(version);
  });
});

describe('the published declarations, as a consumer compiles them', () => {
  it('type buildServer().timock under --strict (the augmentation ships in dist/index.d.ts)', () => {
    // A consumer project whose only view of the fake is the built package (its `exports`, its dist).
    const consumer = mkdtempSync(join(tmpdir(), 'timock-consumer-'));
    try {
      mkdirSync(join(consumer, 'node_modules', '@timock'), { recursive: true });
      symlinkSync(
        join(root, 'packages', 'mock-server'),
        join(consumer, 'node_modules', '@timock', 'mock-server'),
      );
      writeFileSync(
        join(consumer, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            noEmit: true,
            skipLibCheck: true,
            types: [],
          },
          files: ['consumer.ts'],
        }),
      );
      writeFileSync(join(consumer, 'package.json'), '{"type":"module"}');
      writeFileSync(
        join(consumer, 'consumer.ts'),
        [
          "import { buildServer, type MockControls } from '@timock/mock-server';",
          'const server = buildServer();',
          'const controls: MockControls = server.timock;',
          'controls.faults.add({ errorCode: 130011, times: 1 });',
          '',
        ].join('\n'),
      );
      const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
      expect(() =>
        execFileSync(process.execPath, [tsc, '-p', consumer], { encoding: 'utf8', stdio: 'pipe' }),
      ).not.toThrow();
    } finally {
      rmSync(consumer, { recursive: true, force: true });
    }
  });
});

/** Every ```ts block of the READMEs a user reads, as a module file named after its README and place. */
function readmeSnippets(): { file: string; code: string }[] {
  // (examples/vitest-in-process/README.md quotes its report.test.ts, which runs in `pnpm test` itself.)
  const readmes = ['README.md', ...packages.map((p) => `packages/${p}/README.md`)];
  return readmes.flatMap((readme) => {
    const text = readFileSync(join(root, readme), 'utf8');
    const blocks = [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
    return blocks.map((code, i) => ({
      file: `${readme.replace(/[/.]/g, '_')}-${i + 1}.mts`,
      // Each snippet is a module of its own (top-level await, its own imports).
      code: `${code}\nexport {};\n`,
    }));
  });
}
