/**
 * The registry: the one map from target name to the module of its writer, loaded when a command
 * needs that writer (`export -t plain` loads plain.ts and nothing else; the `targets` command
 * loads them all). Config validation, `--help`, the `targets` command, the HTTP routes and the
 * README table all derive from it, and so does the map of option types: each line's import says
 * which writer, and so which options, its name stands for.
 * Adding a target = one file in targets/ + one line in TARGET_MODULES + golden fixtures.
 */
import type { FamilyFilter } from '../src/banset/banset.js';
import type { AnyTargetWriter, TargetWriter } from '../src/writers/contract.js';

/**
 * In the order `targets` and the README list them. Each line stays a literal `import()`: tsc reads
 * the writer's type off it, and the CLI bundle turns it into a module it initializes only when
 * called (scripts/bundle-cli.mjs).
 */
const TARGET_MODULES = {
  plain: () => import('./plain.js'),
  pfsense: () => import('./pfsense.js'),
  opnsense: () => import('./opnsense.js'),
  'cisco-asa': () => import('./cisco-asa.js'),
  'cisco-fmc': () => import('./cisco-fmc.js'),
  'cisco-ios': () => import('./cisco-ios.js'),
  fortigate: () => import('./fortigate.js'),
  ipset: () => import('./ipset.js'),
  iptables: () => import('./iptables.js'),
  junos: () => import('./junos.js'),
  'junos-address-set': () => import('./junos-address-set.js'),
  'junos-srx-feed': () => import('./junos-srx-feed.js'),
  mikrotik: () => import('./mikrotik.js'),
  nftables: () => import('./nftables.js'),
  'opnsense-alias-json': () => import('./opnsense-alias-json.js'),
  'paloalto-edl': () => import('./paloalto-edl.js'),
  'pfsense-alias-xml': () => import('./pfsense-alias-xml.js'),
} satisfies Record<string, () => Promise<{ default: AnyTargetWriter }>>;

type OptionsOf<W> = W extends TargetWriter<infer O> ? O : never;

export type TargetName = keyof typeof TARGET_MODULES;

/** Target name -> the options its writer's schema yields (what `render` and the dialect take). */
export type TargetOptionsMap = { [N in TargetName]: OptionsOf<Awaited<ReturnType<(typeof TARGET_MODULES)[N]>>['default']> };

export type TargetWriterOf<N extends TargetName> = TargetWriter<TargetOptionsMap[N]>;

export function isTargetName(name: string): name is TargetName {
  return Object.hasOwn(TARGET_MODULES, name);
}

export const TARGET_NAMES: readonly TargetName[] = Object.keys(TARGET_MODULES).filter(isTargetName);

/** The same map, seen name by name: what lets loadTarget's result keep its own options type. */
const LOADERS: { readonly [N in TargetName]: () => Promise<{ default: TargetWriterOf<N> }> } = TARGET_MODULES;

export async function loadTarget<N extends TargetName>(name: N): Promise<TargetWriterOf<N>> {
  return (await LOADERS[name]()).default;
}

/**
 * The writers of `names` that are targets (all of them by default), in the registry's order: what
 * renders any target at any time (`serve`'s outputs, the `targets` command, the tests) awaits this
 * once rather than importing every writer statically, so the list above stays the only one.
 */
export async function loadTargets(names: readonly string[] = TARGET_NAMES): Promise<ReadonlyMap<string, AnyTargetWriter>> {
  const wanted = TARGET_NAMES.filter((name) => names.includes(name));
  const writers: AnyTargetWriter[] = await Promise.all(wanted.map((name) => loadTarget(name)));
  return new Map(wanted.map((name, i) => [name, writers[i]]));
}

/** The writer of `name` when it is a target; undefined for any other name. */
export function findTarget(name: string): Promise<AnyTargetWriter | undefined> {
  return isTargetName(name) ? loadTarget(name) : Promise.resolve(undefined);
}

/**
 * The families one rendering holds. Most writers put every family they support in one file;
 * iptables writes one family per file (its `family` option), so a count of what was written
 * must leave the other one out. `options` are ones the writer's own schema parsed.
 */
export function writtenFamilies(writer: AnyTargetWriter, options: unknown): FamilyFilter {
  return writer.writtenFamilies?.(options) ?? writer.families;
}
