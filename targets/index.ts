/**
 * The registry: the one map from target name to the module of its writer, loaded when a command
 * needs that writer (`export -t plain` loads plain.ts and nothing else; the `targets` command
 * loads them all). Config validation, `--help`, the `targets` command, the HTTP routes and the
 * README table all derive from it. The map of option types is read off the writers themselves, so
 * a name known here also fixes the type of the options its writer takes.
 * Adding a target = one file in targets/ + one line in each map here + golden fixtures.
 */
import type { FamilyFilter } from '../src/banset/banset.js';
import type { AnyTargetWriter, TargetWriter } from '../src/writers/contract.js';
import type ciscoAsa from './cisco-asa.js';
import type ciscoFmc from './cisco-fmc.js';
import type ciscoIos from './cisco-ios.js';
import type fortigate from './fortigate.js';
import type ipset from './ipset.js';
import type iptables from './iptables.js';
import type junos from './junos.js';
import type junosAddressSet from './junos-address-set.js';
import type junosSrxFeed from './junos-srx-feed.js';
import type mikrotik from './mikrotik.js';
import type nftables from './nftables.js';
import type opnsense from './opnsense.js';
import type opnsenseAliasJson from './opnsense-alias-json.js';
import type paloaltoEdl from './paloalto-edl.js';
import type pfsense from './pfsense.js';
import type pfsenseAliasXml from './pfsense-alias-xml.js';
import type plain from './plain.js';

type OptionsOf<W> = W extends TargetWriter<infer O> ? O : never;

/** Target name -> the options its writer's schema yields (what `render` and the dialect take). */
export interface TargetOptionsMap {
  plain: OptionsOf<typeof plain>;
  pfsense: OptionsOf<typeof pfsense>;
  opnsense: OptionsOf<typeof opnsense>;
  'cisco-asa': OptionsOf<typeof ciscoAsa>;
  'cisco-fmc': OptionsOf<typeof ciscoFmc>;
  'cisco-ios': OptionsOf<typeof ciscoIos>;
  fortigate: OptionsOf<typeof fortigate>;
  ipset: OptionsOf<typeof ipset>;
  iptables: OptionsOf<typeof iptables>;
  junos: OptionsOf<typeof junos>;
  'junos-address-set': OptionsOf<typeof junosAddressSet>;
  'junos-srx-feed': OptionsOf<typeof junosSrxFeed>;
  mikrotik: OptionsOf<typeof mikrotik>;
  nftables: OptionsOf<typeof nftables>;
  'opnsense-alias-json': OptionsOf<typeof opnsenseAliasJson>;
  'paloalto-edl': OptionsOf<typeof paloaltoEdl>;
  'pfsense-alias-xml': OptionsOf<typeof pfsenseAliasXml>;
}

export type TargetName = keyof TargetOptionsMap;
export type TargetWriterOf<N extends TargetName> = TargetWriter<TargetOptionsMap[N]>;

/** In the order `targets` and the README list them. */
const TARGET_MODULES: { readonly [N in TargetName]: () => Promise<{ default: TargetWriterOf<N> }> } = {
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
};

export function isTargetName(name: string): name is TargetName {
  return Object.hasOwn(TARGET_MODULES, name);
}

export const TARGET_NAMES: readonly TargetName[] = Object.keys(TARGET_MODULES).filter(isTargetName);

export async function loadTarget<N extends TargetName>(name: N): Promise<TargetWriterOf<N>> {
  return (await TARGET_MODULES[name]()).default;
}

/** The writers of `names` that are targets (all of them by default), in the registry's order. */
export async function loadTargets(names: readonly string[] = TARGET_NAMES): Promise<ReadonlyMap<TargetName, AnyTargetWriter>> {
  const wanted = TARGET_NAMES.filter((name) => names.includes(name));
  const writers: AnyTargetWriter[] = await Promise.all(wanted.map((name) => loadTarget(name)));
  return new Map(wanted.map((name, i) => [name, writers[i]]));
}

/**
 * The families one rendering holds. Most writers put every family they support in one file;
 * iptables writes one family per file (its `family` option), so a count of what was written
 * must leave the other one out. `options` are ones the writer's own schema parsed.
 */
export function writtenFamilies(writer: AnyTargetWriter, options: unknown): FamilyFilter {
  return writer.writtenFamilies?.(options) ?? writer.families;
}
