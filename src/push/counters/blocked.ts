/**
 * What a device's ban rule reports it stopped: packets and bytes per address family, as read
 * from the device's own counters. `undefined` means the device reports nothing (no counting
 * rule, or a driver that cannot read one): shown as "not reported", never as zero.
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
