/**
 * The edge ingest's series on /metrics, registered only once serve has an ingest to watch
 * (src/edge/events.ts): per configured client, bans accepted, refused by reason, expired and
 * removed by the client since serve started, and its live bans now. Counters read the tally at
 * each scrape, so recording an event costs an addition. Labels are the configured client names
 * and the fixed reasons; a caller's address, path or token never becomes one. Names follow
 * Prometheus' naming practices (prometheus.io/docs/practices/naming): `_total` on counts, one
 * quantity per name, a sum over any label meaningful.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { EDGE_REFUSALS, type EdgeFeed, type EdgeTally, UNKNOWN_CALLER } from '../../edge/events.js';

export function registerEdgeMetrics(registry: Registry, feed: EdgeFeed, tally: EdgeTally): void {
  const configured = () => feed.clients().map((c) => c.client);
  /** Configured clients always (at 0 before their first event), then any other caller the tally heard. */
  const clients = () => [...new Set([...configured(), ...tally.clients()])];
  counter(
    registry,
    'apiban_exporter_edge_bans_total',
    'edge bans accepted, by client (outcome="accepted")',
    ['client', 'outcome'],
    (set) => {
      for (const client of configured()) set({ client, outcome: 'accepted' }, tally.counts(client).accepted);
    },
  );
  counter(registry, 'apiban_exporter_edge_refused_total', 'edge calls refused, by client and reason', ['client', 'reason'], (set) => {
    for (const client of clients()) {
      const { refused } = tally.counts(client);
      // An unknown caller can only be forbidden: its other reasons would stay 0 forever.
      for (const reason of client === UNKNOWN_CALLER ? (['forbidden'] as const) : EDGE_REFUSALS)
        set({ client, reason }, refused[reason] ?? 0);
    }
  });
  counter(registry, 'apiban_exporter_edge_expired_total', 'edge bans that ran out, by client', ['client'], (set) => {
    for (const client of configured()) set({ client }, tally.counts(client).expired);
  });
  counter(
    registry,
    'apiban_exporter_edge_removed_total',
    'edge bans their client removed (/removeip, /flushchain), by client',
    ['client'],
    (set) => {
      for (const client of configured()) set({ client }, tally.counts(client).removed);
    },
  );
  const live: Gauge<'client'> = new Gauge({
    name: 'apiban_exporter_edge_live_bans',
    help: 'edge bans live now, by client',
    labelNames: ['client'],
    registers: [registry],
    collect: () => {
      for (const { client, live: count } of feed.clients()) live.labels(client).set(count);
    },
  });
}

/** A counter whose values are the tally's at each scrape (`set` gives each series its running total). */
function counter<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
  read: (set: (labels: Record<L, string>, total: number) => void) => void,
): void {
  const metric: Counter<L> = new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect: () => {
      metric.reset();
      read((labels, total) => metric.inc(labels as Partial<Record<L, string>>, total));
    },
  });
}
