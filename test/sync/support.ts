/** Shared set-up for the sync tests: temp state dirs, configs pointing at a fake, a movable clock. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../helpers/config-schema.js';
import type { LoadedConfig } from '../../src/config/load.js';
import type { Clock } from '../../src/apiban/clock.js';

export const DAY = 86_400_000;

export function tempDir(prefix = 'apiban-sync-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A LoadedConfig as loadConfig would build it; `apiban` fields merge over a fast test budget. */
export function testConfig(stateDir: string, raw: Record<string, unknown> = {}): LoadedConfig {
  const apiban = { budget: { requests: 10, window: '200ms' }, timeout: '2s', ...(raw.apiban as object | undefined) };
  return { config: configSchema.parse({ ...raw, apiban }), source: 'test', stateDir };
}

/**
 * Virtual time for the sync service and the fake APIBAN together: it starts at the real time and
 * moves only by `advance()` (days, for expiry and full-resync schedules) and by sleeps, which
 * return at once having moved it. The pacer's waits then cost nothing, and the fake's window,
 * given the same `now`, judges them by the same clock.
 */
export function movableClock(): Clock & { advance(ms: number): void } {
  let now = Date.now();
  return {
    now: () => now,
    sleep: async (ms, signal) => {
      await new Promise((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
      now += Math.max(0, ms);
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

/** `count` distinct documentation-range IPv4 addresses (and a few IPv6 ones every 500th). */
export function manyAddresses(count: number, offset = 0): string[] {
  return Array.from({ length: count }, (_, n) => {
    const i = n + offset;
    if (i % 500 === 499) return `2001:db8:${((i >> 16) + 1).toString(16)}::${(i & 0xffff).toString(16)}`;
    return `198.${18 + ((i >> 16) & 1)}.${(i >> 8) & 255}.${i & 255}`;
  });
}
