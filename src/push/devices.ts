/**
 * From the `push.devices` configuration to what the job runs: pick the devices a selector
 * names (`--device`, `--group`, `--tag`, `--all`) and read each one's secrets from the
 * environment or files at push time, so `config check` never needs them. A missing secret is a
 * ConfigError naming the variable or file, never its value.
 */
import { readFileSync } from 'node:fs';
import type { DeviceConfig, DeviceSelector } from '../config/push-schema.js';
import type { Env } from '../config/load.js';
import { ConfigError, errorCode } from '../errors.js';
import type { AnyDeviceDriver, DeviceCredentials, DeviceEndpoint } from './driver.js';
import { findDriver } from './drivers/index.js';

export interface PushDevice {
  config: DeviceConfig;
  driver: AnyDeviceDriver;
  endpoint: DeviceEndpoint<unknown>;
}

/** Devices matching any of the selector's names, groups or tags (or all); unknown names are an error. */
export function selectDevices(devices: readonly DeviceConfig[], selector: DeviceSelector): DeviceConfig[] {
  const unknown = (selector.device ?? []).filter((n) => !devices.some((d) => d.name === n));
  if (unknown.length > 0)
    throw new ConfigError('push', [
      `unknown device(s): ${unknown.join(', ')}; configured: ${devices.map((d) => d.name).join(', ') || 'none'}`,
    ]);
  if (selector.all) return [...devices];
  return devices.filter(
    (d) =>
      (selector.device ?? []).includes(d.name) ||
      d.groups.some((g) => (selector.group ?? []).includes(g)) ||
      d.tags.some((t) => (selector.tag ?? []).includes(t)),
  );
}

export async function resolveDevice(config: DeviceConfig, env: Env): Promise<PushDevice> {
  // The schema accepted the device's driver name, so it has its driver.
  const driver = (await findDriver(config.driver)) as AnyDeviceDriver;
  const problems: string[] = [];
  const credentials = resolveCredentials(config, env, problems);
  if (problems.length > 0) throw new ConfigError(`push.devices ${config.name}`, problems);
  return {
    config,
    driver,
    endpoint: {
      name: config.name,
      host: config.host,
      port: config.port,
      settings: config.settings,
      credentials,
      hostKey: { fingerprints: config.hostKey.fingerprints, knownHostsFile: config.hostKey.knownHosts },
      timeoutMs: config.timeout,
      families: config.families,
    },
  };
}

function resolveCredentials(config: DeviceConfig, env: Env, problems: string[]): DeviceCredentials {
  const c = config.credentials;
  const fromEnv = (field: string, name: string | undefined) => {
    if (name === undefined) return undefined;
    const value = env[name];
    if (value === undefined || value === '') problems.push(`credentials.${field}: environment variable ${name} is not set`);
    return value;
  };
  const fromFile = (field: string, path: string | undefined) => {
    if (path === undefined) return undefined;
    try {
      return readFileSync(path);
    } catch (error) {
      problems.push(`credentials.${field}: cannot read ${path} (${errorCode(error) ?? 'error'})`);
      return undefined;
    }
  };
  const agent = c.agent === true ? env.SSH_AUTH_SOCK : c.agent;
  if (c.agent === true && agent === undefined) problems.push('credentials.agent: SSH_AUTH_SOCK is not set');
  const password =
    c.password ?? fromEnv('passwordEnv', c.passwordEnv) ?? fromFile('passwordFile', c.passwordFile)?.toString('utf8').trimEnd();
  if (password === '') problems.push(`credentials.passwordFile: ${c.passwordFile} holds an empty password`);
  return {
    username: c.username,
    password,
    privateKey: fromFile('privateKeyFile', c.privateKeyFile),
    passphrase: fromEnv('passphraseEnv', c.passphraseEnv),
    agent,
    enablePassword: fromEnv('enablePasswordEnv', c.enablePasswordEnv),
    apiKey: fromEnv('apiKeyEnv', c.apiKeyEnv),
    apiSecret: fromEnv('apiSecretEnv', c.apiSecretEnv),
    caFile: c.caFile,
  };
}
