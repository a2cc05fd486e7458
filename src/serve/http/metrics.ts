/**
 * Prometheus metrics of the daemon, on a registry of its own (tests start many servers in one
 * process). Labels are bounded: output names come from the configuration, never from a URL, and
 * no label ever carries a key, token or path secret.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { BanSet } from '../../banset/banset.js';
import { RequestCounts, type Tally } from './request-counts.js';

import type { ApibanOutcome } from '../../apiban/client.js';

/** Everything the project defines on /metrics starts with this. */
const PREFIX = 'apiban_exporter_';

export class ServeMetrics {
  readonly registry = new Registry();
  private readonly syncs = new Counter({
    name: 'apiban_exporter_syncs_total',
    help: 'syncs by result',
    labelNames: ['result'],
    registers: [this.registry],
  });
  private readonly apibanRequests = new Counter({
    name: 'apiban_exporter_apiban_requests_total',
    help: 'APIBAN requests by outcome',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  private readonly bans = new Gauge({
    name: 'apiban_exporter_bans',
    help: 'entries in the served set',
    labelNames: ['family'],
    registers: [this.registry],
  });
  private readonly lastSuccess = new Gauge({
    name: 'apiban_exporter_last_successful_sync_timestamp_seconds',
    help: 'when the served set was last synced',
    registers: [this.registry],
  });
  private readonly requestTally = new RequestCounts<'output' | 'code'>();
  private readonly byteTally = new RequestCounts<'output'>();
  private readonly requests: Counter<'output' | 'code'> = new Counter({
    name: 'apiban_exporter_http_requests_total',
    help: 'HTTP requests by output and status code',
    labelNames: ['output', 'code'],
    registers: [this.registry],
    collect: () => this.requestTally.publishTo(this.requests),
  });
  private readonly bytes: Counter<'output'> = new Counter({
    name: 'apiban_exporter_http_response_bytes_total',
    help: 'body bytes sent by output',
    labelNames: ['output'],
    registers: [this.registry],
    collect: () => this.byteTally.publishTo(this.bytes),
  });
  private readonly reloads = new Counter({
    name: 'apiban_exporter_config_reloads_total',
    help: 'SIGHUP reloads by result (error: the running configuration stayed)',
    labelNames: ['result'],
    registers: [this.registry],
  });
  /** Tallies per output, then per code: a request costs two map reads and an addition. */
  private readonly requestTallies = new Map<string, Map<number, Tally>>();
  private readonly byteTallies = new Map<string, Tally>();

  constructor(options: { processMetrics?: boolean | undefined; version?: string | undefined } = {}) {
    if (options.processMetrics ?? true) this.collectProcessMetrics();
    new Gauge({
      name: 'apiban_exporter_build_info',
      help: 'the running release and Node.js version, as labels; the value is always 1',
      labelNames: ['version', 'node'],
      registers: [this.registry],
    })
      .labels(options.version ?? 'unknown', process.version)
      .set(1);
    for (const result of ['ok', 'error']) this.syncs.labels(result).inc(0);
    for (const result of ['ok', 'error']) this.reloads.labels(result).inc(0);
  }

  /**
   * prom-client's process and Node.js metrics, under the project's prefix. Three of them are gauges
   * named `*_total` (the name Prometheus keeps for counters, which `promtool check metrics`
   * flags); they are dropped with the registry's documented removeSingleMetric: each is the sum
   * of a kept gauge by type (`sum(apiban_exporter_nodejs_active_handles)`).
   */
  private collectProcessMetrics(): void {
    collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      this.registry.removeSingleMetric(`${PREFIX}${name}`);
    }
  }

  recordReload(ok: boolean): void {
    this.reloads.labels(ok ? 'ok' : 'error').inc();
  }

  recordSync(ok: boolean): void {
    this.syncs.labels(ok ? 'ok' : 'error').inc();
  }

  recordApibanRequest(outcome: ApibanOutcome): void {
    this.apibanRequests.labels(outcome).inc();
  }

  recordSet(bans: BanSet, syncedAt: Date): void {
    const counts = bans.counts();
    this.bans.labels('v4').set(counts.v4);
    this.bans.labels('v6').set(counts.v6);
    this.lastSuccess.set(syncedAt.getTime() / 1000);
  }

  recordRequest(output: string, code: number, bodyBytes: number): void {
    let codes = this.requestTallies.get(output);
    if (codes === undefined) {
      codes = new Map();
      this.requestTallies.set(output, codes);
    }
    let count = codes.get(code);
    if (count === undefined) {
      count = this.requestTally.open({ output, code: String(code) });
      codes.set(code, count);
    }
    count.value++;
    if (bodyBytes > 0) {
      let bytes = this.byteTallies.get(output);
      if (bytes === undefined) {
        bytes = this.byteTally.open({ output });
        this.byteTallies.set(output, bytes);
      }
      bytes.value += bodyBytes;
    }
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
