/**
 * What serve's sync thread (sync-worker.ts) and the event loop (sync-thread.ts) say to each other.
 * A published set crosses as its typed-array columns, transferred: the worker copies them once on
 * its side and the event loop takes the copy without copying again.
 * See https://nodejs.org/api/worker_threads.html#portpostmessagevalue-transferlist
 */
import type { ApibanOutcome } from '../apiban/client.js';
import { BanSet, type TransferredBanSet } from '../banset/banset.js';
import type { LoadedConfig } from '../config/load.js';
import type { PublishedSet } from '../sync/published-set.js';
import type { SyncReport } from '../sync/service.js';

export interface SyncWorkerData {
  loaded: LoadedConfig;
}

/** A PublishedSet with its bans as columns. */
/** The sync service's own set: edge bans join it on the main thread, so it never carries `bansWithoutEdge`. */
export type PublishedMessage = Omit<PublishedSet, 'bans' | 'bansWithoutEdge'> & { bans: TransferredBanSet };
export type ReportMessage = Omit<SyncReport, 'published'> & { published?: PublishedMessage | undefined };

/** An error as the event loop rebuilds it: the message and the CLI exit code it carried. */
export interface ErrorMessage {
  message: string;
  exitCode?: number | undefined;
}

export type ToWorker = { kind: 'sync'; id: number; full?: boolean | undefined } | { kind: 'abort'; id: number } | { kind: 'close' };

export type FromWorker =
  | { kind: 'ready'; current?: PublishedMessage | undefined }
  | { kind: 'start-failed'; error: ErrorMessage }
  | { kind: 'report'; id: number; report: ReportMessage }
  | { kind: 'sync-failed'; id: number; error: ErrorMessage }
  | { kind: 'log'; bindings: Record<string, unknown>[]; level: LogLevelName; args: unknown[] }
  | { kind: 'apiban'; outcome: ApibanOutcome }
  | { kind: 'closed' };

export type LogLevelName = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** The worker's side: a copy of the columns (it keeps its own set) and the buffers to transfer. */
export function publishedToMessage(set: PublishedSet | undefined): { message?: PublishedMessage; transfer: ArrayBuffer[] } {
  if (set === undefined) return { transfer: [] };
  const { v4, v6 } = set.bans.toTransfer();
  const bans: TransferredBanSet = {
    v4: { networks: v4.networks.slice(), lengths: v4.lengths.slice() },
    v6: { words: v6.words.slice(), lengths: v6.lengths.slice() },
  };
  const transfer = [bans.v4.networks, bans.v4.lengths, bans.v6.words, bans.v6.lengths].map((a) => a.buffer as ArrayBuffer);
  return { message: { ...set, bans }, transfer };
}

export function publishedFromMessage(message: PublishedMessage | undefined): PublishedSet | undefined {
  return message === undefined ? undefined : { ...message, bans: BanSet.fromTransfer(message.bans) };
}
