/**
 * What a caller passes into one sync: the options of the run and the hooks it reports through.
 * Its own file so that the service and the run body both depend on it, not on each other.
 */
import type { ApibanOutcome } from '../apiban/client.js';

export interface SyncOptions {
  full?: boolean | undefined;
  allowEmpty?: boolean | undefined;
  force?: boolean | undefined;
  signal?: AbortSignal | undefined;
}

export interface SyncHooks {
  onApibanRequest?(outcome: ApibanOutcome): void;
  /** Progress of a download, for a terminal (src/sync/progress.ts). */
  onProgress?: ((event: SyncProgress) => void) | undefined;
}

export type SyncProgress =
  | { kind: 'page'; pages: number; entries: number }
  | { kind: 'wait'; ms: number; reason: 'budget' | 'rate-limited'; budget: { requests: number; windowMs: number } };
