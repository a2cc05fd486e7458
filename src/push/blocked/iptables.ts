/**
 * The packet and byte counts of the operator's iptables rules that drop what an ipset holds,
 * from `iptables -L CHAIN -v -x -n` (and ip6tables). iptables(8): -L lists a chain's rules;
 * -v adds the `pkts` and `bytes` columns, -x prints them exact (no K/M/G rounding), -n keeps
 * addresses numeric. A rule made with `-m set --match-set SET src -j DROP` lists as
 *
 *       pkts      bytes target     prot opt in     out     source               destination
 *          7      280 DROP       all  --  *      *       0.0.0.0/0            0.0.0.0/0            match-set apiban4 src
 *
 * Every DROP or REJECT rule matching the set on the source side counts (a chain may hold one
 * per interface); undefined when none does, so a host without the rule reports nothing.
 */
import type { FamilyCounter } from '../../fleet/blocked.js';

const RULE = /^\s*(\d+)\s+(\d+)\s+(?:DROP|REJECT)\s.*\bmatch-set (\S+) src\b/;

export function parseIptablesSetDrops(text: string, set: string): FamilyCounter | undefined {
  let found: FamilyCounter | undefined;
  for (const line of text.split('\n')) {
    const rule = RULE.exec(line);
    if (rule === null || rule[3] !== set) continue;
    found = { packets: (found?.packets ?? 0) + Number(rule[1]), bytes: (found?.bytes ?? 0) + Number(rule[2]) };
  }
  return found;
}
