/**
 * The live edge bans in memory, per client: canonical address or CIDR -> when it began, when it
 * was last blocked and when it expires. Only the journal's replay and the endpoint (after the
 * journal has the change on disk) change it; the set serve publishes reads it (src/ingest/edge-set.ts).
 */
export interface EdgeBan {
  /** Milliseconds since the epoch when the ban ends. */
  readonly until: number;
  /** When the ban began, and when it was last blocked (a repeated block); unknown in journals older than these fields. */
  readonly since?: number | undefined;
  readonly at?: number | undefined;
}

/** A ban as [client, key, ban]. */
export type BookEntry = [client: string, key: string, ban: EdgeBan];

export class EdgeBook {
  private readonly clients = new Map<string, Map<string, EdgeBan>>();
  /** Bumped on every change, so the published set is rebuilt only when the book changed. */
  version = 0;

  /**
   * Bans, or extends a live ban (a repeated block never shortens it, and keeps when it began).
   * Returns the ban it replaced when that one had run out by the new one's time.
   */
  ban(client: string, key: string, ban: EdgeBan): EdgeBan | undefined {
    const bans = this.clients.get(client) ?? new Map<string, EdgeBan>();
    this.clients.set(client, bans);
    const previous = bans.get(key);
    const ranOut = previous !== undefined && ban.at !== undefined && previous.until <= ban.at;
    if (previous === undefined || ranOut) bans.set(key, { ...ban, since: ban.since ?? ban.at });
    else bans.set(key, { until: Math.max(previous.until, ban.until), since: previous.since, at: ban.at ?? previous.at });
    this.version++;
    return ranOut ? previous : undefined;
  }

  /** Removes one ban; returns it, or undefined when there was none. */
  unban(client: string, key: string): EdgeBan | undefined {
    const bans = this.clients.get(client);
    const ban = bans?.get(key);
    if (ban === undefined) return undefined;
    bans?.delete(key);
    this.version++;
    return ban;
  }

  /** Drops every ban of this client (and only this client's); returns them. */
  flush(client: string): BookEntry[] {
    const dropped = [...(this.clients.get(client) ?? [])].map(([key, ban]): BookEntry => [client, key, ban]);
    this.clients.delete(client);
    if (dropped.length > 0) this.version++;
    return dropped;
  }

  get(client: string, key: string, now: number): EdgeBan | undefined {
    const ban = this.clients.get(client)?.get(key);
    return ban !== undefined && ban.until > now ? ban : undefined;
  }

  /** Removes bans whose time is up; returns them. */
  expire(now: number): BookEntry[] {
    const expired: BookEntry[] = [];
    for (const [client, bans] of this.clients) {
      for (const [key, ban] of bans) {
        if (ban.until > now) continue;
        bans.delete(key);
        expired.push([client, key, ban]);
      }
    }
    if (expired.length > 0) this.version++;
    return expired;
  }

  liveCount(client: string, now: number): number {
    let count = 0;
    for (const ban of this.clients.get(client)?.values() ?? []) if (ban.until > now) count++;
    return count;
  }

  /** Every live ban. */
  *live(now: number): IterableIterator<BookEntry> {
    for (const [client, bans] of this.clients) for (const [key, ban] of bans) if (ban.until > now) yield [client, key, ban];
  }

  /** The earliest end of a live ban, for the timer that rebuilds the set when it expires. */
  nextExpiry(now: number): number | undefined {
    let next: number | undefined;
    for (const [, , ban] of this.live(now)) if (next === undefined || ban.until < next) next = ban.until;
    return next;
  }
}
