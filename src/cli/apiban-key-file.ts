/**
 * `apiban.keyFile`: the APIBAN key read from a file, the way systemd hands secrets to a service
 * (LoadCredential= copies it under $CREDENTIALS_DIRECTORY, docs/deploy.md). It is read when the
 * configuration loads, so every command that loads it (`config check` first of all) refuses an
 * unreadable or empty file with the same `path: problem` line, and the rest of the code sees
 * `apiban.key` as if it had been written there.
 */
import type { Env, LoadedConfig } from '../config/load.js';
import { ConfigError } from '../errors.js';

export async function withApibanKeyFile(loaded: LoadedConfig, env: Env): Promise<LoadedConfig> {
  const { apiban } = loaded.config;
  if (apiban.keyFile === undefined) return loaded;
  // The one reader of secret files; loaded only when a key file is named (`export` never pays for it).
  const { readSecretFile } = await import('../serve/http/access.js');
  // Read even when APIBAN_KEY overrides it: a file the configuration names must exist.
  const fromFile = readSecretFile(apiban.keyFile, 'apiban.keyFile').trim();
  if (fromFile === '') throw new ConfigError(loaded.source, [`apiban.keyFile: ${apiban.keyFile} is empty`]);
  if (env.APIBAN_KEY) return loaded; // the environment overrides the file, as it overrides apiban.key
  if (apiban.key !== undefined) throw new ConfigError(loaded.source, ['apiban: give one of key or keyFile, not both']);
  return { ...loaded, config: { ...loaded.config, apiban: { ...apiban, key: fromFile } } };
}
