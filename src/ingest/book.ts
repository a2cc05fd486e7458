/**
 * The live edge bans in memory, per client: canonical address or CIDR -> when it expires. Only the
 * journal's replay and the endpoint (after the journal has the change on disk) change it; the set
 * serve publishes reads it (src/ingest/edge-set.ts).
 */
export interface EdgeBan {
  /** Milliseconds since the epoch when the ban ends. */
  readonly until: number;
}

export class EdgeBook {
  private readonly clients = new Map<string, Map<string, EdgeBan>>();
  /** Bumped on every change, so the published set is rebuilt only when the book changed. */
  version = 0;

  ban(client: string, key: string, ban: EdgeBan): void {
    const bans = this.clients.get(client) ?? new Map<string, EdgeBan>();
    this.clients.set(client, bans);
    const previous = bans.get(key);
    // A repeated block extends a ban, never shortens it.
    bans.set(key, previous !== undefined && previous.until > ban.until ? previous : ban);
    this.version++;
  }

  unban(client: string, key: string): boolean {
    const removed = this.clients.get(client)?.delete(key) ?? false;
    if (removed) this.version++;
    return removed;
  }

  /** Drops every ban of this client (and only this client's); returns how many. */
  flush(client: string): number {
    const count = this.clients.get(client)?.size ?? 0;
    this.clients.delete(client);
    if (count > 0) this.version++;
    return count;
  }

  get(client: string, key: string, now: number): EdgeBan | undefined {
    const ban = this.clients.get(client)?.get(key);
    return ban !== undefined && ban.until > now ? ban : undefined;
  }

  /** Removes bans whose time is up; returns how many each client lost. */
  expire(now: number): Map<string, number> {
    const expired = new Map<string, number>();
    for (const [client, bans] of this.clients) {
      for (const [key, ban] of bans) {
        if (ban.until > now) continue;
        bans.delete(key);
        expired.set(client, (expired.get(client) ?? 0) + 1);
      }
    }
    if (expired.size > 0) this.version++;
    return expired;
  }

  liveCount(client: string, now: number): number {
    let count = 0;
    for (const ban of this.clients.get(client)?.values() ?? []) if (ban.until > now) count++;
    return count;
  }

  /** Every live ban as [client, key, ban]. */
  *live(now: number): IterableIterator<[string, string, EdgeBan]> {
    for (const [client, bans] of this.clients) for (const [key, ban] of bans) if (ban.until > now) yield [client, key, ban];
  }

  /** The earliest end of a live ban, for the timer that rebuilds the set when it expires. */
  nextExpiry(now: number): number | undefined {
    let next: number | undefined;
    for (const [, , ban] of this.live(now)) if (next === undefined || ban.until < next) next = ban.until;
    return next;
  }
}
