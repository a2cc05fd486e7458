/**
 * linux-nftables: keeps the nftables ban sets of a Linux host in step over SSH.
 *
 * Reads with `nft -j list table FAMILY TABLE`, both sets in one answer (libnftables-json(5): `elem` items are
 * an address string, `{prefix:{addr,len}}`, `{range:[a,b]}`, or `{elem:{val,...}}` when the set
 * has timeouts/counters); a missing table or set reads as empty, so the first push creates them.
 * Applies the nftables writer's file (targets/nftables.ts) with `nft -f FILE`: one netlink batch,
 * all or nothing, so a rejected file leaves the old set in place.
 *
 * The writer's sets use `auto-merge`, so the kernel folds adjacent entries (192.0.2.2 + 192.0.2.3
 * list as 192.0.2.2/31, 2001:db8::1 + ::2 as a range). Read and verify therefore compare address
 * coverage: both sides in their minimal CIDR form. A set that covers the same addresses counts as
 * unchanged and nothing is sent.
 */
import { z } from 'zod';
import { parsePrefix, type Prefix } from '../../banset/address.js';
import { BanSet, createBanSet } from '../../banset/banset.js';
import { rangeToPrefixes, V4_OPS, V6_OPS } from '../../banset/range.js';
import { DeviceError } from '../../errors.js';
import { renderOutput } from '../../writers/render.js';
import nftablesWriter, { dropCounterName } from '../../../targets/nftables.js';
import { parseNftDropCounters } from '../counters/nftables.js';
import type { DeviceDriver } from '../driver.js';
import type { ExecResult } from '../ssh.js';
import { commandFailure, openShellSession, shellSettings, type ShellDialect } from './shell.js';

const settings = z.strictObject({
  ...shellSettings,
  /** The nftables writer's options (table, tableFamily, setV4, setV6, dropRule, chain). */
  // Nested as a field (not parsed in a transform), so a bad option is a config problem at its path.
  nftables: nftablesWriter.options.prefault({}),
});
export type LinuxNftablesSettings = z.infer<typeof settings>;
type NftOptions = LinuxNftablesSettings['nftables'];

function parseRead(device: string, result: ExecResult, command: string, o: NftOptions): BanSet {
  if (result.code !== 0) {
    if (/No such file or directory/.test(result.stderr)) return BanSet.EMPTY; // table not created yet
    throw commandFailure(device, command, result);
  }
  try {
    return createBanSet(parseNftSets(result.stdout, [o.setV4, o.setV6]), { aggregate: true });
  } catch (error) {
    throw new DeviceError(device, command, `unexpected output: ${(error as Error).message}`, { cause: error });
  }
}

/** Elements of the named sets in an `nft -j list table` answer, as prefixes (ranges split into CIDRs). */
export function parseNftSets(text: string, names: string[]): Prefix[] {
  const document = JSON.parse(text) as { nftables?: { set?: { name?: string; elem?: unknown[] } }[] };
  if (!Array.isArray(document.nftables)) throw new Error('no "nftables" array');
  const sets = document.nftables.flatMap((item) => (item.set !== undefined && names.includes(item.set.name ?? '') ? [item.set] : []));
  return sets.flatMap((set) => (set.elem ?? []).flatMap((item) => elementPrefixes(item)));
}

function elementPrefixes(item: unknown): Prefix[] {
  if (typeof item === 'string') return [parsePrefix(item)];
  const object = item as { prefix?: { addr: string; len: number }; range?: [string, string]; elem?: { val: unknown } };
  if (object?.elem !== undefined) return elementPrefixes(object.elem.val);
  if (object?.prefix !== undefined) return [parsePrefix(`${object.prefix.addr}/${object.prefix.len}`)];
  if (Array.isArray(object?.range) && object.range.length === 2) return splitRange(parsePrefix(object.range[0]), parsePrefix(object.range[1]));
  throw new Error(`element ${JSON.stringify(item).slice(0, 60)} is not an address, prefix or range`);
}

function splitRange(first: Prefix, last: Prefix): Prefix[] {
  const out: Prefix[] = [];
  if (first.family === 4 && last.family === 4) {
    rangeToPrefixes(V4_OPS, first.network, last.network, (network, length) => out.push({ family: 4, network, length }));
  } else if (first.family === 6 && last.family === 6) {
    rangeToPrefixes(V6_OPS, first.network, last.network, (network, length) => out.push({ family: 6, network, length }));
  } else {
    throw new Error('range mixes address families');
  }
  return out;
}

export const linuxNftablesDriver: DeviceDriver<LinuxNftablesSettings> = {
  name: 'linux-nftables',
  summary: 'Linux nftables over SSH: upload the nftables file, `nft -f` (one transaction), read back',
  settings,
  families: 'both',
  open(device, context) {
    const o = device.settings.nftables;
    const dialect: ShellDialect = {
      readCommands: () => [`nft -j list table ${o.tableFamily} ${o.table}`],
      parseRead: (results, commands) => parseRead(device.name, results[0], commands[0], o),
      comparable: (wanted) => wanted.aggregate(),
      renderFile: (wanted) => renderOutput(nftablesWriter, wanted, o),
      fileSuffix: '.nft',
      applyCommand: (file) => `nft -f ${file}`,
      parseCounters: (results) => (o.dropRule && results[0]?.code === 0 ? parseNftDropCounters(results[0].stdout, { v4: dropCounterName(o.setV4), v6: dropCounterName(o.setV6) }) : undefined),
    };
    return openShellSession(device, context, dialect);
  },
};

export default linuxNftablesDriver;
