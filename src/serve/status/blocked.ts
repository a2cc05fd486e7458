/**
 * Blocked traffic as the push fleet reports it: Prometheus counters
 * `apiban_exporter_blocked_packets_total` / `apiban_exporter_blocked_bytes_total{device,family}` on
 * the daemon's registry (and, for this release only, the same values under their first names
 * `apiban_blocked_*`, so dashboards can move over; see CHANGELOG.md), the running totals (resets handled, see src/fleet/blocked.ts), and a short
 * series of the fleet's total over time for the status page's chart; saved in the state
 * directory after each reporting push and restored at start (status-blocked-store.ts).
 */
import { Counter, type Registry } from 'prom-client';
import { BlockedTotals, type BlockedTotal } from '../../fleet/blocked.js';
import type { DeviceResult } from '../../fleet/device-result.js';
import type { BlockedFile, BlockedPoint } from './blocked-store.js';

/** A month of 5-minute pushes. */
const MAX_POINTS = 8640;

export class BlockedTraffic {
  readonly totals = new BlockedTotals();
  /** Fleet total of blocked packets after each push that had any reporting device. */
  readonly series: BlockedPoint[] = [];
  private readonly packets: Counter<'device' | 'family'>[] = [];
  private readonly bytes: Counter<'device' | 'family'>[] = [];

  constructor(registry?: Registry) {
    if (registry === undefined) return;
    this.packets = countersWithAlias(registry, 'blocked_packets_total', 'packets the ban rule dropped, as the device counts them');
    this.bytes = countersWithAlias(registry, 'blocked_bytes_total', 'bytes the ban rule dropped, as the device counts them');
  }

  /** Returns whether any device reported (only then is there something new to save). */
  record(at: number, results: readonly DeviceResult[]): boolean {
    let reported = false;
    for (const result of results) {
      if (result.blocked === undefined) continue;
      reported = true;
      for (const increase of this.totals.record(result.device, result.blocked)) {
        add(this.packets, result.device, increase.family, increase.packets);
        add(this.bytes, result.device, increase.family, increase.bytes);
      }
    }
    if (!reported) return false;
    const all = this.totals.all();
    this.series.push({ at, packets: sum(all, 'packets'), bytes: sum(all, 'bytes') });
    if (this.series.length > MAX_POINTS) this.series.shift();
    return true;
  }

  /** Continues from what a previous run saved; the Prometheus counters start at the saved totals. */
  restore(saved: BlockedFile): void {
    this.totals.restore(saved);
    for (const t of saved.totals) {
      add(this.packets, t.device, t.family, t.packets);
      add(this.bytes, t.device, t.family, t.bytes);
    }
    this.series.splice(0, this.series.length, ...saved.series.slice(-MAX_POINTS));
  }

  toFile(): BlockedFile {
    return { ...this.totals.snapshot(), series: [...this.series] };
  }
}

/** The counter under its name, and under the name it had before (deprecated, removed in the next release). */
function countersWithAlias(registry: Registry, name: string, help: string): Counter<'device' | 'family'>[] {
  const labelNames = ['device', 'family'] as const;
  return [
    new Counter({ name: `apiban_exporter_${name}`, help, labelNames, registers: [registry] }),
    new Counter({
      name: `apiban_${name}`,
      help: `deprecated: apiban_exporter_${name}, under its old name`,
      labelNames,
      registers: [registry],
    }),
  ];
}

function add(counters: readonly Counter<'device' | 'family'>[], device: string, family: string, amount: number | undefined): void {
  if (amount === undefined) return;
  for (const counter of counters) counter.labels(device, family).inc(amount);
}

function sum(totals: readonly BlockedTotal[], field: 'packets' | 'bytes'): number {
  return totals.reduce((n, t) => n + (t[field] ?? 0), 0);
}
