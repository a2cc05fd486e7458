/**
 * One line of the sync history: what a sync did to the published set. Built from the set before
 * and after (one merge walk), so the event says exactly which addresses came and went, and why
 * each one went: APIBAN stopped listing it (expired), a full resync no longer had it, or the
 * policy now excludes an address APIBAN still lists (allowlisted or protected).
 */
import { createHash, randomBytes } from 'node:crypto';
import { formatPrefix } from '../../banset/address.js';
import type { BanSet } from '../../banset/banset.js';
import { summarizeDiff } from '../../banset/diff.js';

export type SyncKind = 'incremental' | 'full' | 'sample';
export type RemovalReason = 'expired' | 'resync' | 'excluded';

export interface HistoryEvent {
  /** Unique per sync: a retried sync after a crash gets a new one. */
  id: string;
  at: string;
  kind: SyncKind;
  ok: boolean;
  error?: string | undefined;
  /** Digests of the published set before and after: they chain the events (see history-read.ts). */
  before: string;
  after: string;
  size: number;
  v4: number;
  v6: number;
  addedCount: number;
  removedCount: number;
  added: string[];
  removed: Partial<Record<RemovalReason, string[]>>;
  /** True when the lists were cut at MAX_LISTED (the counts stay exact). */
  truncated?: boolean;
}

/** A first sync of a million addresses must not write a 20 MB line: lists stop here, counts do not. */
export const MAX_LISTED = 10_000;

export function setDigest(bans: BanSet): string {
  return createHash('sha256').update(bans.bytes()).digest('hex').slice(0, 16);
}

export function newSyncId(now: number): string {
  return `${now.toString(36)}-${randomBytes(4).toString('hex')}`;
}

export interface SyncChange {
  now: number;
  kind: SyncKind;
  before: BanSet;
  after: BanSet;
  /** Still listed by APIBAN (the raw state): a removal of one of these is the policy's doing. */
  stillListed(prefix: string): boolean;
}

export function changeEvent(change: SyncChange): HistoryEvent {
  const diff = summarizeDiff(change.before, change.after, MAX_LISTED);
  const added = diff.added.map((p) => formatPrefix(p));
  const removed: Partial<Record<RemovalReason, string[]>> = {};
  for (const prefix of diff.removed) {
    const text = formatPrefix(prefix);
    const reason: RemovalReason = change.stillListed(text) ? 'excluded' : change.kind === 'full' ? 'resync' : 'expired';
    const listed = removed[reason] ?? [];
    listed.push(text);
    removed[reason] = listed;
  }
  const counts = change.after.counts();
  const event: HistoryEvent = {
    id: newSyncId(change.now),
    at: new Date(change.now).toISOString(),
    kind: change.kind,
    ok: true,
    before: setDigest(change.before),
    after: change.before === change.after ? setDigest(change.before) : setDigest(change.after),
    size: counts.total,
    v4: counts.v4,
    v6: counts.v6,
    addedCount: diff.addedCount,
    removedCount: diff.removedCount,
    added,
    removed,
  };
  if (diff.addedCount > MAX_LISTED || diff.removedCount > MAX_LISTED) event.truncated = true;
  return event;
}

/** A sync that failed: the set stays as it was, the error line (never a secret) is kept. */
export function failureEvent(now: number, kind: SyncKind, current: BanSet, error: string): HistoryEvent {
  const digest = setDigest(current);
  const counts = current.counts();
  return {
    id: newSyncId(now),
    at: new Date(now).toISOString(),
    kind,
    ok: false,
    error,
    before: digest,
    after: digest,
    size: counts.total,
    v4: counts.v4,
    v6: counts.v6,
    addedCount: 0,
    removedCount: 0,
    added: [],
    removed: {},
  };
}

export function removedList(event: HistoryEvent): Array<{ prefix: string; reason: RemovalReason }> {
  return (Object.entries(event.removed) as Array<[RemovalReason, string[]]>).flatMap(([reason, list]) =>
    list.map((prefix) => ({ prefix, reason })),
  );
}
