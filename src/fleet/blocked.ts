/**
 * Blocked traffic: what a device's ban rule reports it stopped, packets and bytes per address
 * family, as read from the device's own counters (src/push/blocked/ reads them), and the running
 * totals of those readings (serve's metrics, status page and blocked.json keep them).
 * `undefined` means the device reports nothing (no counting rule, or a driver that cannot read
 * one): shown as "not reported", never as zero.
 *
 * Totals are kept the way Prometheus treats a counter: a reading below the previous one means the
 * device restarted or reloaded the rule (the counter began again at zero), so the new reading is
 * added whole; otherwise only the growth is added. Totals therefore never go backwards. The first
 * reading of a device counts in full: what its rule stopped before this process started was still
 * stopped by the list.
 */

/** Cisco hit counts are packets only: `bytes` is absent there, not zero. */
export interface FamilyCounter {
  packets: number;
  bytes?: number;
}

/**
 * `all`: a device that counts both families in one number (a pf table's own counters cover
 * IPv4 and IPv6 alike); it never reports `v4` / `v6` besides, so the rows still add up.
 */
export type BlockedFamily = 'v4' | 'v6' | 'all';

export type BlockedCounters = Partial<Record<BlockedFamily, FamilyCounter>>;

export const FAMILIES = ['v4', 'v6', 'all'] as const;

export interface BlockedTotal {
  device: string;
  family: BlockedFamily;
  packets: number;
  bytes?: number | undefined;
}
export interface BlockedIncrease {
  family: BlockedFamily;
  packets: number;
  bytes?: number;
}
/** What a restart must carry over: the totals, and each device's last reading to measure growth from. */
export interface BlockedTotalsSnapshot {
  totals: BlockedTotal[];
  last: BlockedTotal[];
}

export class BlockedTotals {
  private readonly last = new Map<string, FamilyCounter>();
  private readonly totals = new Map<string, BlockedTotal>();

  /** Adds one reading; returns the increase per family (what a Prometheus counter is incremented by). */
  record(device: string, reading: BlockedCounters | undefined): BlockedIncrease[] {
    const increases: BlockedIncrease[] = [];
    for (const family of FAMILIES) {
      const now = reading?.[family];
      if (now === undefined) continue;
      const key = `${device}\u0000${family}`;
      const before = this.last.get(key);
      const reset = before === undefined || now.packets < before.packets || (now.bytes ?? 0) < (before.bytes ?? 0);
      const packets = reset ? now.packets : now.packets - before.packets;
      const bytes = now.bytes === undefined ? undefined : reset ? now.bytes : now.bytes - (before.bytes ?? 0);
      this.last.set(key, now);
      const total: BlockedTotal = this.totals.get(key) ?? { device, family, packets: 0 };
      total.packets += packets;
      if (bytes !== undefined) total.bytes = (total.bytes ?? 0) + bytes;
      this.totals.set(key, total);
      increases.push(bytes === undefined ? { family, packets } : { family, packets, bytes });
    }
    return increases;
  }

  /** The totals of one device, or undefined when it never reported. */
  of(device: string): BlockedTotal[] | undefined {
    const found = [...this.totals.values()].filter((t) => t.device === device);
    return found.length === 0 ? undefined : found;
  }

  all(): BlockedTotal[] {
    return [...this.totals.values()];
  }

  snapshot(): BlockedTotalsSnapshot {
    const last = [...this.last].map(([key, c]) => {
      const [device, family] = key.split('\u0000') as [string, BlockedFamily];
      return c.bytes === undefined ? { device, family, packets: c.packets } : { device, family, packets: c.packets, bytes: c.bytes };
    });
    return { totals: this.all().map((t) => ({ ...t })), last };
  }

  /** Continues from a snapshot: the next reading of a device counts only what it grew since. */
  restore(snapshot: BlockedTotalsSnapshot): void {
    for (const t of snapshot.totals) this.totals.set(`${t.device}\u0000${t.family}`, { ...t });
    for (const l of snapshot.last)
      this.last.set(
        `${l.device}\u0000${l.family}`,
        l.bytes === undefined ? { packets: l.packets } : { packets: l.packets, bytes: l.bytes },
      );
  }
}
