/**
 * loadConfig with the project's registries: the configuration names writers and drivers, and
 * only those are loaded to check their options and settings. src/config knows neither registry
 * (no import of targets/ or src/push), so this is where the three meet.
 */
import { loadConfig as loadConfigWith, type ConfigRegistryLoaders, type Env, type LoadedConfig } from '../config/load.js';
import { DRIVER_NAMES, loadDrivers } from '../push/drivers/index.js';
import { loadTargets, TARGET_NAMES } from '../../targets/index.js';
import { withApibanKeyFile } from './apiban-key-file.js';

export const CONFIG_REGISTRIES: ConfigRegistryLoaders = {
  targets: { names: TARGET_NAMES, load: loadTargets },
  drivers: { names: DRIVER_NAMES, load: loadDrivers },
};

export async function loadConfig(path: string | undefined, env: Env = process.env): Promise<LoadedConfig> {
  return withApibanKeyFile(await loadConfigWith(path, env, CONFIG_REGISTRIES), env);
}
