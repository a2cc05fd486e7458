/**
 * nftables: one `nft -f` file that replaces the ban sets in a single atomic transaction.
 *
 * nft applies a whole file as one netlink batch: either every statement commits or none does, so
 * `flush set` followed by `add element` never leaves an empty set in the packet path. Prefixes
 * need `flags interval` (nft(8) SETS; nftables commits 0db3c10, 511aa78 to the man page;
 * nftables wiki "Sets"), and `auto-merge` folds adjacent prefixes the way the kernel stores them.
 * The table block only declares what must exist (declaring an existing set is a no-op), so the
 * file works on the first run and on every later one. Elements go in statements of
 * ELEMENTS_PER_STATEMENT: nft 1.0.6 takes 100k in one statement (tested with `nft -c -f`), but
 * older nft builds hit parser and netlink buffer limits on huge single lines. Names are bare nft
 * identifiers: nft has no quoting for them and rejects keywords (`ip`, `set`, `drop`, ...).
 *
 *   table inet apiban {
 *     set v4 { type ipv4_addr; flags interval; auto-merge; }
 *   add element inet apiban v4 { 192.0.2.10, 198.51.100.0/24 }
 */
import * as z from 'zod';
import type { BanSet } from '../src/banset/banset.js';
import { headerLine, TEXT_PLAIN } from '../src/writers/common.js';
import { defineTarget } from '../src/writers/contract.js';
import { groupLines } from '../src/writers/line-groups.js';

export const ELEMENTS_PER_STATEMENT = 4096;

/** Words nft's parser takes as keywords where a name is expected (checked against nft 1.0.6). */
export const NFT_RESERVED = [
  'accept',
  'add',
  'arp',
  'bridge',
  'chain',
  'continue',
  'counter',
  'create',
  'ct',
  'delete',
  'drop',
  'element',
  'elements',
  'ether',
  'flags',
  'flush',
  'goto',
  'hook',
  'icmp',
  'icmpv6',
  'inet',
  'ip',
  'ip6',
  'jump',
  'limit',
  'list',
  'log',
  'map',
  'meta',
  'netdev',
  'policy',
  'priority',
  'queue',
  'reject',
  'return',
  'rule',
  'set',
  'table',
  'tcp',
  'type',
  'udp',
];

const identifier = (what: string, fallback: string) =>
  z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]{0,31}$/, `${what} must be a letter followed by up to 31 letters, digits or "_"`)
    .refine((name) => !NFT_RESERVED.includes(name.toLowerCase()), { message: `${what} must not be an nft keyword` })
    .default(fallback)
    .describe(`${what} (a bare nft identifier)`);

const options = z
  .strictObject({
    table: identifier('table name', 'apiban'),
    tableFamily: z
      .enum(['inet', 'ip', 'ip6'])
      .default('inet')
      .describe('family of the table; both sets are always declared, the drop rule matches only what the family can see'),
    setV4: identifier('IPv4 set name', 'v4'),
    setV6: identifier('IPv6 set name', 'v6'),
    dropRule: z
      .boolean()
      .default(false)
      .describe('also manage an input-hook chain (priority filter - 10) whose only rules drop sources in the sets'),
    chain: identifier('chain name used by dropRule', 'input'),
  })
  .refine((o) => o.setV4 !== o.setV6, { message: 'setV4 and setV6 must differ', path: ['setV6'] });
export type NftOptions = z.infer<typeof options>;

function elementStatements(bans: BanSet, where: string, family: 'v4' | 'v6'): string {
  const groups = { open: `add element ${where} { `, separator: ', ', close: ' }\n', perGroup: ELEMENTS_PER_STATEMENT };
  return groupLines(bans.text(family), groups);
}

/** The named counter the drop rule of a set counts into (read back by src/push/blocked/nftables.ts). */
export function dropCounterName(set: string): string {
  return `${set}_dropped`;
}

/** `delete element` statements for elements given as the kernel lists them (address, prefix or a-b range). */
function deleteStatements(elements: readonly string[], where: string): string {
  const lines = elements.length === 0 ? '' : `${elements.join('\n')}\n`;
  return groupLines(lines, { open: `delete element ${where} { `, separator: ', ', close: ' }\n', perGroup: ELEMENTS_PER_STATEMENT });
}

function dropRuleLines(o: NftOptions): string[] {
  const where = `${o.tableFamily} ${o.table} ${o.chain}`;
  const matches = [
    ...(o.tableFamily === 'ip6' ? [] : [`ip saddr @${o.setV4} counter name ${dropCounterName(o.setV4)}`]),
    ...(o.tableFamily === 'ip' ? [] : [`ip6 saddr @${o.setV6} counter name ${dropCounterName(o.setV6)}`]),
  ];
  // Named counters (nft(8) "STATEFUL OBJECTS"), not anonymous ones: `flush chain` on every push
  // would zero a rule's own counter, a named one lives in the table and keeps counting.
  return [
    `table ${o.tableFamily} ${o.table} {`,
    `  counter ${dropCounterName(o.setV4)} { }`,
    `  counter ${dropCounterName(o.setV6)} { }`,
    `  chain ${o.chain} { type filter hook input priority filter - 10; policy accept; }`,
    '}',
    `flush chain ${where}`,
    ...matches.map((match) => `add rule ${where} ${match} drop`),
  ];
}

function tableBlock(o: NftOptions): string[] {
  return [
    `table ${o.tableFamily} ${o.table} {`,
    `  set ${o.setV4} { type ipv4_addr; flags interval; auto-merge; }`,
    `  set ${o.setV6} { type ipv6_addr; flags interval; auto-merge; }`,
    '}',
  ];
}

/**
 * Only the difference, as one `nft -f` transaction (all or nothing, like the full file): the
 * sets declared as render declares them (a no-op when they exist), `delete element` for kernel
 * elements that lose addresses, then `add element` for what is new. A delete names the element
 * exactly as the kernel lists it: nft refuses to delete part of a merged interval ("element does
 * not exist", nft 1.0.6 tested), so the caller deletes whole elements and re-adds what stays.
 */
export function renderNftDelta(remove: { v4: readonly string[]; v6: readonly string[] }, add: BanSet, o: NftOptions): string {
  const table = `${o.tableFamily} ${o.table}`;
  const head = [
    `# apiban-exporter difference: ${remove.v4.length + remove.v6.length} elements deleted, ${add.size} added`,
    ...tableBlock(o),
  ];
  const rule = o.dropRule ? `${dropRuleLines(o).join('\n')}\n` : '';
  return (
    `${head.join('\n')}\n${deleteStatements(remove.v4, `${table} ${o.setV4}`)}${deleteStatements(remove.v6, `${table} ${o.setV6}`)}` +
    `${elementStatements(add, `${table} ${o.setV4}`, 'v4')}${elementStatements(add, `${table} ${o.setV6}`, 'v6')}${rule}`
  );
}

function render(bans: BanSet, o: NftOptions): string {
  const table = `${o.tableFamily} ${o.table}`;
  const head = [
    headerLine(bans),
    '# Load with: nft -f FILE (one transaction: all or nothing)',
    ...tableBlock(o),
    `flush set ${table} ${o.setV4}`,
    `flush set ${table} ${o.setV6}`,
  ];
  const rule = o.dropRule ? `${dropRuleLines(o).join('\n')}\n` : '';
  return `${head.join('\n')}\n${elementStatements(bans, `${table} ${o.setV4}`, 'v4')}${elementStatements(bans, `${table} ${o.setV6}`, 'v6')}${rule}`;
}

export default defineTarget({
  name: 'nftables',
  summary: 'nftables: one atomic `nft -f` transaction refilling interval sets per family',
  options,
  families: 'both',
  aggregateByDefault: false,
  http: { contentType: TEXT_PLAIN, extension: '.nft' },
  render,
});
