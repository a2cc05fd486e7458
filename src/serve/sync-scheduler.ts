/**
 * The sync loop of the daemon: one sync at start, then one every `sync.interval`, never two at a
 * time (the next is scheduled only when the previous one ended). A failed sync keeps the last
 * good set on the air; the failure goes to /healthz, /metrics and one log line. Whether a run is
 * a full resync is the sync service's decision (sync.fullResync, empty or lost state).
 */
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { ServeMetrics } from './metrics.js';
import type { PublishedSet } from '../sync/published-set.js';
import type { ServeState } from './served-view.js';

/** What the loop needs of the sync service (src/sync/service.ts SyncService fits). */
export interface SyncRunner {
  sync(options?: { signal?: AbortSignal }): Promise<SyncResult>;
  current(): PublishedSet | undefined;
  close(): Promise<void>;
}

export interface SyncResult {
  ok: boolean;
  full: boolean;
  requests: number;
  size: number;
  durationMs: number;
  changed: boolean;
  added?: number;
  expired?: number;
  error?: string;
  published?: PublishedSet;
}

/**
 * APIBAN allows 11 requests per 2 minutes per key, and an incremental sync costs at least one
 * request (usually two: a page and the "caught up" answer). Polling faster than once a minute
 * would leave no room for full resyncs and `check` calls, so intervals are clamped.
 */
export const MIN_SYNC_INTERVAL_MS = 60_000;

export function effectiveInterval(config: Config, minimumMs = MIN_SYNC_INTERVAL_MS): number {
  const budget = config.apiban.budget;
  const perSyncShare = Math.ceil((2 * budget.window) / budget.requests);
  return Math.max(config.sync.interval, minimumMs, perSyncShare);
}

export class SyncScheduler {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly abort = new AbortController();
  private stopped = false;

  constructor(
    private readonly runner: SyncRunner,
    private readonly state: ServeState,
    private readonly metrics: ServeMetrics,
    private readonly log: Logger,
    /** Read before each wait, so a reload changes the interval from the next run on. */
    private readonly interval: () => number,
    /** Called after each sync that succeeded and changed the set (scheduled pushes hang here). */
    private readonly onChanged?: (set: PublishedSet) => void,
  ) {}

  /** Publishes the set loaded from state (if any), then starts the loop with an immediate sync. */
  async start(): Promise<void> {
    const saved = this.runner.current();
    if (saved !== undefined) await this.publish(saved);
    this.tick();
  }

  /** Runs one sync now unless one is running (then waits for that one). */
  runNow(): Promise<void> {
    this.running ??= this.runOnce().finally(() => { this.running = undefined; });
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort.abort();
    await this.running;
  }

  private tick(): void {
    if (this.stopped) return;
    void this.runNow().finally(() => {
      if (this.stopped) return;
      this.timer = setTimeout(() => this.tick(), this.interval());
    });
  }

  private async runOnce(): Promise<void> {
    const at = new Date();
    let result: SyncResult;
    try {
      result = await this.runner.sync({ signal: this.abort.signal });
    } catch (error) {
      result = { ok: false, full: false, requests: 0, size: 0, durationMs: Date.now() - at.getTime(), changed: false, error: (error as Error).message };
    }
    this.metrics.recordSync(result.ok);
    this.state.lastSync = { at, ok: result.ok, full: result.full, durationMs: result.durationMs, size: result.size, error: result.error };
    const fields = { ok: result.ok, full: result.full, requests: result.requests, size: result.size, added: result.added, expired: result.expired, changed: result.changed, durationMs: result.durationMs };
    if (result.ok) this.log.info(fields, 'sync done');
    else this.log.error({ ...fields, error: result.error }, 'sync failed; serving the last good set');
    const set = result.published ?? this.runner.current();
    if (set !== undefined && result.ok) {
      await this.publish(set);
      if (result.changed) this.onChanged?.(set);
    }
  }

  private async publish(set: PublishedSet): Promise<void> {
    await this.state.publish(set);
    this.metrics.recordSet(set.bans, set.syncedAt);
  }
}
