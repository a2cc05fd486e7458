/**
 * The drop rule's named counters in an `nft -j list table` answer (the read the driver makes
 * anyway, so counting costs no extra command). libnftables-json(5), "COUNTER": a named counter
 * object is `{"counter": {"family", "name", "table", "handle", "packets", "bytes"}}`.
 */
import type { BlockedCounters, FamilyCounter } from '../../fleet/blocked.js';

export function parseNftDropCounters(text: string, names: { v4: string; v6: string }): BlockedCounters | undefined {
  const document = JSON.parse(text) as { nftables?: Array<{ counter?: { name?: unknown; packets?: unknown; bytes?: unknown } }> };
  const counters = new Map<string, FamilyCounter>();
  for (const item of document.nftables ?? []) {
    const c = item.counter;
    if (c === undefined || typeof c.name !== 'string' || !isCount(c.packets) || !isCount(c.bytes)) continue;
    counters.set(c.name, { packets: c.packets, bytes: c.bytes });
  }
  const out: BlockedCounters = {};
  for (const family of ['v4', 'v6'] as const) {
    const counter = counters.get(names[family]);
    if (counter !== undefined) out[family] = counter;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
