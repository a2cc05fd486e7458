/**
 * ipset: an `ipset restore` file that refills the ban sets through a temporary set and `swap`.
 *
 * `swap` exchanges two sets' contents and headers in the kernel at once, so iptables rules that
 * match the live set never see it half filled (ipset(8) SWAP; crowdsec cs-firewall-bouncer
 * pkg/ipsetcmd/ipset.go; ipset(8) SET TYPES, hash:net). `hash:net` stores CIDRs; IPv6 needs its
 * own `family inet6` set. `create ... -exist` is only a no-op when the existing set has exactly
 * the same header (ipset 7.17, tested): hashsize is therefore fixed and maxelem moves in coarse
 * steps (the next power of two at or above twice the set size, at least 65536). When a step is
 * crossed, ipset rejects the first create before anything changes; pin `maxelem` in the options to a
 * value with head room to avoid that, or destroy the set once. The temporary set is created
 * with the new header and destroyed at the end, so swap hands the live set the new maxelem.
 * Load with `ipset restore -file FILE` (or `ipset restore < FILE`).
 *
 *   create apiban4 hash:net family inet hashsize 1024 maxelem 65536 -exist
 *   add apiban4-tmp 192.0.2.10
 *   swap apiban4-tmp apiban4
 */
import * as z from 'zod';
import type { BanSet } from '../src/banset/banset.js';
import { TargetLimitError } from '../src/errors.js';
import { headerLine, TEXT_PLAIN } from '../src/writers/common.js';
import { defineTarget } from '../src/writers/contract.js';

export const MIN_MAXELEM = 65_536;
const TMP_SUFFIX = '-tmp';

/** ipset names hold 31 characters; the temporary set adds TMP_SUFFIX. */
const setName = (fallback: string) =>
  z
    .string()
    .regex(
      /^[A-Za-z][A-Za-z0-9_.-]{0,26}$/,
      `must be a letter followed by up to 26 letters, digits, "_", "." or "-" (room for "${TMP_SUFFIX}")`,
    )
    .default(fallback)
    .describe(`ipset name; the temporary set is this name + "${TMP_SUFFIX}"`);

const options = z
  .strictObject({
    setV4: setName('apiban4'),
    setV6: setName('apiban6'),
    maxelem: z
      .number()
      .int()
      .min(1)
      .max(2 ** 31)
      .nullable()
      .default(null)
      .describe(`fixed maxelem for both sets; null computes it (next power of two >= 2 x size, min ${MIN_MAXELEM})`),
  })
  .refine((o) => o.setV4 !== o.setV6, { message: 'setV4 and setV6 must differ', path: ['setV6'] });
export type IpsetOptions = z.infer<typeof options>;
export const IPSET_HASHSIZE = 1024;

export function computeMaxelem(size: number): number {
  let maxelem = MIN_MAXELEM;
  while (maxelem < 2 * size) maxelem *= 2;
  return maxelem;
}

/** The statements that fill one family's temporary set, and those that then put it live. */
function familyBlock(bans: BanSet, family: 'v4' | 'v6', name: string, configured: number | null): { fill: string; swap: string } {
  const size = bans.counts()[family];
  const maxelem = configured ?? computeMaxelem(size);
  if (size > maxelem) throw new TargetLimitError('ipset', size, maxelem);
  const header = `hash:net family ${family === 'v4' ? 'inet' : 'inet6'} hashsize ${IPSET_HASHSIZE} maxelem ${maxelem}`;
  const tmp = `${name}${TMP_SUFFIX}`;
  return {
    fill: `create ${name} ${header} -exist\ncreate ${tmp} ${header} -exist\nflush ${tmp}\n${bans.text(family, { linePrefix: `add ${tmp} ` })}`,
    swap: `swap ${tmp} ${name}\ndestroy ${tmp}\n`,
  };
}

/**
 * Only the difference, for `ipset -exist restore` on live sets this writer created: `add` lines
 * first, then `del` (ipset restore is not one transaction, so a batch cut short has blocked more,
 * never less); -exist makes an add of a present entry and a del of an absent one no-ops.
 */
export function renderIpsetDelta(add: BanSet, remove: BanSet, o: IpsetOptions): string {
  return (
    `# apiban-exporter difference: ${add.size} added, ${remove.size} deleted\n` +
    add.text('v4', { linePrefix: `add ${o.setV4} ` }) +
    add.text('v6', { linePrefix: `add ${o.setV6} ` }) +
    remove.text('v4', { linePrefix: `del ${o.setV4} ` }) +
    remove.text('v6', { linePrefix: `del ${o.setV6} ` })
  );
}

/**
 * Both families are filled before either is swapped: ipset restore stops at the first failing
 * line, so a rejected IPv6 line (or a maxelem step) leaves both live sets as they were.
 */
function render(bans: BanSet, o: IpsetOptions): string {
  const v4 = familyBlock(bans, 'v4', o.setV4, o.maxelem);
  const v6 = familyBlock(bans, 'v6', o.setV6, o.maxelem);
  return `${headerLine(bans)}\n${v4.fill}${v6.fill}${v4.swap}${v6.swap}`;
}

export default defineTarget({
  name: 'ipset',
  summary: 'Linux ipset: `ipset restore` file, hash:net sets per family refilled via swap',
  options,
  families: 'both',
  aggregateByDefault: false,
  http: { contentType: TEXT_PLAIN, extension: '.ipset' },
  render,
});
