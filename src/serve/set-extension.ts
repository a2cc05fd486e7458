/**
 * A source of bans that lives inside `serve` beside the sync service (the edge ingest endpoint,
 * src/ingest, is the one there is): it wraps every sync service the daemon makes, so the sets
 * serve publishes carry its bans, and asks the daemon to republish when they change. Given to the
 * daemon by the CLI, so src/serve does not depend on what the extension is.
 */
import type { LoadedConfig } from '../config/load.js';
import type { Logger } from '../log.js';
import type { ListenAddress } from '../config/listen-address.js';
import type { SyncRunner } from './sync-scheduler.js';

export interface SetExtension {
  /** Where the extension listens, if it does. */
  readonly address: (ListenAddress & { host: string }) | undefined;
  wrap(runner: SyncRunner): SyncRunner;
  /** A sync-service factory whose services carry the extension's bans (a reload makes new ones). */
  factory<A extends unknown[]>(
    create: (loaded: LoadedConfig, ...rest: A) => Promise<SyncRunner>,
  ): (loaded: LoadedConfig, ...rest: A) => Promise<SyncRunner>;
  close(): Promise<void>;
}

/** Opened once the sync service holds the state lock; `republish` publishes the current set again. */
export type StartSetExtension = (loaded: LoadedConfig, log: Logger, republish: () => void) => Promise<SetExtension>;

export const NO_EXTENSION: SetExtension = {
  address: undefined,
  wrap: (runner) => runner,
  factory: (create) => create,
  close: async () => undefined,
};
