/**
 * What a push reports about one device: the outcome, what changed, how it was checked and the
 * blocked traffic its ban rule counted. `src/push` makes these; `push` prints them, and the
 * daemons' status page and metrics show them (src/serve never imports src/push for it).
 */
import type { BlockedCounters } from './blocked.js';

export type DeviceOutcome = 'unchanged' | 'changed' | 'planned' | 'refused' | 'failed';

export interface DeviceResult {
  device: string;
  driver: string;
  added: number;
  removed: number;
  /** Configuration commands, API calls or uploaded entry lines actually sent (0 = nothing changed). */
  sent: number;
  /** Bytes uploaded, for drivers that upload a file (linux-nftables, linux-ipset, pf). */
  bytes?: number | undefined;
  /** How the outcome was checked on the device: `read back`, or the driver's own proof (iptables-api). */
  verified?: string | undefined;
  durationMs: number;
  result: DeviceOutcome;
  error?: string | undefined;
  /** --dry-run: the exact commands that would be sent. */
  plan?: string[];
  /** After a failed change: the lines the device had accepted. */
  applied?: readonly string[];
  /** What the ban rule counted (src/push/blocked/ reads it); absent when the device reports nothing. */
  blocked?: BlockedCounters;
}

/** True when any device failed or was refused: the CLI exits non-zero. */
export function anyFailed(results: readonly DeviceResult[]): boolean {
  return results.some((r) => r.result === 'failed' || r.result === 'refused');
}
