/**
 * A firewall filter counter that counts what the term matching the managed prefix-list drops.
 * Junos `show firewall filter FILTER counter COUNTER` (Junos OS Operational Mode Commands,
 * "show firewall"): a `Filter: FILTER` line, a `Counters:` section with a header
 * `Name  Bytes  Packets`, then one row per counter: name, bytes, packets.
 */
import type { FamilyCounter } from '../../fleet/blocked.js';

export function parseJunosFilterCounter(text: string, filter: string, counter: string): FamilyCounter | undefined {
  let inFilter = false;
  let inCounters = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const header = /^Filter:\s+(\S+)/.exec(line);
    if (header !== null) {
      inFilter = header[1] === filter;
      inCounters = false;
      continue;
    }
    if (/^(Counters|Policers):/.test(line)) {
      inCounters = line.startsWith('Counters');
      continue;
    }
    if (!inFilter || !inCounters) continue;
    const row = /^(\S+)\s+(\d+)\s+(\d+)$/.exec(line);
    if (row !== null && row[1] === counter) return { packets: Number(row[3]), bytes: Number(row[2]) };
  }
  return undefined;
}
