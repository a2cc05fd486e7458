/**
 * The registry: the one map from target name to writer. Config validation, `--help`, the
 * `targets` command, the HTTP routes and the README table all derive from it.
 * Adding a target = one file in targets/ + one line here + golden fixtures.
 */
import type { AnyTargetWriter } from '../src/writers/contract.js';
import plain from './plain.js';
import pfsense from './pfsense.js';
import opnsense from './opnsense.js';

export const TARGETS: ReadonlyMap<string, AnyTargetWriter> = new Map(
  [plain, pfsense, opnsense].map((writer) => [writer.name, writer]),
);

export const TARGET_NAMES: readonly string[] = [...TARGETS.keys()];

export function getTarget(name: string): AnyTargetWriter | undefined {
  return TARGETS.get(name);
}
