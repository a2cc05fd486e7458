/**
 * One APIBAN download into the state: incremental from the saved cursor, or a full resync from
 * cursor 100 that builds a separate snapshot and replaces the active set only once caught up.
 * The state is saved after every page, so a crash, kill -9 or rate limit resumes where it
 * stopped. Only APIBAN's "caught up" answer ends a download successfully. Entries are validated strictly on the way in; what is not an address is counted and
 * dropped, never stored.
 */
import { formatPrefix, tryParsePrefix } from '../banset/address.js';
import { tallyRejected } from '../banset/candidates.js';
import type { RejectedEntry } from '../banset/policy.js';
import type { Logger } from '../log.js';
import { FIRST_CURSOR, type ApibanClient } from '../apiban/client.js';
import type { FullResync, Sightings, SyncState } from './sync-state.js';
import { ApibanError } from '../errors.js';

export interface DownloadContext {
  client: ApibanClient;
  state: SyncState;
  save(state: SyncState): Promise<void>;
  now(): number;
  log: Logger;
  expiryMs: number;
  fullResyncMs: number;
  signal?: AbortSignal | undefined;
  /** Pages one run may fetch (default MAX_PAGES). */
  maxPages?: number | undefined;
  /** Progress for a terminal: called after each saved page. */
  onPage?(stats: DownloadStats): void;
}

export interface DownloadStats {
  full: boolean;
  pages: number;
  received: number;
  invalid: number;
  invalidSamples: RejectedEntry[];
  added: number;
  expired: number;
}

/** A runaway server (an ID that never reaches "none") must not page forever: 2.5M addresses. */
const MAX_PAGES = 10_000;

export function emptyDownloadStats(): DownloadStats {
  return { full: false, pages: 0, received: 0, invalid: 0, invalidSamples: [], added: 0, expired: 0 };
}

/** Fills `stats` as it goes, so a run that fails half way still reports its progress. */
export async function downloadBans(
  ctx: DownloadContext,
  options: { full?: boolean | undefined },
  stats = emptyDownloadStats(),
): Promise<DownloadStats> {
  const { state, log } = ctx;
  const reason = fullResyncReason(state, ctx.now(), ctx.fullResyncMs, options.full === true);
  if (state.fullResync !== undefined) {
    log.info(
      { component: 'sync', cursor: state.fullResync.cursor, entriesSoFar: state.fullResync.entries.size },
      'resuming an interrupted full resync',
    );
  } else if (reason !== undefined) {
    log.info({ component: 'sync', reason }, 'starting a full resync');
    state.fullResync = { cursor: FIRST_CURSOR, startedAt: ctx.now(), entries: new Map() };
  }
  stats.full = state.fullResync !== undefined;
  const ending = await fetchPages(ctx, stats);
  // Only "caught up" proves the download complete: any other ending keeps the previous set
  // (and the partial download, saved, for the next run to resume) and fails this sync.
  if (ending !== 'caught-up') throw new ApibanError(notCaughtUp(ending, state, ctx.maxPages ?? MAX_PAGES));
  if (state.fullResync !== undefined) completeFullResync(state, stats);
  stats.expired += expire(state.entries, ctx.now(), ctx.expiryMs);
  await ctx.save(state);
  return stats;
}

function fullResyncReason(state: SyncState, now: number, fullResyncMs: number, asked: boolean): string | undefined {
  if (asked) return 'asked (--full)';
  if (state.lastFullSync === undefined || state.cursor === undefined) return 'no previous full download';
  if (state.entries.size === 0) return 'the active set is empty';
  if (now - state.lastFullSync >= fullResyncMs) return 'the last full download is older than sync.fullResync';
  return undefined;
}

type Ending = 'caught-up' | 'stuck' | 'page-limit';

async function fetchPages(ctx: DownloadContext, stats: DownloadStats): Promise<Ending> {
  const { state } = ctx;
  const maxPages = ctx.maxPages ?? MAX_PAGES;
  for (let page = 0; page < maxPages; page++) {
    const cursor = state.fullResync?.cursor ?? (state.cursor as string);
    const answer = await ctx.client.fetchPage(cursor, ctx.signal);
    if (answer.kind === 'caught-up') {
      ctx.log.debug({ component: 'sync', cursor }, 'caught up');
      return 'caught-up';
    }
    stats.pages++;
    stats.received += answer.entries.length;
    record(state, answer.entries, ctx.now(), stats);
    if (state.fullResync !== undefined) state.fullResync.cursor = answer.next;
    else state.cursor = answer.next;
    await ctx.save(state);
    ctx.onPage?.(stats);
    ctx.log.debug({ component: 'sync', page: stats.pages, entries: answer.entries.length, cursor: answer.next }, 'page saved');
    // A page that does not move the cursor would repeat forever.
    if (answer.next === cursor) return 'stuck';
  }
  return 'page-limit';
}

function notCaughtUp(ending: Exclude<Ending, 'caught-up'>, state: SyncState, maxPages: number): string {
  const what = state.fullResync === undefined ? 'incremental download' : 'full resync';
  const cursor = state.fullResync?.cursor ?? state.cursor;
  const why =
    ending === 'stuck' ? `the cursor stopped moving at ${cursor}` : `it reached the limit of ${maxPages} pages at cursor ${cursor}`;
  return `${what} did not catch up: ${why}; the previous set stays published and the next sync resumes from the saved cursor`;
}

/** Adds one page's valid entries to the set being built (the full snapshot or the active set). */
function record(state: SyncState, entries: string[], now: number, stats: DownloadStats): void {
  const target = state.fullResync?.entries ?? state.entries;
  for (const entry of entries) {
    const parsed = tryParsePrefix(entry);
    if (typeof parsed === 'string') {
      tallyRejected(stats, { entry, reason: parsed, source: 'apiban' });
      continue;
    }
    const key = formatPrefix(parsed);
    const previous = target.get(key) ?? state.entries.get(key);
    if (state.fullResync === undefined && previous === undefined) stats.added++;
    target.set(key, { firstSeen: previous?.firstSeen ?? now, lastSeen: now });
  }
}

/** The full download is the authoritative active list: what it lacks is no longer listed. */
function completeFullResync(state: SyncState, stats: DownloadStats): void {
  const full = state.fullResync as FullResync;
  for (const key of full.entries.keys()) if (!state.entries.has(key)) stats.added++;
  for (const key of state.entries.keys()) if (!full.entries.has(key)) stats.expired++;
  state.entries = full.entries;
  state.cursor = full.cursor === FIRST_CURSOR ? state.cursor : full.cursor;
  state.lastFullSync = full.startedAt;
  state.fullResync = undefined;
}

function expire(entries: Sightings, now: number, expiryMs: number): number {
  let expired = 0;
  for (const [key, seen] of entries) {
    if (seen.lastSeen + expiryMs <= now) {
      entries.delete(key);
      expired++;
    }
  }
  return expired;
}
