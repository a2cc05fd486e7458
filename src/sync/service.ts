/**
 * The sync service that `sync`, `serve` and `push --watch` share: one serialised sync at a time,
 * the last good published set in memory and on disk, and a report per run. APIBAN, network,
 * source and guard failures never throw out of `sync()`: they come back as `ok: false` with a
 * one-line error, and the last good set stays published.
 */
import type { LoadedConfig } from '../config/load.js';
import { BanSet } from '../banset/banset.js';
import { ApibanError, ConfigError, PublishRefusedError, StateError, errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { systemClock, type Clock } from '../apiban/clock.js';
import { runSync, type RunStats, type SyncRunContext } from './run.js';
import type { SyncHooks, SyncOptions } from './sync-options.js';
import type { PublishedSet } from './published-set.js';
import { guardPublication } from './publish.js';
import { StateStore } from './store.js';
import { SyncHistory } from './history/sync-history.js';
import type { SyncState } from './sync-state.js';
import type { SourceOutcome } from './sources.js';

export type { Clock } from '../apiban/clock.js';
export type { PublishedSet, SetSource } from './published-set.js';
export type { SourceOutcome } from './sources.js';
export type { SyncHooks, SyncOptions, SyncProgress } from './sync-options.js';
export { computePublishedSet } from './compute.js';

export interface SyncReport {
  ok: boolean;
  full: boolean;
  requests: number;
  pages: number;
  received: number;
  added: number;
  expired: number;
  size: number;
  durationMs: number;
  changed: boolean;
  /** One line, no secret, e.g. "[apiban] 403 unauthorized: check APIBAN_KEY". */
  error?: string | undefined;
  /** Which part failed, for exit codes and metrics. */
  errorKind?: SyncErrorKind;
  /** Entries APIBAN sent that were not strict addresses (sentinels, hostile strings). */
  invalid?: number;
  /** Local list sources, each with ok/fromCache/error. */
  sources?: SourceOutcome[];
  /** The current last good set after this run. */
  published?: PublishedSet | undefined;
}

/** A report's traffic fields for a run that asked APIBAN nothing. */
export const NO_TRAFFIC = { requests: 0, pages: 0, received: 0, added: 0, expired: 0 } as const satisfies Partial<SyncReport>;

export type SyncErrorKind = 'apiban' | 'guard' | 'state' | 'config' | 'aborted' | 'internal';

export interface SyncService {
  /** One sync (full when due or asked). Never throws for APIBAN/network/guard failures. Serialised: a call while one runs shares it. */
  sync(options?: SyncOptions): Promise<SyncReport>;
  /** Last good publishable set, or undefined before the first success (loaded from state on start). */
  current(): PublishedSet | undefined;
  /** Releases the lock. */
  close(): Promise<void>;
}

/** Test and tuning knobs that have no place in the user's configuration. */
export interface SyncServiceOptions {
  /** First back-off delay after a 5xx or network failure (default 1 s). */
  retryDelayMs?: number | undefined;
  /** The caller holds the state directory's lock for this service (serve's sync thread). */
  lockHeld?: boolean | undefined;
}

export async function createSyncService(
  loaded: LoadedConfig,
  log: Logger,
  hooks: SyncHooks = {},
  clock: Clock = systemClock,
  options: SyncServiceOptions = {},
): Promise<SyncService> {
  const store = await StateStore.open(loaded.stateDir, log, options.lockHeld);
  let state: SyncState;
  let current: PublishedSet | undefined;
  try {
    state = await store.load();
    current = await store.loadPublished();
  } catch (error) {
    await store.close();
    throw error;
  }
  const history = await SyncHistory.open(loaded.stateDir, { retentionMs: loaded.config.sync.history }, log, current?.bans, clock.now());
  const context: SyncRunContext = { loaded, log, hooks, clock, store, retryDelayMs: options.retryDelayMs, state: () => state };
  let running: Promise<SyncReport> | undefined;

  async function syncOnce(syncOptions: SyncOptions): Promise<SyncReport> {
    const started = clock.now();
    const outcome = await runSync(context, syncOptions);
    if ('error' in outcome)
      return failed(syncOptions.signal?.aborted ? 'aborted' : errorKind(outcome.error), outcome.error, started, outcome.stats);
    try {
      guardPublication('sync', state, outcome.published, loaded.config.guards, syncOptions);
      const changed = current === undefined || !current.bans.equals(outcome.published.bans) || current.source !== outcome.published.source;
      // Written ahead of the publication: history/read.ts drops the event if the publication never happens.
      await history.recordSuccess(
        current?.bans ?? BanSet.EMPTY,
        outcome.published.bans,
        syncKind(outcome),
        (p) => state.entries.has(p),
        clock.now(),
      );
      if (changed || current?.cursor !== outcome.published.cursor) await store.savePublished(outcome.published);
      current = outcome.published;
      state.publishedSize = current.bans.size;
      state.lastSync = { at: clock.now(), ok: true };
      await store.save(state);
      return {
        ...summarize(outcome.stats),
        ok: true,
        size: current.bans.size,
        durationMs: clock.now() - started,
        changed,
        sources: outcome.sources,
        published: current,
      };
    } catch (error) {
      return failed(syncOptions.signal?.aborted ? 'aborted' : errorKind(error), error, started, outcome.stats);
    }
  }

  async function failed(kind: SyncErrorKind, error: unknown, started: number, stats: RunStats): Promise<SyncReport> {
    const message = describeFailure(kind, error);
    if (kind === 'aborted') log.info({ component: 'sync' }, message);
    else if (kind === 'internal') log.error({ component: 'sync', err: error instanceof Error ? error.stack : String(error) }, message);
    else log.error({ component: 'sync' }, message);
    state.lastSync = { at: clock.now(), ok: false, error: message };
    if (kind !== 'aborted')
      await history.recordFailure(current?.bans ?? BanSet.EMPTY, stats.full ? 'full' : 'incremental', message, clock.now());
    await store.save(state).catch(() => undefined);
    return {
      ...summarize(stats),
      ok: false,
      size: current?.bans.size ?? 0,
      durationMs: clock.now() - started,
      changed: false,
      error: message,
      errorKind: kind,
      published: current,
    };
  }

  return {
    sync(syncOptions = {}) {
      running ??= syncOnce(syncOptions).finally(() => {
        running = undefined;
      });
      return running;
    },
    current: () => current,
    close: () => store.close(),
  };
}

function syncKind(outcome: { published: PublishedSet; stats: RunStats }): 'sample' | 'full' | 'incremental' {
  return outcome.published.source === 'sample' ? 'sample' : outcome.stats.full ? 'full' : 'incremental';
}

function summarize(stats: RunStats) {
  const { full, requests, pages, received, invalid, added, expired } = stats;
  return { full, requests, pages, received, invalid, added, expired };
}

function describeFailure(kind: SyncErrorKind, error: unknown): string {
  if (kind === 'aborted') return '[sync] aborted; the next sync resumes from the saved cursor';
  if (kind === 'internal') return `[sync] internal error: ${errorMessage(error)}`;
  return errorMessage(error).split('\n').join('; ');
}

function errorKind(error: unknown): SyncErrorKind {
  if (error instanceof ApibanError) return 'apiban';
  if (error instanceof PublishRefusedError) return 'guard';
  if (error instanceof StateError) return 'state';
  if (error instanceof ConfigError) return 'config';
  return 'internal';
}
