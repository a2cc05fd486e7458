/**
 * The publishable set without syncing, for `export` and `check`: the saved APIBAN state (still
 * active entries only) merged with the local sources, through the policy and the guard. With
 * no synced state and no key it is the local sources alone, or the bundled sample when nothing
 * at all is configured (sample.ts); with a key but nothing synced yet it is
 * an error that says to run `sync` (publishing the sample there would hide a real problem).
 * Reads without the lock: files are only ever replaced by atomic renames.
 */
import type { GuardOverrides } from '../banset/guard.js';
import type { LoadedConfig } from '../config/load.js';
import { StateError } from '../errors.js';
import type { Logger } from '../log.js';
import { systemClock, type Clock } from '../apiban/clock.js';
import { activeEntries, assembleSet, guardPublication, type AssembledSet, type SetBase } from './publish.js';
import { keylessBase } from './keyless.js';
import type { SyncState } from './sync-state.js';
import { readStateFile } from './store.js';

export interface ComputeOptions extends GuardOverrides {
  clock?: Clock;
  /** Skip the guard (check only looks, it does not publish). */
  unguarded?: boolean;
}

export async function computePublishedSet(
  loaded: LoadedConfig,
  log: Logger,
  options: ComputeOptions = {},
): Promise<AssembledSet['published']> {
  return (await computeAssembledSet(loaded, log, options)).assembled.published;
}

/** Like computePublishedSet, also returning the state and per-source status (for `check`). */
export async function computeAssembledSet(
  loaded: LoadedConfig,
  log: Logger,
  options: ComputeOptions = {},
): Promise<{ assembled: AssembledSet; state: SyncState | undefined }> {
  const now = (options.clock ?? systemClock).now();
  const state = await readStateFile(loaded.stateDir);
  const base = await chooseBase(loaded, log, state, now);
  const assembled = await assembleSet({ config: loaded.config, stateDir: loaded.stateDir, log, now }, base);
  // The set is rebuilt now, but its data is as old as the last successful sync.
  if (base.kind === 'apiban' && state?.lastSync?.ok) assembled.published.syncedAt = new Date(state.lastSync.at);
  if (!options.unguarded) {
    guardPublication('export', state, assembled.published, loaded.config.guards, options);
  }
  return { assembled, state };
}

async function chooseBase(loaded: LoadedConfig, log: Logger, state: SyncState | undefined, now: number): Promise<SetBase> {
  if (state?.lastFullSync !== undefined) {
    return { kind: 'apiban', entries: activeEntries(state.entries, now, loaded.config.sync.expiry), cursor: state.cursor };
  }
  if (loaded.config.apiban.key !== undefined) {
    throw new StateError(`no APIBAN data in ${loaded.stateDir} yet: run \`apiban-exporter sync\` first`);
  }
  return keylessBase(loaded.config, log, { demo: true });
}
