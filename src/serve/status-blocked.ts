/**
 * Blocked traffic as the push fleet reports it: Prometheus counters
 * `apiban_blocked_packets_total` / `apiban_blocked_bytes_total{device,family}` on the daemon's
 * registry, the running totals (resets handled, see src/push/counters/totals.ts), and a short
 * series of the fleet's total over time for the status page's chart (kept in memory).
 */
import { Counter, type Registry } from 'prom-client';
import { BlockedTotals, type BlockedTotal } from '../push/counters/totals.js';
import type { DeviceResult } from '../push/run.js';

/** A month of 5-minute pushes. */
const MAX_POINTS = 8640;

export class BlockedTraffic {
  readonly totals = new BlockedTotals();
  /** Fleet total of blocked packets after each push that had any reporting device. */
  readonly series: Array<{ at: number; packets: number; bytes: number }> = [];
  private readonly packets?: Counter<'device' | 'family'>;
  private readonly bytes?: Counter<'device' | 'family'>;

  constructor(registry?: Registry) {
    if (registry === undefined) return;
    const labelNames = ['device', 'family'] as const;
    this.packets = new Counter({ name: 'apiban_blocked_packets_total', help: 'packets the ban rule dropped, as the device counts them', labelNames, registers: [registry] });
    this.bytes = new Counter({ name: 'apiban_blocked_bytes_total', help: 'bytes the ban rule dropped, as the device counts them', labelNames, registers: [registry] });
  }

  record(at: number, results: readonly DeviceResult[]): void {
    let reported = false;
    for (const result of results) {
      if (result.blocked === undefined) continue;
      reported = true;
      for (const increase of this.totals.record(result.device, result.blocked)) {
        this.packets?.labels(result.device, increase.family).inc(increase.packets);
        if (increase.bytes !== undefined) this.bytes?.labels(result.device, increase.family).inc(increase.bytes);
      }
    }
    if (!reported) return;
    const all = this.totals.all();
    this.series.push({ at, packets: sum(all, 'packets'), bytes: sum(all, 'bytes') });
    if (this.series.length > MAX_POINTS) this.series.shift();
  }
}

function sum(totals: readonly BlockedTotal[], field: 'packets' | 'bytes'): number {
  return totals.reduce((n, t) => n + (t[field] ?? 0), 0);
}
