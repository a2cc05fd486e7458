/**
 * Every writer and every driver, loaded once for the tests that go through them all. The code
 * itself awaits loadTargets()/loadDrivers() where it needs them; test modules are ES modules, so
 * they can await at the top level and keep synchronous lookups.
 */
import { loadDrivers } from '../../src/push/drivers/index.js';
import type { AnyTargetWriter } from '../../src/writers/contract.js';
import { loadTargets } from '../../targets/index.js';

export const TARGETS = await loadTargets();
export const DRIVERS = await loadDrivers();

export function getTarget(name: string): AnyTargetWriter | undefined {
  return TARGETS.get(name);
}
