/**
 * A source of bans that lives inside the runtime beside the sync service (the edge ingest
 * endpoint, src/ingest, is the one there is): it wraps every sync service the runtime makes, so the
 * sets it publishes and pushes carry its bans, and asks the runtime to republish when they change.
 * Given to the runtime by the CLI, so src/runtime does not depend on what the extension is; what
 * it did reaches serve's /metrics and status page through its feed (src/edge/events.ts).
 */
import type { LoadedConfig } from '../config/load.js';
import type { EdgeFeed } from '../edge/events.js';
import type { Logger } from '../log.js';
import type { ListenAddress } from '../config/listen-address.js';
import type { SyncService } from '../sync/service.js';

export interface SetExtension {
  /** Where the extension listens, if it does. */
  readonly address: (ListenAddress & { host: string }) | undefined;
  /** What its clients did, for whoever watches (serve); undefined when it has none. */
  readonly feed: EdgeFeed | undefined;
  /** `service`, its sets carrying the extension's bans. */
  wrap(service: SyncService): SyncService;
  /** A reload restarted the sync service with `next` (its policy may have changed). */
  reconfigure(next: LoadedConfig): Promise<void>;
  close(): Promise<void>;
}

/** Opened once the sync service holds the state lock; `republish` publishes the current set again. */
export type StartSetExtension = (loaded: LoadedConfig, log: Logger, republish: () => void) => Promise<SetExtension>;

export const NO_EXTENSION: SetExtension = {
  address: undefined,
  feed: undefined,
  wrap: (service) => service,
  reconfigure: async () => undefined,
  close: async () => undefined,
};
