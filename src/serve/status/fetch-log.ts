/**
 * Who fetches each output: when it was last fetched (a 200 or a 304: the client has the list),
 * the answers by kind since start, and the last few distinct client addresses, each with its
 * count. The address list is bounded (least recently seen goes first), so a scanner cannot grow
 * it. A firewall whose alias silently stopped updating (wrong token, DNS, a rule) shows here as
 * refusals from its address or as an output nobody fetches any more.
 *
 * Addresses stay on the page and in /status.json (behind serve.adminAccess): as metric labels they
 * would be unbounded series. /metrics gets the last fetch time per output; the answers by code
 * are apiban_exporter_http_requests_total{output,code}.
 */
import { Gauge, type Registry } from 'prom-client';

/** Distinct addresses kept per output. */
export const MAX_CLIENTS = 5;

export interface ClientSeen {
  address: string;
  requests: number;
  lastAt: number;
  lastStatus: number;
}

export interface OutputFetches {
  /** Last 200 or 304. */
  lastFetchAt: number | undefined;
  ok: number;
  notModified: number;
  /** 401 and 403, and the 404 a path-token output answers to a wrong or missing token. */
  refused: number;
  other: number;
  /** Most recent first. */
  clients: ClientSeen[];
}

interface Entry {
  lastFetchAt: number | undefined;
  counts: { ok: number; notModified: number; refused: number; other: number };
  /** Insertion order is recency: a client seen again is moved to the end. */
  clients: Map<string, ClientSeen>;
}

function kindOf(status: number): keyof Entry['counts'] {
  if (status === 200) return 'ok';
  if (status === 304) return 'notModified';
  if (status === 401 || status === 403 || status === 404) return 'refused';
  return 'other';
}

/** `::ffff:192.0.2.1` (an IPv4 client on a dual-stack socket) is shown as the IPv4 address it is. */
function plainAddress(address: string | undefined): string {
  if (address === undefined) return 'unknown';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

export class FetchLog {
  private readonly entries = new Map<string, Entry>();
  /** Grows with every recorded request: the status page re-renders when it changed. */
  version = 0;

  constructor(
    registry?: Registry,
    private readonly now: () => number = Date.now,
  ) {
    if (registry === undefined) return;
    const entries = this.entries;
    new Gauge({
      name: 'apiban_exporter_output_last_fetch_timestamp_seconds',
      help: 'when a client last fetched the output (answered 200 or 304), in Unix seconds; absent until the first fetch',
      labelNames: ['output'],
      registers: [registry],
      collect() {
        for (const [output, entry] of entries) if (entry.lastFetchAt !== undefined) this.labels(output).set(entry.lastFetchAt / 1000);
      },
    });
  }

  record(output: string, status: number, remoteAddress: string | undefined): void {
    const at = this.now();
    const entry = this.entry(output);
    entry.counts[kindOf(status)]++;
    if (status === 200 || status === 304) entry.lastFetchAt = at;
    const address = plainAddress(remoteAddress);
    const seen = entry.clients.get(address) ?? { address, requests: 0, lastAt: at, lastStatus: status };
    entry.clients.delete(address);
    entry.clients.set(address, { address, requests: seen.requests + 1, lastAt: at, lastStatus: status });
    if (entry.clients.size > MAX_CLIENTS) entry.clients.delete(entry.clients.keys().next().value as string);
    this.version++;
  }

  of(output: string): OutputFetches {
    const entry = this.entries.get(output);
    if (entry === undefined) return { lastFetchAt: undefined, ok: 0, notModified: 0, refused: 0, other: 0, clients: [] };
    return { lastFetchAt: entry.lastFetchAt, ...entry.counts, clients: [...entry.clients.values()].reverse() };
  }

  private entry(output: string): Entry {
    let entry = this.entries.get(output);
    if (entry === undefined) {
      entry = { lastFetchAt: undefined, counts: { ok: 0, notModified: 0, refused: 0, other: 0 }, clients: new Map() };
      this.entries.set(output, entry);
    }
    return entry;
  }
}
