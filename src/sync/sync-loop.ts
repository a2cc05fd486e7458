/**
 * The one sync loop both daemons run (`serve`, `push --watch`): one sync at start, then one every
 * interval, never two at a time (the next is scheduled only when the previous one ended). What a
 * sync leads to (publishing, pushing, metrics) is the caller's `run`; the timing is decided here.
 */
import type { Config } from '../config/schema.js';

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

export class SyncLoop {
  private timer?: NodeJS.Timeout;
  private running: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private stopped = false;

  constructor(
    /** One sync and what follows from it; must not throw (a failed sync is reported, not raised). */
    private readonly run: (signal: AbortSignal) => Promise<void>,
    /** Read before each wait, so a reload changes the interval from the next run on. */
    private readonly interval: () => number,
  ) {}

  /** Starts the loop with an immediate sync. */
  start(): void {
    this.tick();
  }

  /** Runs one sync now unless one is running (then waits for that one). */
  runNow(): Promise<void> {
    this.running ??= this.run(this.abort.signal).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** No further sync; a running one is aborted and awaited. */
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
}
