/**
 * The registry: the one map from target name to writer. Config validation, `--help`, the
 * `targets` command, the HTTP routes and the README table all derive from it.
 * Adding a target = one file in targets/ + one line here + golden fixtures.
 */
import type { FamilyFilter } from '../src/banset/banset.js';
import type { AnyTargetWriter } from '../src/writers/contract.js';
import plain from './plain.js';
import pfsense from './pfsense.js';
import opnsense from './opnsense.js';
import ciscoAsa from './cisco-asa.js';
import ciscoFmc from './cisco-fmc.js';
import ciscoIos from './cisco-ios.js';
import fortigate from './fortigate.js';
import ipset from './ipset.js';
import iptables from './iptables.js';
import junos from './junos.js';
import junosAddressSet from './junos-address-set.js';
import junosSrxFeed from './junos-srx-feed.js';
import mikrotik from './mikrotik.js';
import nftables from './nftables.js';
import opnsenseAliasJson from './opnsense-alias-json.js';
import paloaltoEdl from './paloalto-edl.js';
import pfsenseAliasXml from './pfsense-alias-xml.js';

export const TARGETS: ReadonlyMap<string, AnyTargetWriter> = new Map(
  [
    plain,
    pfsense,
    opnsense,
    ciscoAsa,
    ciscoFmc,
    ciscoIos,
    fortigate,
    ipset,
    iptables,
    junos,
    junosAddressSet,
    junosSrxFeed,
    mikrotik,
    nftables,
    opnsenseAliasJson,
    paloaltoEdl,
    pfsenseAliasXml,
  ].map((writer) => [writer.name, writer]),
);

export const TARGET_NAMES: readonly string[] = [...TARGETS.keys()];

export function getTarget(name: string): AnyTargetWriter | undefined {
  return TARGETS.get(name);
}

/**
 * The families one rendering holds. Most writers put every family they support in one file;
 * iptables writes one family per file (its `family` option), so a count of what was written
 * must leave the other one out.
 */
export function writtenFamilies(writer: AnyTargetWriter, options: unknown): FamilyFilter {
  if (writer.name === 'iptables') return (options as { family: 'ipv4' | 'ipv6' }).family === 'ipv6' ? 'v6' : 'v4';
  return writer.families;
}
