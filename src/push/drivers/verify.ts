/**
 * Pieces every driver in this folder shares: strict parsing of what a device lists (an entry we
 * cannot parse means something else writes to the list, so we stop instead of guessing) and the
 * read-back check after an apply.
 */
import { formatPrefix, isHost, tryParsePrefix, type Prefix } from '../../banset/address.js';
import { createExactBanSet, type BanSet } from '../../banset/banset.js';
import { diffBanSets } from '../../banset/diff.js';
import { DeviceError } from '../../errors.js';

/** Parses the entries a device listed; the first one that is not a strict prefix is a DeviceError. */
export function parseListed(device: string, command: string, entries: Iterable<string>): BanSet {
  const prefixes: Prefix[] = [];
  for (const entry of entries) {
    const parsed = tryParsePrefix(entry);
    if (typeof parsed === 'string') {
      throw new DeviceError(device, command, `listed entry ${JSON.stringify(entry.slice(0, 60))} is not a strict address (${parsed})`);
    }
    prefixes.push(parsed);
  }
  return createExactBanSet(prefixes);
}

/** Throws a DeviceError naming what is missing and what is extra when the device does not hold `wanted`. */
export function verifyHolds(device: string, command: string, actual: BanSet, wanted: BanSet): void {
  if (actual.equals(wanted)) return;
  const { added: missing, removed: extra } = diffBanSets(actual, wanted);
  throw new DeviceError(
    device,
    command,
    `read-back differs from the wanted set: ${missing.length} missing (${sample(missing)}), ${extra.length} unexpected (${sample(extra)})`,
  );
}

function sample(prefixes: Prefix[]): string {
  const shown = prefixes.slice(0, 3).map((p) => formatPrefix(p, true));
  return prefixes.length > 3 ? `${shown.join(', ')}, ...` : shown.join(', ') || 'none';
}

/** APIs that take single addresses (iptables-api) refuse networks; say so before sending anything. */
export function requireHosts(device: string, what: string, prefixes: readonly Prefix[]): void {
  const network = prefixes.find((p) => !isHost(p));
  if (network !== undefined) {
    throw new DeviceError(
      device,
      undefined,
      `${what} takes single addresses only; ${formatPrefix(network)} is a network (disable aggregation for this device)`,
    );
  }
}
