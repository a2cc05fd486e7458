/**
 * Hit counters for the device simulators, in exactly the formats of the recorded output in
 * fixtures/devices/ (sources cited in src/push/blocked/cisco.ts and junos.ts): the test holds
 * the counts and bumps or resets them; the simulators print them for the show commands.
 *
 *   ASA  `show access-list NAME`: header, then per ACE `access-list NAME line N extended ...
 *        (hitcnt=N) 0xHASH` and, for a group, one indented line per member.
 *   IOS  `show ip access-lists NAME` / `show ipv6 access-list NAME`: `SEQ deny ip object-group G
 *        any (N matches)`, IPv6 `deny ipv6 object-group G any (N matches) sequence SEQ`; an entry
 *        that never matched prints no count.
 *   Junos `show firewall filter F counter C`: `Filter: F`, `Counters:`, header, `C BYTES PACKETS`.
 */

/** One ACE: a deny of a managed group, or the closing permit. */
export interface AclEntry {
  action: 'deny' | 'permit';
  group?: string;
  hits: number;
}

/** Access lists by name; the simulators print them from here. */
export type AclModel = Map<string, AclEntry[]>;

const hash = (n: number) => `0x${(0x5d1f2c7e + n * 0x1001).toString(16).padStart(8, '0')}`;

export function asaAccessList(name: string, acl: AclEntry[], members: (group: string) => string[]): string {
  const lines = [
    'access-list cached ACL log flows: total 0, denied 0 (deny-flow-max 4096)',
    '            alert-interval 300',
    `access-list ${name}; ${acl.length} elements; name hash: 0x6892a938`,
  ];
  acl.forEach((entry, i) => {
    const match = entry.group === undefined ? 'ip any any' : `ip object-group ${entry.group} any`;
    lines.push(`access-list ${name} line ${i + 1} extended ${entry.action} ${match} (hitcnt=${entry.hits}) ${hash(i)}`);
    // The expansion: the first member carries the entry's hits, the others none.
    if (entry.group !== undefined) {
      for (const [m, member] of members(entry.group).entries()) {
        lines.push(
          `  access-list ${name} line ${i + 1} extended ${entry.action} ip ${member} any (hitcnt=${m === 0 ? entry.hits : 0}) ${hash(i * 31 + m)}`,
        );
      }
    }
  });
  return lines.map((l) => `${l}\n`).join('');
}

export function iosAccessList(name: string, acl: AclEntry[], v6: boolean): string {
  const matches = (e: AclEntry) => (e.hits === 0 ? '' : ` (${e.hits} matches)`);
  const protocol = v6 ? 'ipv6' : 'ip';
  const body = acl.map((e, i) => {
    const match = e.group === undefined ? `${protocol} any any` : `${protocol} object-group ${e.group} any`;
    return v6 ? `    ${e.action} ${match}${matches(e)} sequence ${(i + 1) * 10}` : `    ${(i + 1) * 10} ${e.action} ${match}${matches(e)}`;
  });
  return [`${v6 ? 'IPv6 access list' : 'Extended IP access list'} ${name}`, ...body].map((l) => `${l}\n`).join('');
}

/** Filter -> counter -> bytes and packets. */
export type FilterCounters = Map<string, Map<string, { bytes: number; packets: number }>>;

export function junosFilterCounter(filters: FilterCounters, filter: string, counter: string): string {
  const found = filters.get(filter)?.get(counter);
  if (found === undefined) return '\n';
  const header = `${'Name'.padEnd(44)}${'Bytes'.padStart(13)}${'Packets'.padStart(21)}`;
  const row = `${counter.padEnd(44)}${String(found.bytes).padStart(13)}${String(found.packets).padStart(21)}`;
  return `\nFilter: ${filter}\nCounters:\n${header}\n${row}\n`;
}
