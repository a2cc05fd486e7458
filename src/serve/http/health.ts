/**
 * /healthz: what a monitor or a load balancer needs to decide whether this replica's list can be
 * trusted. 200 while a set is served and younger than `serve.maxAge`; 503 before the first
 * successful sync and when the data went stale. A failed sync with fresh data stays 200 but shows
 * `lastSync.ok: false` and the error line, so the failure is visible without taking the list away.
 */
import type { PublishedSet } from '../../sync/published-set.js';
import type { SyncReport } from '../../sync/service.js';

/** The last sync's report as /healthz, the status page and the metrics show it. */
export type LastSync = Pick<SyncReport, 'ok' | 'full' | 'durationMs' | 'size' | 'error'> & { at: Date };

/** A reload that failed leaves the previous configuration running; the monitor still sees it. */
export interface ReloadOutcome {
  at: Date;
  ok: boolean;
  error?: string;
}

export interface HealthReport {
  status: 'ok' | 'starting' | 'stale';
  lastSync: (Omit<LastSync, 'at'> & { at: string }) | null;
  set: { size: number; v4: number; v6: number; source: string; syncedAt: string; ageSeconds: number } | null;
  cursorAgeSeconds: number | null;
  maxAgeSeconds: number;
  lastReload?: { at: string; ok: boolean; error?: string };
}

export function buildHealth(
  set: PublishedSet | undefined,
  lastSync: LastSync | undefined,
  maxAgeMs: number,
  now: number,
  lastReload?: ReloadOutcome,
): { status: number; report: HealthReport } {
  const ageMs = set === undefined ? undefined : now - set.syncedAt.getTime();
  const status: HealthReport['status'] = ageMs === undefined ? 'starting' : ageMs > maxAgeMs ? 'stale' : 'ok';
  const report: HealthReport = {
    status,
    lastSync: lastSync === undefined ? null : { ...lastSync, at: lastSync.at.toISOString() },
    set:
      set === undefined
        ? null
        : {
            size: set.bans.size,
            v4: set.bans.counts().v4,
            v6: set.bans.counts().v6,
            source: set.source,
            syncedAt: set.syncedAt.toISOString(),
            ageSeconds: Math.round((ageMs as number) / 1000),
          },
    cursorAgeSeconds: cursorAge(set?.cursor, now),
    maxAgeSeconds: Math.round(maxAgeMs / 1000),
  };
  if (lastReload !== undefined) report.lastReload = { ...lastReload, at: lastReload.at.toISOString() };
  return { status: status === 'ok' ? 200 : 503, report };
}

/** APIBAN cursors are Unix timestamps in seconds (APIBAN API documentation, https://apiban.org/doc.html). */
function cursorAge(cursor: string | undefined, now: number): number | null {
  if (cursor === undefined || !/^\d{9,11}$/.test(cursor)) return null;
  return Math.max(0, Math.round(now / 1000 - Number(cursor)));
}
