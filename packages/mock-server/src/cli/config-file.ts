/**
 * The config file of `timock serve` (`--config FILE`, `TIMOCK_CONFIG`): its schema, a pick of the server's
 * options, and the fixture files it and `--fixtures` name.
 */
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type Fixture, FixtureSchema } from '@timock/schema';
import { z } from 'zod';
import { DEMO_APP, ServerOptionsSchema } from '../options.js';
import { CliUsageError, readJsonFile } from './flags.js';

/**
 * The JSON config file: `{"apps":[...],"seed":42}` (plus `bodyLimit`, cache sizes, `admin`, `adminToken`,
 * `journalSize`, `fidelity`, timeouts, and `fixtures`: fixture file paths, relative to the config file).
 */
export const ConfigFileSchema = ServerOptionsSchema.pick({
  apps: true,
  seed: true,
  bodyLimit: true,
  sigCacheSize: true,
  answerCacheSize: true,
  cacheBudget: true,
  redis: true,
  admin: true,
  adminToken: true,
  journalSize: true,
  fidelity: true,
  headersTimeout: true,
  requestTimeout: true,
  keepAliveTimeout: true,
  connectionTimeout: true,
  drainTimeout: true,
})
  .extend({
    fixtures: z
      .union([z.string().min(1), z.array(z.string().min(1))])
      .meta({ description: 'fixture files (`timock record`) to serve, relative to the config file' }),
  })
  .partial();

/** The config file after validation. */
export type ConfigFile = z.input<typeof ConfigFileSchema>;

/** Reads and checks the config file; every mistake is listed in one usage line. */
export function readConfigFile(path: string): ConfigFile {
  return readJsonFile(path, ConfigFileSchema, 'config file');
}

/**
 * One warning line when a config file that holds secret keys (other than the public demo key) can be
 * read by its group or by others; `undefined` when it cannot, or on platforms without POSIX modes.
 * The line names the file and its mode, never a key.
 */
export function configPermissionWarning(
  path: string,
  config: Pick<ConfigFile, 'apps'>,
  platform = process.platform,
): string | undefined {
  if (platform === 'win32') return undefined;
  const secret = config.apps?.some((app) => app.secretKey !== DEMO_APP.secretKey) ?? false;
  if (!secret) return undefined;
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch {
    return undefined;
  }
  if ((mode & 0o044) === 0) return undefined;
  const octal = mode.toString(8).padStart(3, '0');
  return `warning: config file ${path} holds secret keys and is readable by ${mode & 0o004 ? 'others' : 'its group'} (mode ${octal}); chmod 600 it`;
}

/** The fixtures named by the config file (relative to it) and by `--fixtures`, read and checked. */
export function readFixtures(
  configPath: string | undefined,
  fromConfig: string | string[] | undefined,
  fromFlags: readonly string[],
): { path: string; fixture: Fixture }[] {
  const base = configPath === undefined ? '.' : dirname(configPath);
  const paths = [...[fromConfig ?? []].flat().map((p) => resolve(base, p)), ...fromFlags];
  const seen = new Map<number, string>();
  return paths.map((path) => {
    const fixture = readJsonFile(path, FixtureSchema, 'fixture file');
    const other = seen.get(fixture.sdkappid);
    if (other !== undefined) {
      throw new CliUsageError(`fixture files ${other} and ${path} both record app ${fixture.sdkappid}`);
    }
    seen.set(fixture.sdkappid, path);
    return { path, fixture };
  });
}
