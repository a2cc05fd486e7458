/**
 * The body of one sync: download from APIBAN into the state (or, with no key, take the local
 * sources alone), then assemble the candidate set with the local sources and the policy.
 * The guard and the bookkeeping of the published set stay in the service.
 */
import type { LoadedConfig } from '../config/load.js';
import type { Logger } from '../log.js';
import type { Clock } from '../apiban/clock.js';
import { createApibanClient } from '../apiban/client.js';
import { clientSettings } from '../apiban/client-settings.js';
import { downloadBans, emptyDownloadStats, type DownloadStats } from './engine.js';
import { activeEntries, assembleSet } from './publish.js';
import { keylessBase } from './keyless.js';
import { requestJournal } from './request-journal.js';
import type { PublishedSet } from './published-set.js';
import type { SourceOutcome } from './sources.js';
import type { SyncState } from './sync-state.js';
import type { StateStore } from './store.js';
import type { SyncHooks, SyncOptions } from './sync-options.js';

export interface RunStats extends DownloadStats {
  requests: number;
}

export interface SyncRunContext {
  loaded: LoadedConfig;
  log: Logger;
  hooks: SyncHooks;
  clock: Clock;
  store: StateStore;
  retryDelayMs?: number | undefined;
  state(): SyncState;
}

/** What one run computed, before the guards decide whether the sync service publishes it (its SyncReport). */
export interface ComputedRun {
  published: PublishedSet;
  stats: RunStats;
  sources: SourceOutcome[];
}

/** A run that failed half way, with the progress it made (the report counts its requests). */
export interface FailedRun {
  error: unknown;
  stats: RunStats;
}

/** Never throws: a failure comes back with its stats, so no side channel is needed for them. */
export async function runSync(ctx: SyncRunContext, options: SyncOptions): Promise<ComputedRun | FailedRun> {
  const stats: RunStats = { ...emptyDownloadStats(), requests: 0 };
  try {
    return await runWith(ctx, options, stats);
  } catch (error) {
    return { error, stats };
  }
}

async function runWith(ctx: SyncRunContext, options: SyncOptions, stats: RunStats): Promise<ComputedRun> {
  const { config, stateDir } = ctx.loaded;
  const assembleContext = { config, stateDir, log: ctx.log, now: ctx.clock.now(), store: ctx.store, signal: options.signal };
  if (config.apiban.key === undefined) {
    const assembled = await assembleSet(assembleContext, await keylessBase(config, ctx.log, { demo: false }));
    return { ...assembled, stats };
  }
  await downloadFromApiban(ctx, options, stats);
  if (stats.invalid > 0) {
    ctx.log.warn(
      { component: 'sync', invalid: stats.invalid, examples: stats.invalidSamples.slice(0, 5) },
      'APIBAN sent entries that are not addresses: dropped',
    );
  }
  const state = ctx.state();
  const entries = activeEntries(state.entries, ctx.clock.now(), config.sync.expiry);
  const assembled = await assembleSet({ ...assembleContext, now: ctx.clock.now() }, { kind: 'apiban', entries, cursor: state.cursor });
  return { ...assembled, stats };
}

async function downloadFromApiban(ctx: SyncRunContext, options: SyncOptions, stats: RunStats): Promise<void> {
  const { apiban, sync } = ctx.loaded.config;
  const state = ctx.state();
  const client = createApibanClient({
    ...clientSettings(apiban, apiban.key as string),
    clock: ctx.clock,
    log: ctx.log,
    // The journal every process of this state directory writes before each request; the
    // state's copy only seeds it for a state directory from before the journal existed.
    history: state.requestLog,
    journal: requestJournal(ctx.loaded.stateDir),
    onWait: (ms, reason) =>
      ctx.hooks.onProgress?.({ kind: 'wait', ms, reason, budget: { requests: apiban.budget.requests, windowMs: apiban.budget.window } }),
    retry: ctx.retryDelayMs === undefined ? undefined : { baseDelayMs: ctx.retryDelayMs },
    onOutcome: (outcome) => ctx.hooks.onApibanRequest?.(outcome),
  });
  const save = async (next: SyncState) => {
    next.requestLog = client.history();
    stats.requests = client.requests;
    await ctx.store.save(next);
  };
  try {
    await downloadBans(
      {
        client,
        state,
        save,
        now: () => ctx.clock.now(),
        log: ctx.log,
        expiryMs: sync.expiry,
        fullResyncMs: sync.fullResync,
        signal: options.signal,
        onPage: (progress) =>
          ctx.hooks.onProgress?.({ kind: 'page', pages: progress.pages, entries: state.fullResync?.entries.size ?? state.entries.size }),
      },
      { full: options.full },
      stats,
    );
  } finally {
    stats.requests = client.requests;
    state.requestLog = client.history();
    await client.close();
  }
}
