/**
 * What serve does with each run of the shared sync loop (src/sync/sync-loop.ts): a failed sync
 * keeps the last good set on the air; the failure goes to /healthz, /metrics and one log line.
 * Whether a run is a full resync is the sync service's decision (sync.fullResync, empty or lost state).
 */
import { SyncLoop } from '../sync/sync-loop.js';
import type { Logger } from '../log.js';
import type { ServeMetrics } from './metrics.js';
import type { PublishedSet } from '../sync/published-set.js';
import type { ServeState } from './served-view.js';
import { errorMessage } from '../errors.js';

/** What the loop needs of the sync service (src/sync/service.ts SyncService fits). */
export interface SyncRunner {
  /** Resolves with ok: false for a failure it has logged itself; throws for one it has not. */
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
  error?: string | undefined;
  published?: PublishedSet | undefined;
}

export class SyncScheduler {
  private readonly loop: SyncLoop;

  constructor(
    private readonly runner: SyncRunner,
    private readonly state: ServeState,
    private readonly metrics: ServeMetrics,
    private readonly log: Logger,
    /** Read before each wait, so a reload changes the interval from the next run on. */
    interval: () => number,
    /** Called after each sync that succeeded and changed the set (scheduled pushes hang here). */
    private readonly onChanged?: (set: PublishedSet) => void,
  ) {
    this.loop = new SyncLoop((signal) => this.runOnce(signal), interval);
  }

  /** Publishes the set loaded from state (if any), then starts the loop with an immediate sync. */
  async start(): Promise<void> {
    const saved = this.runner.current();
    if (saved !== undefined) await this.publish(saved);
    this.loop.start();
  }

  /** Runs one sync now unless one is running (then waits for that one). */
  runNow(): Promise<void> {
    return this.loop.runNow();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async runOnce(signal: AbortSignal): Promise<void> {
    const at = new Date();
    let result: SyncResult;
    // A runner reports its own failures (the sync service logs each with its reason); a throw is
    // one nobody has reported yet.
    let reported = true;
    this.state.syncRunningSince = at.getTime();
    try {
      result = await this.runner.sync({ signal });
    } catch (error) {
      reported = false;
      result = {
        ok: false,
        full: false,
        requests: 0,
        size: 0,
        durationMs: Date.now() - at.getTime(),
        changed: false,
        error: errorMessage(error),
      };
    }
    this.metrics.recordSync(result.ok);
    this.state.syncRunningSince = undefined;
    this.state.syncFailingSince = result.ok ? undefined : (this.state.syncFailingSince ?? at.getTime());
    this.state.lastSync = { at, ok: result.ok, full: result.full, durationMs: result.durationMs, size: result.size, error: result.error };
    const fields = {
      ok: result.ok,
      full: result.full,
      requests: result.requests,
      size: result.size,
      added: result.added,
      expired: result.expired,
      changed: result.changed,
      durationMs: result.durationMs,
    };
    if (result.ok) this.log.info(fields, 'sync done');
    else this.log[reported ? 'warn' : 'error']({ ...fields, error: result.error }, 'sync failed; serving the last good set');
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
