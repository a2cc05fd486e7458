/**
 * What the daemons do with each run of the shared sync loop (src/sync/sync-loop.ts): sync, record
 * the outcome, log one line, publish a good set. A failed sync keeps the last good set on the air;
 * the failure goes to the loop record (/healthz, the status page, /metrics) and the log. Whether a
 * run is a full resync is the sync service's decision (sync.fullResync, empty or lost state).
 */
import { SyncLoop } from '../sync/sync-loop.js';
import type { Logger } from '../log.js';
import type { PublishedSet } from '../sync/published-set.js';
import { NO_TRAFFIC, type SyncReport, type SyncService } from '../sync/service.js';
import { errorMessage } from '../errors.js';
import type { LoopRecord } from './loop-record.js';

export interface SyncRunsEvents {
  /** Every run's report, after the record is written. */
  finished(report: SyncReport): void;
  /** A good set, after each successful run; `changed` says whether its bans or source differ. */
  published(set: PublishedSet, changed: boolean): Promise<void>;
}

export class SyncRuns {
  private readonly loop: SyncLoop;

  constructor(
    private readonly service: SyncService,
    private readonly record: LoopRecord,
    private readonly events: SyncRunsEvents,
    private readonly log: Logger,
    /** Read before each wait, so a reload changes the interval from the next run on. */
    interval: () => number,
  ) {
    this.loop = new SyncLoop((signal) => this.runOnce(signal), interval);
  }

  /** Publishes the set loaded from state (if any), then starts the loop with an immediate sync. */
  async start(): Promise<void> {
    const saved = this.service.current();
    if (saved !== undefined) await this.events.published(saved, false);
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
    let report: SyncReport;
    // A service reports its own failures (the sync service logs each with its reason); a throw is
    // one nobody has reported yet.
    let reported = true;
    this.record.syncStarted(at);
    try {
      report = await this.service.sync({ signal });
    } catch (error) {
      reported = false;
      report = unreportedFailure(error, Date.now() - at.getTime());
    }
    this.record.syncFinished(at, report);
    this.events.finished(report);
    const { ok, full, requests, size, added, expired, changed, durationMs } = report;
    const fields = { ok, full, requests, size, added, expired, changed, durationMs };
    if (ok) this.log.info(fields, 'sync done');
    else this.log[reported ? 'warn' : 'error']({ ...fields, error: report.error }, 'sync failed; serving the last good set');
    const set = report.published ?? this.service.current();
    if (set !== undefined && ok) await this.events.published(set, changed);
  }
}

/** The report of a sync that threw instead of reporting its failure. */
function unreportedFailure(error: unknown, durationMs: number): SyncReport {
  return {
    ...NO_TRAFFIC,
    ok: false,
    full: false,
    size: 0,
    durationMs,
    changed: false,
    error: errorMessage(error),
    errorKind: 'internal',
  };
}
