/**
 * Where serve's sync service runs. A small set syncs on the event loop, where it takes a few
 * milliseconds, and costs no thread (a worker is 10-20 MB of RSS before it does anything). A large
 * one syncs in a worker thread (sync-thread.ts): reading and writing a million-entry state,
 * parsing the sources and applying a changed policy take seconds of CPU that would otherwise
 * stall every poll. The service starts in the thread when the state directory already holds a
 * large set, and moves there before the next sync once the set it publishes has grown large.
 */
import type { LoadedConfig } from '../config/load.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { savedStateBytes } from '../sync/store.js';
import type { SyncHooks, SyncReport, SyncService } from '../sync/service.js';
import { WORKER_MIN_ENTRIES } from './render-pool.js';
import type { SyncRunner } from './sync-scheduler.js';

/** From this many published entries on, the sync service runs in the thread (the render worker's bar). */
export const THREAD_MIN_ENTRIES = WORKER_MIN_ENTRIES;
/** published.json spends at least this many bytes per entry (`"192.0.2.1",`, 12 for the shortest). */
const SAVED_BYTES_PER_ENTRY = 12;

export type RunnerFactory = (loaded: LoadedConfig, log: Logger, hooks: SyncHooks) => Promise<SyncService | SyncRunner>;

export async function startServeSync(
  loaded: LoadedConfig,
  log: Logger,
  hooks: SyncHooks,
  onLoop: RunnerFactory,
  inThread: RunnerFactory,
): Promise<SyncRunner> {
  const large = (await savedStateBytes(loaded.stateDir)) >= THREAD_MIN_ENTRIES * SAVED_BYTES_PER_ENTRY;
  const start = (factory: RunnerFactory) => () => factory(loaded, log, hooks);
  const runner = new PlacedSyncRunner(start(onLoop), start(inThread), log);
  await runner.start(large);
  return runner;
}

class PlacedSyncRunner implements SyncRunner {
  private runner: SyncRunner | undefined;
  private threaded = false;

  constructor(
    private readonly onLoop: () => Promise<SyncRunner>,
    private readonly inThread: () => Promise<SyncRunner>,
    private readonly log: Logger,
  ) {}

  async open(threaded: boolean): Promise<void> {
    this.runner = await (threaded ? this.inThread() : this.onLoop());
    this.threaded = threaded;
  }

  /** At start (and on a reload that restarts the service): the thread when the saved set is large. */
  async start(large: boolean): Promise<void> {
    await this.open(large);
    if (large) this.log.info('syncing in a worker thread (the saved set is large)');
  }

  current() {
    return this.runner?.current();
  }

  async sync(options?: { signal?: AbortSignal }): Promise<SyncReport> {
    if (!this.threaded && (this.current()?.bans.size ?? 0) >= THREAD_MIN_ENTRIES) await this.moveToThread();
    return (await (this.runner as SyncRunner).sync(options)) as SyncReport;
  }

  close(): Promise<void> {
    return this.runner?.close() ?? Promise.resolve();
  }

  /**
   * The thread's service starts while the loop's still holds the state lock (the loop's lock is
   * shared within the process, lock.ts), so the lock has no gap; if it cannot start, the loop's goes on.
   */
  private async moveToThread(): Promise<void> {
    const onLoop = this.runner;
    try {
      this.runner = await this.inThread();
    } catch (error) {
      this.log.warn({ err: errorMessage(error) }, 'the sync thread could not start; syncing on the event loop');
      return;
    }
    this.threaded = true;
    await onLoop?.close();
    this.log.info({ entries: this.current()?.bans.size }, 'the set is large: syncing in a worker thread from now on');
  }
}
