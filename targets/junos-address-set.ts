/**
 * junos-address-set: SRX global address-book entries plus one address-set that a security
 * policy can match, as `set` lines for `load set terminal`. Syntax from juniper.net
 * "Understanding Address Sets" / "Address Books and Address Sets" (`set security address-book
 * global address NAME PREFIX`, `... address-set SET address NAME`); entries must be canonical
 * prefixes ("1.2.3.4/24 is not acceptable ... Everything beyond the subnet length must be
 * entered as 0"), which BanSet guarantees. The same page warns the system "creates individual
 * rules" per member, so this is for small lists: the SRX dynamic-address feed (junos-srx-feed)
 * scales further. maxEntries is 1024, the conservative per-address-set figure of older releases
 * [from memory; newer releases document more, 16,384 on some platforms, not verified here].
 *
 *   delete security address-book global address-set APIBAN
 *   set security address-book global address APIBAN-1 192.0.2.10/32
 *   set security address-book global address-set APIBAN address APIBAN-1
 *
 * Entries are numbered in sorted order; the leading `delete` drops the old membership, so a
 * renumbered entry is never left in the set (leftover unreferenced APIBAN-<n> addresses are
 * harmless). An empty set would not commit, so it holds a placeholder address.
 */
import * as z from 'zod';
import { formatPrefix, parsePrefix, tryParsePrefix } from '../src/banset/address.js';
import { headerLine, headerOption, TEXT_PLAIN } from '../src/writers/common.js';
import { defineTarget } from '../src/writers/contract.js';
import { junosName } from '../src/writers/junos.js';

const options = z.strictObject({
  setName: junosName(57, 'APIBAN', 'address-set name (also the prefix of the address names NAME-<n>)'),
  header: headerOption,
  placeholder: z
    .string()
    .refine(
      (v) => {
        const p = tryParsePrefix(v);
        return typeof p !== 'string' && p.length > 0;
      },
      { message: 'must be a strict IPv4/IPv6 address or CIDR (not /0)' },
    )
    .default('192.0.2.255')
    .describe('address kept in the set when the list is empty (an empty address-set does not commit)'),
});

export default defineTarget({
  name: 'junos-address-set',
  summary: 'Juniper SRX global address-book addresses + one address-set (small lists)',
  options,
  families: 'both',
  maxEntries: 1024,
  aggregateByDefault: true,
  http: { contentType: TEXT_PLAIN, extension: '.conf' },
  render(bans, o) {
    const lines = o.header ? [headerLine(bans)] : [];
    lines.push(`delete security address-book global address-set ${o.setName}`);
    const prefixes = bans.size === 0 ? [parsePrefix(o.placeholder)] : bans.prefixes();
    let n = 0;
    for (const prefix of prefixes) {
      const address = `${o.setName}-${++n}`;
      lines.push(
        `set security address-book global address ${address} ${formatPrefix(prefix, true)}`,
        `set security address-book global address-set ${o.setName} address ${address}`,
      );
    }
    return `${lines.join('\n')}\n`;
  },
});
