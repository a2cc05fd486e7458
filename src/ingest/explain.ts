/**
 * `check` and `history` on the edge bans, from the journal alone (serve need not run): which
 * client banned an address, when, and when the ban expires or how it ended; each client's bans
 * over a time. Read only: serve may be appending to the journal meanwhile.
 */
import { parsePrefix, type Prefix } from '../banset/address.js';
import { overlaps } from '../banset/coverage.js';
import type { LoadedConfig } from '../config/load.js';
import type { EdgeBanFact } from '../edge/events.js';
import { buildPolicy } from '../sync/publish.js';
import type { PublishedSet } from '../sync/published-set.js';
import type { EdgeBan } from './book.js';
import { mergeEdgeBans } from './edge-set.js';
import { readEdgeJournal, type EndedHow, type Replayed } from './journal.js';

/** One edge ban, live or ended; times as ISO strings, null where an older journal did not record them. */
export interface EdgeListing {
  client: string;
  ban: string;
  since: string | null;
  lastBlocked: string | null;
  until: string;
  ended?: { at: string; how: EndedHow };
}

export interface EdgeCheck {
  /** Edge bans, live or ended, that cover the query or lie inside it; the live ones first. */
  listings: EdgeListing[];
  /** The set serve publishes from a synced set: it with the live edge bans, through the policy. */
  extend(set: PublishedSet): PublishedSet;
}

export async function checkEdge(loaded: LoadedConfig, query: Prefix, now: number): Promise<EdgeCheck> {
  const journal = await readEdgeJournal(loaded.stateDir, now);
  if (journal === undefined) return { listings: [], extend: (set) => set };
  const policy = await buildPolicy(loaded.config.policy);
  const live = new Map<string, string[]>();
  for (const [client, key] of journal.book.live(now)) live.set(client, [...(live.get(client) ?? []), key]);
  const touches = (listing: EdgeListing) => overlaps(parsePrefix(listing.ban), query);
  return { listings: listings(journal, now).filter(touches), extend: (set) => mergeEdgeBans(set, live, policy) };
}

/** A client's edge bans over a time: its live bans, its last ban, the bans begun and ended since then. */
export interface EdgeClientHistory {
  client: string;
  live: number;
  lastBan: EdgeBanFact | null;
  banned: number;
  ended: Record<EndedHow, number>;
  /** The bans live now or ended since then. */
  bans: EdgeListing[];
}

/** Per client (configured ones first, then any the journal names), from `sinceMs` on; undefined without a journal. */
export async function edgeHistory(loaded: LoadedConfig, sinceMs: number, now: number): Promise<EdgeClientHistory[] | undefined> {
  const journal = await readEdgeJournal(loaded.stateDir, now);
  if (journal === undefined) return undefined;
  const all = listings(journal, now).filter((l) => l.ended === undefined || Date.parse(l.ended.at) >= sinceMs);
  const names = [...new Set([...loaded.config.ingest.clients.map((c) => c.name), ...all.map((l) => l.client)])];
  return names.map((client) => {
    const bans = all.filter((l) => l.client === client);
    const ended: Record<EndedHow, number> = { expired: 0, removed: 0, flushed: 0 };
    for (const l of bans) if (l.ended !== undefined) ended[l.ended.how]++;
    return {
      client,
      live: bans.filter((l) => l.ended === undefined).length,
      lastBan: journal.lastBans.get(client) ?? null,
      banned: bans.filter((l) => l.since !== null && Date.parse(l.since) >= sinceMs).length,
      ended,
      bans,
    };
  });
}

function listings(journal: Replayed, now: number): EdgeListing[] {
  const live = [...journal.book.live(now)].map(([client, ban, state]) => listing(client, ban, state));
  const ended = [...journal.ended]
    .reverse()
    .map((e) => ({ ...listing(e.client, e.ban, e), ended: { at: new Date(e.ended).toISOString(), how: e.how } }));
  return [...live, ...ended];
}

function listing(client: string, ban: string, state: EdgeBan): EdgeListing {
  return { client, ban, since: iso(state.since), lastBlocked: iso(state.at), until: new Date(state.until).toISOString() };
}

function iso(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}
