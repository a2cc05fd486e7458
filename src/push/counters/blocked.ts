/**
 * What a device's ban rule reports it stopped: packets and bytes per address family, as read
 * from the device's own counters. `undefined` means the device reports nothing (no counting
 * rule, or a driver that cannot read one): shown as "not reported", never as zero.
 */
/** Cisco hit counts are packets only: `bytes` is absent there, not zero. */
export interface FamilyCounter { packets: number; bytes?: number }

export type BlockedCounters = Partial<Record<'v4' | 'v6', FamilyCounter>>;

export const FAMILIES = ['v4', 'v6'] as const;
