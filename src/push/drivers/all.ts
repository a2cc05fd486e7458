/**
 * Every driver of the registry, loaded: for `push`, which resolves the devices its selector
 * picks, and the tests. Validating a configuration loads only the drivers it names
 * (src/push/drivers/index.ts).
 */
import type { AnyDeviceDriver } from '../driver.js';
import { loadDrivers } from './index.js';

export const DRIVERS: ReadonlyMap<string, AnyDeviceDriver> = await loadDrivers();
