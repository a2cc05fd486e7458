/**
 * mikrotik: a RouterOS v7 script that brings `/ip firewall address-list` and
 * `/ipv6 firewall address-list` to the wanted set without an exposure window.
 *
 * Remove-all-then-add leaves the router unprotected while it re-adds thousands of entries
 * (GitHub multiduplikator/mikrotik_blocklist issues #2, #12). This script adds every
 * wanted address first (re-adding one that exists raises "already have such entry", swallowed by
 * `:do {} on-error={}`), remembers it as a key of a global array, and only then removes members
 * that are not keys: a ban that stays is never missing. Removal is on the last lines, so a
 * truncated download or an aborted import removes nothing. Every line stands alone (globals are
 * re-declared where used), because `/import ... verbose=yes`, needed for large files on 7.17+,
 * runs line by line. Function-per-entry layout as in crowdsec cs-blocklist-mirror
 * pkg/formatters/mikrotik/mikrotik.tmpl (v7 syntax since its PR #100). RouterOS prints a v4 host
 * bare and an IPv6 entry with its length; the sweep normalises both before comparing. With
 * `timeout`, entries are dynamic (lost on reboot) and the sweep refreshes the timeout of kept ones.
 * Load: /tool fetch url="https://.../mikrotik.rsc" dst-path=apiban.rsc; /import file-name=apiban.rsc
 *
 *   :global apibanAdd4 do={ :global apibanWant4; :set ($apibanWant4->$1) true; :do { ... } on-error={} }
 *   $apibanAdd4 "192.0.2.10"
 *   $apibanAdd6 "2001:db8::1/128"
 */
import * as z from 'zod';
import type { BanSet } from '../src/banset/banset.js';
import { headerLine, TEXT_PLAIN } from '../src/writers/common.js';
import { defineTarget } from '../src/writers/contract.js';

const options = z.strictObject({
  list: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,63}$/, 'list must be 1-63 letters, digits, "_", "." or "-"')
    .default('APIBAN')
    .describe('address-list name (the same name is used under /ip and /ipv6); the script owns this list'),
  comment: z
    .string()
    .regex(/^[A-Za-z0-9 _.,:/()-]{0,100}$/, 'comment may hold up to 100 letters, digits, spaces and _.,:/()-')
    .default('apiban-exporter')
    .describe('comment set on every entry the script adds'),
  timeout: z
    .string()
    .regex(/^([1-9][0-9]{0,3}[wdhms])+$/, 'timeout must be a RouterOS time such as 7d or 1d12h')
    .nullable()
    .default(null)
    .describe('entry timeout (dynamic entries, refreshed on every run); null adds static entries'),
});
type MikrotikOptions = z.infer<typeof options>;

interface FamilyMenu {
  suffix: '4' | '6';
  menu: string;
  family: 'v4' | 'v6';
  hostSuffix: string;
}
const MENUS: FamilyMenu[] = [
  { suffix: '4', menu: '/ip firewall address-list', family: 'v4', hostSuffix: '/32' },
  { suffix: '6', menu: '/ipv6 firewall address-list', family: 'v6', hostSuffix: '/128' },
];

function addLines(bans: BanSet, m: FamilyMenu, o: MikrotikOptions): string {
  const want = `apibanWant${m.suffix}`;
  const add = `apibanAdd${m.suffix}`;
  const timeout = o.timeout === null ? '' : ` timeout=${o.timeout}`;
  const setup = [
    `:global ${want} [:toarray ""]`,
    `:global ${add} do={ :global ${want}; :set ($${want}->$1) true; :do { ${m.menu} add list="${o.list}" address=$1 comment="${o.comment}"${timeout} } on-error={} }`,
  ];
  // IPv6 keys always carry the length, IPv4 hosts never do: the forms RouterOS prints.
  return `${setup.join('\n')}\n${bans.text(m.family, { explicitLength: m.family === 'v6', linePrefix: `$${add} "`, lineSuffix: '"' })}`;
}

function sweepLine(m: FamilyMenu, o: MikrotikOptions): string {
  const want = `apibanWant${m.suffix}`;
  const normalise =
    m.family === 'v4'
      ? `:if ([:pick $a ([:len $a] - 3) [:len $a]] = "/32") do={ :set a [:pick $a 0 ([:len $a] - 3)] }`
      : `:if ([:typeof [:find $a "/"]] = "nil") do={ :set a ($a . "${m.hostSuffix}") }`;
  const keep = o.timeout === null ? '' : ` else={ ${m.menu} set $i timeout=${o.timeout} }`;
  return (
    `:global ${want}; :foreach i in=[${m.menu} find where list="${o.list}"] do={ :local a [:tostr [${m.menu} get $i address]]; ${normalise}; ` +
    `:if ([:typeof ($${want}->$a)] = "nothing") do={ ${m.menu} remove $i }${keep} }`
  );
}

function render(bans: BanSet, o: MikrotikOptions): string {
  const cleanup = [...MENUS.map((m) => sweepLine(m, o)), '/system script environment remove [find where name~"^apiban(Add|Want)[46]\\$"]'];
  return (
    `${headerLine(bans)}\n# RouterOS v7: adds first, removes unwanted entries last; safe to re-run.\n` +
    `${MENUS.map((m) => addLines(bans, m, o)).join('')}${cleanup.join('\n')}\n`
  );
}

export default defineTarget({
  name: 'mikrotik',
  summary: 'MikroTik RouterOS v7 script: address lists per family, add-then-sweep (no exposure window)',
  options,
  families: 'both',
  aggregateByDefault: true,
  http: { contentType: TEXT_PLAIN, extension: '.rsc' },
  render,
});
