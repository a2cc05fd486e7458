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
import type { SyncHooks, SyncOptions, SyncReport, SyncService } from '../sync/service.js';
import { WORKER_MIN_ENTRIES } from '../serve/outputs/render-pool.js';

/** From this many published entries on, the sync service runs in the thread (the render worker's bar). */
export const THREAD_MIN_ENTRIES = WORKER_MIN_ENTRIES;
/** published.json spends at least this many bytes per entry (`"192.0.2.1",`, 12 for the shortest). */
const SAVED_BYTES_PER_ENTRY = 12;

export type SyncFactory = (loaded: LoadedConfig, log: Logger, hooks: SyncHooks) => Promise<SyncService>;

export async function startServeSync(
  loaded: LoadedConfig,
  log: Logger,
  hooks: SyncHooks,
  onLoop: SyncFactory,
  inThread: SyncFactory,
): Promise<SyncService> {
  const large = (await savedStateBytes(loaded.stateDir)) >= THREAD_MIN_ENTRIES * SAVED_BYTES_PER_ENTRY;
  const start = (factory: SyncFactory) => () => factory(loaded, log, hooks);
  const service = new PlacedSyncService(start(onLoop), start(inThread), log);
  await service.start(large);
  return service;
}

class PlacedSyncService implements SyncService {
  private service: SyncService | undefined;
  private threaded = false;

  constructor(
    private readonly onLoop: () => Promise<SyncService>,
    private readonly inThread: () => Promise<SyncService>,
    private readonly log: Logger,
  ) {}

  async open(threaded: boolean): Promise<void> {
    this.service = await (threaded ? this.inThread() : this.onLoop());
    this.threaded = threaded;
  }

  /** At start (and on a reload that restarts the service): the thread when the saved set is large. */
  async start(large: boolean): Promise<void> {
    await this.open(large);
    if (large) this.log.info('syncing in a worker thread (the saved set is large)');
  }

  current() {
    return this.service?.current();
  }

  async sync(options?: SyncOptions): Promise<SyncReport> {
    if (!this.threaded && (this.current()?.bans.size ?? 0) >= THREAD_MIN_ENTRIES) await this.moveToThread();
    return (this.service as SyncService).sync(options);
  }

  close(): Promise<void> {
    return this.service?.close() ?? Promise.resolve();
  }

  /**
   * The thread's service starts while the loop's still holds the state lock (the loop's lock is
   * shared within the process, lock.ts), so the lock has no gap; if it cannot start, the loop's goes on.
   */
  private async moveToThread(): Promise<void> {
    const onLoop = this.service;
    try {
      this.service = await this.inThread();
    } catch (error) {
      this.log.warn({ err: errorMessage(error) }, 'the sync thread could not start; syncing on the event loop');
      return;
    }
    this.threaded = true;
    await onLoop?.close();
    this.log.info({ entries: this.current()?.bans.size }, 'the set is large: syncing in a worker thread from now on');
  }
}
