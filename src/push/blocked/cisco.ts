/**
 * Hit counts of the access-list entries that reference the managed object-groups.
 *
 * ASA `show access-list NAME` (Cisco ASA Series Command Reference, "show access-list"): each ACE
 * is printed as `access-list NAME line N extended deny ... object-group GROUP ... (hitcnt=N) 0xHASH`,
 * followed by its expansion into one indented line per group member, each with its own hitcnt;
 * the top-level line's count is the one for the whole entry.
 * IOS `show ip access-lists NAME` / `show ipv6 access-list NAME` (Cisco IOS Security Command
 * Reference, "show ip access-list"): `SEQ deny ip object-group GROUP any (N matches)`; an entry
 * that never matched prints no count at all, which is a count of zero for an entry that exists.
 * Hit counts are packets; neither platform counts bytes per ACE, so `bytes` stays absent.
 */
import type { FamilyCounter } from '../../fleet/blocked.js';

const ASA_LINE = /^access-list (\S+) line \d+ extended deny .*\bobject-group (\S+)\b.*\(hitcnt=(\d+)\)/;
const IOS_LINE = /^\s*(?:\d+\s+)?deny\s+\S+\s+object-group\s+(\S+)\b(?:.*\((\d+) matches?\))?/;

/** Sum of the hit counts of the ACL's deny entries that reference `group`; undefined when none does. */
export function parseAsaHitCounts(text: string, acl: string, group: string): FamilyCounter | undefined {
  let packets: number | undefined;
  for (const line of text.split(/\r?\n/)) {
    const match = ASA_LINE.exec(line);
    if (match === null || match[1] !== acl || match[2] !== group) continue;
    packets = (packets ?? 0) + Number(match[3]);
  }
  return packets === undefined ? undefined : { packets };
}

export function parseIosMatches(text: string, group: string): FamilyCounter | undefined {
  let packets: number | undefined;
  for (const line of text.split(/\r?\n/)) {
    const match = IOS_LINE.exec(line);
    if (match === null || match[1] !== group) continue;
    packets = (packets ?? 0) + Number(match[2] ?? 0);
  }
  return packets === undefined ? undefined : { packets };
}
