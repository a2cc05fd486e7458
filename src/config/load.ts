/**
 * Loading: read YAML or JSON, expand `${VAR}` (a missing variable is an error, never an empty
 * string), apply the APIBAN_* environment overrides, load the writers and drivers the file names,
 * validate, and render every problem as a `path: message` line. The YAML parser is loaded only
 * for a YAML file: no file, or a JSON one, never pays for it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import type { AnyTargetWriter } from '../writers/contract.js';
import { ConfigError, errorDetail, errorMessage } from '../errors.js';
import { isJsonObject } from '../json-object.js';
import { ONE_PARSE } from '../plain-issues.js';
import { findRedacted, REDACTED } from './redact.js';
import type { DriverSettingsSchema } from './push-schema.js';
import type { RegistryView } from './registry-entry.js';
import { buildConfigSchema, type Config } from './schema.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface LoadedConfig {
  config: Config;
  /** Where it came from, for messages: a path or "defaults". */
  source: string;
  /** Absolute state directory after defaults and overrides. */
  stateDir: string;
  /** The file as written, before `${VAR}` expansion (what `config print` shows); absent when built in code. */
  document?: Record<string, unknown>;
}

/** A registry as loading sees it: every name, and a way to load the entries of some names. */
export interface RegistryLoader<E> {
  readonly names: readonly string[];
  load(names: readonly string[]): Promise<ReadonlyMap<string, E>>;
}

/** Where the writers (targets/index.ts) and drivers (src/push/drivers/index.ts) come from. */
export interface ConfigRegistryLoaders {
  targets: RegistryLoader<AnyTargetWriter>;
  drivers: RegistryLoader<DriverSettingsSchema>;
}

export async function loadConfig(path: string | undefined, env: Env, registries: ConfigRegistryLoaders): Promise<LoadedConfig> {
  const source = path === undefined ? 'defaults' : path === STDIN_PATH ? 'standard input' : path;
  const raw = path === undefined ? {} : await readConfigFile(path);
  if (!isJsonObject(raw))
    throw new ConfigError(source, [
      `(root): the configuration must be a mapping of sections (apiban:, outputs:, ...), not ${describeKind(raw)}`,
    ]);
  const problems: string[] = [];
  const expanded = expandEnv(raw, env, [], problems);
  // After expansion, which has cut any YAML alias cycle.
  for (const at of findRedacted(expanded))
    problems.push(`${formatPath(at)}: holds ${REDACTED} from \`config print\`; put the secret back (better as \${VAR} or a file)`);
  if (problems.length > 0) throw new ConfigError(source, problems);
  const withOverrides = applyEnvOverrides(expanded, env);
  const schema = buildConfigSchema({
    targets: await loadNamed(registries.targets, namesAt(withOverrides.outputs, 'target')),
    drivers: await loadNamed(
      registries.drivers,
      namesAt(isJsonObject(withOverrides.push) ? withOverrides.push.devices : undefined, 'driver'),
    ),
  });
  const result = schema.safeParse(withOverrides, ONE_PARSE);
  if (!result.success) throw new ConfigError(source, formatIssues(result.error.issues));
  return { config: result.data, source, stateDir: resolveStateDir(result.data, env), document: raw };
}

/** The `field` string of each mapping in `entries` (an output's target, a device's driver). */
function namesAt(entries: unknown, field: string): string[] {
  if (!Array.isArray(entries)) return [];
  return entries.flatMap((entry) => (isJsonObject(entry) && typeof entry[field] === 'string' ? [entry[field]] : []));
}

async function loadNamed<E>(registry: RegistryLoader<E>, names: readonly string[]): Promise<RegistryView<E>> {
  const loaded = await registry.load(names);
  return { names: registry.names, get: (name) => loaded.get(name) };
}

/** `-c -` reads the configuration from standard input (`config print | config check -c -`). */
export const STDIN_PATH = '-';

/**
 * The file's text, without the byte order mark some Windows editors put first: both JSON.parse
 * and YAML would take U+FEFF for content (JSON refuses it, YAML makes it part of the first key).
 */
export function readConfigText(path: string): string {
  try {
    return readFileSync(path === STDIN_PATH ? 0 : path, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw new ConfigError(path, [`cannot read: ${errorDetail(error)}`]);
  }
}

async function readConfigFile(path: string): Promise<unknown> {
  const text = readConfigText(path);
  if (path.endsWith('.json')) {
    try {
      return JSON.parse(text) ?? {};
    } catch (error) {
      throw new ConfigError(path, [`syntax: ${firstLine(error)}`]);
    }
  }
  // yaml is CommonJS: its exports are the default export both in node and in the CLI bundle.
  const { default: yaml } = await import('yaml');
  try {
    return yaml.parse(text, { prettyErrors: true }) ?? {};
  } catch (error) {
    const where =
      error instanceof yaml.YAMLParseError && error.linePos ? `line ${error.linePos[0].line}, column ${error.linePos[0].col}` : 'syntax';
    throw new ConfigError(path, [`${where}: ${firstLine(error)}`]);
  }
}

function firstLine(error: unknown): string {
  return errorMessage(error).split('\n')[0];
}

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The kind only: a file holding one bare string might hold just a secret. */
function describeKind(value: unknown): string {
  return Array.isArray(value) ? 'a list' : `a ${typeof value}`;
}

/**
 * Replaces `${NAME}` in every string; `$${` escapes a literal `${`. `ancestors` are the
 * containers being walked: a YAML alias inside its own anchor (`a: &a [*a]`) makes a cycle,
 * reported at its path instead of recursing forever.
 */
export function expandEnv(value: unknown, env: Env, path: (string | number)[], problems: string[], ancestors = new Set<object>()): unknown {
  if (value !== null && typeof value === 'object' && ancestors.has(value)) {
    problems.push(`${formatPath(path)}: refers to itself (a YAML alias inside its own anchor)`);
    return undefined;
  }
  if (typeof value === 'string') {
    return value
      .split('$${')
      .map((part) =>
        part.replace(ENV_REF, (_, name: string) => {
          const found = env[name];
          if (found === undefined) problems.push(`${formatPath(path)}: environment variable ${name} is not set`);
          return found ?? '';
        }),
      )
      .join('${');
  }
  if (value === null || typeof value !== 'object') return value;
  const inside = new Set(ancestors).add(value);
  if (Array.isArray(value)) return value.map((item, i) => expandEnv(item, env, [...path, i], problems, inside));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandEnv(v, env, [...path, k], problems, inside)]));
}

/** The APIBAN_* variables over the file; `config print` passes `as` to show the key as `${APIBAN_KEY}`. */
export function applyEnvOverrides(
  raw: unknown,
  env: Env,
  as: (name: string, value: string) => string = (_, value) => value,
): Record<string, unknown> {
  const config = { ...(raw as Record<string, unknown>) };
  const apiban = { ...((config.apiban as Record<string, unknown> | undefined) ?? {}) };
  // Set but empty is a mistake (an EnvironmentFile line left blank), refused by the schema, not "no key".
  if (env.APIBAN_KEY !== undefined) apiban.key = as('APIBAN_KEY', env.APIBAN_KEY);
  if (env.APIBAN_BASE_URL) apiban.baseUrl = as('APIBAN_BASE_URL', env.APIBAN_BASE_URL);
  config.apiban = apiban;
  if (env.APIBAN_STATE_DIR)
    config.state = { ...((config.state as object | undefined) ?? {}), dir: as('APIBAN_STATE_DIR', env.APIBAN_STATE_DIR) };
  return config;
}

function resolveStateDir(config: Config, env: Env): string {
  if (config.state.dir) return config.state.dir;
  return env.XDG_STATE_HOME ? join(env.XDG_STATE_HOME, 'apiban-exporter') : 'state';
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'unrecognized_keys') return [`${formatPath(issue.path)}: ${issue.message}`];
    // src/plain-issues.ts words one line per key, in the order of `keys` (zod's own text, from a parse without it, is not used).
    const lines = issue.message.split('\n');
    return issue.keys.map(
      (key, i) => `${formatPath([...issue.path, key])}: ${lines[i]?.startsWith('unknown key') ? lines[i] : 'unknown key'}`,
    );
  });
}

export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`)).join('');
}
