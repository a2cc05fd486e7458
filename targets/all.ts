/**
 * Every writer of the registry, loaded: for what may render any target at any time (`serve`'s
 * outputs and its render worker, the push drivers' dialects, the tests). A command that knows its
 * target loads only that one through `loadTarget` (targets/index.ts).
 */
import type { AnyTargetWriter } from '../src/writers/contract.js';
import { loadTargets } from './index.js';

export { TARGET_NAMES, writtenFamilies } from './index.js';

export const TARGETS: ReadonlyMap<string, AnyTargetWriter> = await loadTargets();

export function getTarget(name: string): AnyTargetWriter | undefined {
  return TARGETS.get(name);
}
