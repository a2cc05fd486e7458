/**
 * iptables: `iptables-restore` / `ip6tables-restore` input that refills one chain, one rule per
 * prefix. The slow legacy path: the kernel walks the rules one by one for every packet, so use
 * the ipset or nftables target for anything beyond a few thousand entries.
 *
 * Load with `iptables-restore --noflush FILE` (`ip6tables-restore` for family ipv6): without
 * --noflush the restore would flush every other chain of the filter table. Inside one table
 * block the restore is atomic (the table is replaced in one commit at COMMIT), and declaring a
 * user chain with --noflush empties it (iptables 1.8.9, tested); the explicit `-F` says so for
 * readers and older builds. Hook the chain in once, by hand: `iptables -I INPUT -j APIBAN`.
 * One family per file, because each restore tool takes only its own: configure two outputs
 * (family ipv4 and family ipv6) for both. Syntax as printed by iptables-save / iptables-restore(8).
 *
 *   *filter
 *   :APIBAN - [0:0]
 *   -A APIBAN -s 192.0.2.10/32 -j DROP
 */
import * as z from 'zod';
import type { BanSet } from '../src/banset/banset.js';
import { TEXT_PLAIN } from '../src/writers/common.js';
import { defineTarget } from '../src/writers/contract.js';

/** Built-in chains and standard targets a user chain must not be named after. */
const RESERVED_CHAINS = ['INPUT', 'OUTPUT', 'FORWARD', 'PREROUTING', 'POSTROUTING', 'ACCEPT', 'DROP', 'REJECT', 'RETURN', 'QUEUE', 'LOG'];

const options = z.strictObject({
  chain: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_-]{0,27}$/, 'chain must be a letter followed by up to 27 letters, digits, "_" or "-"')
    .refine((name) => !RESERVED_CHAINS.includes(name.toUpperCase()), { message: 'chain must not be a built-in chain or target name' })
    .default('APIBAN')
    .describe('user-defined chain in the filter table that holds the ban rules'),
  target: z.enum(['DROP', 'REJECT']).default('DROP').describe('what each rule does to a banned source'),
  family: z
    .enum(['ipv4', 'ipv6'])
    .default('ipv4')
    .describe('ipv4 for iptables-restore, ipv6 for ip6tables-restore; the other family is left out of this file'),
});
type IptablesOptions = z.infer<typeof options>;

function render(bans: BanSet, o: IptablesOptions): string {
  const family = o.family === 'ipv4' ? 'v4' : 'v6';
  const tool = o.family === 'ipv4' ? 'iptables-restore' : 'ip6tables-restore';
  const head = [
    `# APIBAN banned SIP sources (apiban-exporter); entries=${bans.counts()[family]} family=${o.family}`,
    `# Load with: ${tool} --noflush FILE`,
    '*filter',
    `:${o.chain} - [0:0]`,
    `-F ${o.chain}`,
  ];
  return `${head.join('\n')}\n${bans.text(family, { explicitLength: true, linePrefix: `-A ${o.chain} -s `, lineSuffix: ` -j ${o.target}` })}COMMIT\n`;
}

export default defineTarget({
  name: 'iptables',
  summary: 'iptables-restore --noflush chain, one rule per prefix (legacy, slow; one family per output)',
  options,
  families: 'both',
  writtenFamilies: (o) => (o.family === 'ipv6' ? 'v6' : 'v4'),
  aggregateByDefault: true,
  http: { contentType: TEXT_PLAIN, extension: '.rules' },
  render,
});
