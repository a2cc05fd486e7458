/**
 * What the edge ingest (src/ingest) tells whoever watches it, and the tally serve keeps of it for
 * /metrics and the status page. A folder of its own so both sides may import it: src/serve never
 * imports src/ingest; the runtime hands serve the feed the ingest offers (src/runtime/set-extension.ts).
 */

/** Why a call was refused: the policy's rules by their config names, then the endpoint's own. */
export const EDGE_REFUSALS = ['allowlist', 'protectedRange', 'minPrefixLength', 'invalid', 'ttl', 'rate', 'cap', 'forbidden'] as const;
export type EdgeRefusal = (typeof EDGE_REFUSALS)[number];

/**
 * Who a forbidden call is counted under when it comes from outside every client's `allow`: the
 * caller's address is never a label, and no client name can be this (names are [A-Za-z0-9_.-]).
 */
export const UNKNOWN_CALLER = '(unknown)';

/** One ban as it was accepted: the canonical address or CIDR, when (epoch ms), and when it ends. */
export interface EdgeBanFact {
  readonly ban: string;
  readonly at: number;
  readonly until: number;
}

export interface EdgeEvents {
  accepted(client: string, ban: EdgeBanFact): void;
  refused(client: string, reason: EdgeRefusal): void;
  /** `count` bans of the client ran out. */
  expired(client: string, count: number): void;
  /** The client removed `count` of its own bans (/removeip, /flushchain). */
  removed(client: string, count: number): void;
}

/** A configured client as it is now: its live bans and its latest ban, both from the journal. */
export interface EdgeClientNow {
  readonly client: string;
  readonly live: number;
  readonly lastBan: EdgeBanFact | undefined;
}

/** What the ingest offers its watchers. */
export interface EdgeFeed {
  /** Every configured client, in configuration order. */
  clients(): EdgeClientNow[];
  /** `events` hears every change from now on. */
  watch(events: EdgeEvents): void;
}

export interface EdgeCounts {
  accepted: number;
  refused: Partial<Record<EdgeRefusal, number>>;
  expired: number;
  removed: number;
}

/** The events counted per client since the daemon started (a restart starts again at zero). */
export class EdgeTally implements EdgeEvents {
  private readonly byClient = new Map<string, EdgeCounts>();
  /** Bumped on every event, so a page built from the tally knows when to build again. */
  version = 0;

  accepted(client: string): void {
    this.of(client).accepted++;
    this.version++;
  }

  refused(client: string, reason: EdgeRefusal): void {
    const refused = this.of(client).refused;
    refused[reason] = (refused[reason] ?? 0) + 1;
    this.version++;
  }

  expired(client: string, count: number): void {
    this.of(client).expired += count;
    this.version++;
  }

  removed(client: string, count: number): void {
    this.of(client).removed += count;
    this.version++;
  }

  /** The client's counts (all zero for one not heard from). */
  counts(client: string): Readonly<EdgeCounts> {
    return this.byClient.get(client) ?? { accepted: 0, refused: {}, expired: 0, removed: 0 };
  }

  /** Every client heard from, configured or not (UNKNOWN_CALLER). */
  clients(): string[] {
    return [...this.byClient.keys()];
  }

  private of(client: string): EdgeCounts {
    let counts = this.byClient.get(client);
    if (counts === undefined) {
      counts = { accepted: 0, refused: {}, expired: 0, removed: 0 };
      this.byClient.set(client, counts);
    }
    return counts;
  }
}
