/**
 * linux-nftables: keeps the nftables ban sets of a Linux host in step over SSH.
 *
 * Reads with `nft -j list table FAMILY TABLE`, both sets in one answer (libnftables-json(5): `elem` items are
 * an address string, `{prefix:{addr,len}}`, `{range:[a,b]}`, or `{elem:{val,...}}` when the set
 * has timeouts/counters); a missing table or set reads as empty, so the first push creates them.
 * Applies with `nft -f FILE`, one netlink batch, all or nothing, so a rejected file leaves the old
 * set in place: only the difference (`delete element` / `add element`, nft-delta.ts) when both
 * live sets are ones this driver created, else the nftables writer's whole file
 * (targets/nftables.ts), which creates missing sets and refills both.
 *
 * The writer's sets use `auto-merge`, so the kernel folds adjacent entries (192.0.2.2 + 192.0.2.3
 * list as 192.0.2.2/31, 2001:db8::1 + ::2 as a range). Read and verify therefore compare address
 * coverage: both sides in their minimal CIDR form (`comparable`, which the push job diffs and
 * guards in too). A set that covers the same addresses counts as unchanged and nothing is sent.
 */
import * as z from 'zod';
import type { Prefix } from '../../banset/address.js';
import { BanSet, createBanSet } from '../../banset/banset.js';
import { nftChanges, readNftSets, type LiveNftSets } from './nft-delta.js';
import { rangeToPrefixes, V4_OPS, V6_OPS } from '../../banset/range.js';
import { DeviceError, errorMessage } from '../../errors.js';
import { renderOutput } from '../../writers/render.js';
import nftablesWriter, { dropCounterName, renderNftDelta } from '../../../targets/nftables.js';
import { parseNftDropCounters } from '../blocked/nftables.js';
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

/** The held set (merged, as the kernel stores it), and the live elements the difference is computed from. */
function parseRead(device: string, result: ExecResult, command: string, o: NftOptions): { held: BanSet; live: LiveNftSets } {
  if (result.code !== 0) {
    if (/No such file or directory/.test(result.stderr))
      return { held: BanSet.EMPTY, live: { elements: [], refill: `table ${o.table} is missing` } };
    throw commandFailure(device, command, result);
  }
  try {
    const live = readNftSets(result.stdout, { v4: o.setV4, v6: o.setV6 }, splitRange);
    return {
      held: createBanSet(
        live.elements.flatMap((e) => e.prefixes),
        { aggregate: true },
      ),
      live,
    };
  } catch (error) {
    throw new DeviceError(device, command, `unexpected output: ${errorMessage(error)}`, { cause: error });
  }
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
  summary: 'Linux nftables over SSH: upload the difference (or the whole file), `nft -f` (one transaction), read back',
  settings,
  families: 'both',
  open(device, context) {
    const o = device.settings.nftables;
    let live: LiveNftSets = { elements: [], refill: 'not read yet' };
    const dialect: ShellDialect = {
      readCommands: () => [`nft -j list table ${o.tableFamily} ${o.table}`],
      parseRead: (results, commands) => {
        const read = parseRead(device.name, results[0], commands[0], o);
        live = read.live;
        return read.held;
      },
      comparable: (wanted) => wanted.aggregate(),
      renderFile: (wanted) => renderOutput(nftablesWriter, wanted, o),
      fileSuffix: '.nft',
      applyCommand: (file) => `nft -f ${file}`,
      parseCounters: (results) =>
        o.dropRule && results[0]?.code === 0
          ? parseNftDropCounters(results[0].stdout, { v4: dropCounterName(o.setV4), v6: dropCounterName(o.setV6) })
          : undefined,
      delta: (diff, wanted) => {
        if (live.refill !== undefined) {
          context.log.info({ device: device.name, reason: live.refill }, 'sending the whole set');
          return undefined;
        }
        const { remove, add } = nftChanges(live.elements, diff, wanted.aggregate());
        return {
          file: renderNftDelta(remove, add, o),
          entries: remove.v4.length + remove.v6.length + add.size,
          command: (file) => `nft -f ${file}`,
        };
      },
    };
    return openShellSession(device, context, dialect);
  },
};

export default linuxNftablesDriver;
