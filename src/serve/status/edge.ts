/**
 * The status page's edge bans, per client of the ingest: live bans and the last ban (from the
 * journal, so they survive a restart), and what was accepted, refused by rule, expired and
 * removed since serve started (src/edge/events.ts). Callers no client admits are counted under
 * UNKNOWN_CALLER, and appear only once there is one.
 */
import type { EdgeClientNow, EdgeRefusal, EdgeTally } from '../../edge/events.js';

export interface EdgeClientStatus {
  client: string;
  live: number;
  lastBan: { ban: string; at: string; expiresAt: string } | null;
  accepted: number;
  refused: Partial<Record<EdgeRefusal, number>>;
  expired: number;
  removed: number;
}

/** What the page reads: the feed's clients now, and the tally since start. */
export interface EdgeInputs {
  clients: readonly EdgeClientNow[];
  tally: EdgeTally;
}

export function describeEdge(edge: EdgeInputs | undefined): EdgeClientStatus[] | null {
  if (edge === undefined) return null;
  const configured = new Set(edge.clients.map((c) => c.client));
  const others = edge.tally.clients().filter((client) => !configured.has(client));
  const now: EdgeClientNow[] = [...edge.clients, ...others.map((client) => ({ client, live: 0, lastBan: undefined }))];
  return now.map(({ client, live, lastBan }) => ({
    client,
    live,
    lastBan:
      lastBan === undefined
        ? null
        : { ban: lastBan.ban, at: new Date(lastBan.at).toISOString(), expiresAt: new Date(lastBan.until).toISOString() },
    ...edge.tally.counts(client),
  }));
}
