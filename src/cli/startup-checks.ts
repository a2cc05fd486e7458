/**
 * What `serve`, `sync` and `push` refuse at start, as one function that `config check` runs
 * too, so the two cannot drift: the state directory, APIBAN's CA file, the local source and
 * allowlist files, and (serve) the site's secret files and TLS pair and every device's
 * credentials, run through the very functions that use them. Secret files open to group or others
 * are warnings, never refusals.
 */
import type { Env, LoadedConfig } from '../config/load.js';
import { formatPath } from '../config/load.js';
import { notCaFile, openModeWarning, SECRET_FILE_FIELDS, unreadable, unusableDirectory } from '../config/file-checks.js';
import { isJsonObject } from '../json-object.js';
import { ConfigError } from '../errors.js';

/** Which start: `config check` checks everything any of them would. */
export type StartupScope = 'serve' | 'sync' | 'push' | 'all';

type Check = () => unknown;

/** The warnings (`path: problem` lines); throws one ConfigError listing every refusal. */
export async function checkStartup(loaded: LoadedConfig, env: Env, scope: StartupScope): Promise<string[]> {
  const problems: string[] = [];
  const collect = async (prefix: string, check: Check) => {
    try {
      await check();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems.map((line) => `${prefix}${line}`));
    }
  };
  const checks = [...commonChecks(loaded), ...(scope === 'serve' || scope === 'all' ? await serveChecks(loaded, env) : [])];
  // serve reads its file again on SIGHUP; standard input would be gone by then.
  if (scope === 'serve')
    checks.push(['', () => loaded.source === 'standard input' && refuse('-c', 'serve needs a file it can read again on SIGHUP, not -')]);
  for (const [prefix, check] of checks) await collect(prefix, check);
  if (problems.length > 0) throw new ConfigError(loaded.source, problems);
  return [...secretFileWarnings(loaded.config), ...deviceFileWarnings(loaded.config), ...mirrorEdgeWarnings(loaded.config)];
}

/** One problem line as a check: throws it when `problem` is set. */
function refuse(path: string, problem: string | undefined): void {
  if (problem !== undefined) throw new ConfigError(path, [`${path}: ${problem}`]);
}

function commonChecks(loaded: LoadedConfig): [string, Check][] {
  const { apiban, sources, policy } = loaded.config;
  return [
    ['', () => refuse('state.dir', unusableDirectory(loaded.stateDir))],
    ['', () => apiban.caFile !== undefined && refuse('apiban.caFile', notCaFile(apiban.caFile))],
    ...sources.map((s, i): [string, Check] => ['', () => s.file !== undefined && refuse(`sources[${i}].file`, unreadable(s.file))]),
    // Every sync builds the policy; an unreadable or invalid allowlist file stops publishing.
    ['', async () => (await import('../sync/publish.js')).buildPolicy(policy)],
  ];
}

async function serveChecks(loaded: LoadedConfig, env: Env): Promise<[string, Check][]> {
  const [{ resolveSite }, { loadTls }, { resolveDevice }] = await Promise.all([
    import('../serve/site.js'),
    import('../serve/listener.js'),
    import('../push/devices.js'),
  ]);
  const { tls } = loaded.config.serve;
  return [
    ['', () => resolveSite(loaded)],
    ['', () => tls !== undefined && loadTls(tls)],
    ...loaded.config.push.devices.flatMap((device, i): [string, Check][] => [
      [`push.devices[${i}].`, () => resolveDevice(device, env)],
      [
        `push.devices[${i}].`,
        () => device.credentials.caFile !== undefined && refuse('credentials.caFile', notCaFile(device.credentials.caFile)),
      ],
      [`push.devices[${i}].`, () => refuse('hostKey.knownHosts', knownHostsProblem(device.hostKey.knownHosts))],
    ]),
  ];
}

/** A missing known_hosts is fine (the first `push --accept-new-host-key` writes it); an unreadable one is not. */
function knownHostsProblem(path: string | undefined): string | undefined {
  const problem = path === undefined ? undefined : unreadable(path);
  return problem?.endsWith('(ENOENT)') ? undefined : problem;
}

/** Every secret file the configuration names (any section, any depth) that group or others can read. */
function secretFileWarnings(value: unknown, path: (string | number)[] = []): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => secretFileWarnings(item, [...path, i]));
  if (!isJsonObject(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const at = [...path, key];
    if (typeof child !== 'string' || !(SECRET_FILE_FIELDS as readonly string[]).includes(key)) return secretFileWarnings(child, at);
    const warning = openModeWarning(child);
    return warning === undefined ? [] : [`${formatPath(at)}: ${warning}`];
  });
}

/** known_hosts files the devices name that do not exist yet: pushes will need --accept-new-host-key once. */
function deviceFileWarnings(config: LoadedConfig['config']): string[] {
  return config.push.devices.flatMap((device, i) => {
    const path = device.hostKey.knownHosts;
    if (path === undefined || device.hostKey.fingerprints.length > 0 || !unreadable(path)?.endsWith('(ENOENT)')) return [];
    return [`push.devices[${i}].hostKey.knownHosts: ${path} does not exist yet; the first push needs --accept-new-host-key`];
  });
}

/** serve.mirror.includeEdge where there is nothing to include or nowhere to list it: said, never silently ignored. */
function mirrorEdgeWarnings(config: LoadedConfig['config']): string[] {
  const { mirror } = config.serve;
  if (!mirror.includeEdge) return [];
  if (!mirror.enabled) return ['serve.mirror.includeEdge: has no effect while serve.mirror.enabled is false'];
  if (config.ingest.listen === undefined) return ['serve.mirror.includeEdge: has no effect while ingest.listen is unset (no edge bans)'];
  return [];
}
