/**
 * Request counts kept as plain numbers and handed to a prom-client Counter when it is collected.
 * prom-client's bound child (`counter.labels(...).inc()`) still hashes and validates the label
 * object on every call (prom-client 15, lib/counter.js incWithoutExemplar), which on serve's 304
 * path cost more than writing the response. Here a request adds to a number; a scrape moves the
 * difference since the last scrape into the Counter, series in the order they were first counted
 * (the order prom-client printed them in when each request incremented it directly).
 */
import type { Counter } from 'prom-client';

/** One label set's running total; the request path only ever adds to `value`. */
export interface Tally {
  value: number;
}

interface Entry<L extends string> {
  readonly tally: Tally;
  readonly labels: Partial<Record<L, string>>;
  published: number;
}

export class RequestCounts<L extends string> {
  private readonly entries: Entry<L>[] = [];

  /** A new tally for one label set; callers keep it (one per output and code) and add to it. */
  open(labels: Partial<Record<L, string>>): Tally {
    const tally = { value: 0 };
    this.entries.push({ tally, labels, published: 0 });
    return tally;
  }

  /** Brings the Counter up to the tallies; the Counter's `collect` hook calls it before a scrape. */
  publishTo(counter: Counter<L>): void {
    for (const entry of this.entries) {
      const delta = entry.tally.value - entry.published;
      if (delta <= 0) continue;
      counter.inc(entry.labels, delta);
      entry.published = entry.tally.value;
    }
  }
}
