/**
 * A pf table's own counters, from `pfctl -vv -s Tables`. FreeBSD pfctl(8): "-s Tables  Show the
 * list of tables"; with -vv every active table is printed with its statistics (sbin/pfctl
 * pfctl_table.c, print_tstats): a line of seven flag characters, a tab and the table name (and
 * a tab and the anchor), then tab-indented `Addresses:`, `Cleared:`, `References:`,
 * `Evaluations:` and one `In/Block:`, `In/Pass:`, `In/XPass:`, `Out/Block:` ... line each:
 *
 *   -pa-r--	APIBAN_SIP
 *   	In/Block:    [ Packets: 56                 Bytes: 3360               ]
 *
 * The kernel keeps these per table whatever its `counters` flag (which only adds per-address
 * counters), and they survive `pfctl -T replace`, unlike a sum over addresses, which drops when
 * an address with hits leaves the list. They cover IPv4 and IPv6 together: family `all`.
 * Blocked is In/Block plus Out/Block.
 */
import type { BlockedCounters } from '../../fleet/blocked.js';

const STATS = /^\t(In|Out)\/Block:\s+\[ Packets: (\d+)\s+Bytes: (\d+)\s+\]/;

export function parsePfTableCounters(text: string, table: string): BlockedCounters | undefined {
  let inTable = false;
  let found: { packets: number; bytes: number } | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith('\t')) {
      const header = /^[-cpairhC]{7}\t(\S+)(?:\t(\S+))?$/.exec(line);
      // A table of the same name inside an anchor is another table.
      inTable = header !== null && header[1] === table && header[2] === undefined;
      continue;
    }
    const stats = inTable ? STATS.exec(line) : null;
    if (stats === null) continue;
    found ??= { packets: 0, bytes: 0 };
    found.packets += Number(stats[2]);
    found.bytes += Number(stats[3]);
  }
  return found === undefined ? undefined : { all: found };
}
