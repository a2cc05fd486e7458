/**
 * The configuration schemas with every writer and driver loaded, for tests (and benches) that
 * build a configuration in memory; loadConfig builds the same schema with only what a file names.
 */
import { buildPushSchema } from '../../src/config/push-schema.js';
import type { RegistryView } from '../../src/config/registry-entry.js';
import { buildConfigSchema } from '../../src/config/schema.js';
import { DRIVERS, TARGETS } from './registries.js';

function everyEntry<E>(entries: ReadonlyMap<string, E>): RegistryView<E> {
  return { names: [...entries.keys()], get: (name) => entries.get(name) };
}

export const configSchema = buildConfigSchema({ targets: everyEntry(TARGETS), drivers: everyEntry(DRIVERS) });
export const pushSchema = buildPushSchema(everyEntry(DRIVERS));
