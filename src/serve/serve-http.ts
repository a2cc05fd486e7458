/**
 * serve's HTTP side: the outputs firewalls poll, /healthz, /metrics, the status page and the
 * mirror, on one listener. The runtime (src/runtime/runtime.ts) builds it, hands it every set it
 * publishes and every fact of its loop, and asks it whether a reloaded configuration's outputs can
 * be served before anything changes. It knows nothing of how sets are made or pushed.
 */
import type { Server } from 'node:http';
import type { ApibanOutcome } from '../apiban/client.js';
import type { LoadedConfig } from '../config/load.js';
import { EdgeTally, type EdgeFeed } from '../edge/events.js';
import type { Logger } from '../log.js';
import type { DeviceResult } from '../fleet/device-result.js';
import type { PublishedSet } from '../sync/published-set.js';
import type { SyncReport } from '../sync/service.js';
import { createRequestHandler } from './handler.js';
import { closeListener, createListener, listen, parseListen, type ListenAddress } from './listener.js';
import { registerEdgeMetrics } from './http/edge-metrics.js';
import { ServeMetrics } from './http/metrics.js';
import { ServedState, type LoopFacts } from './served-state.js';
import { resolveSite, type Site } from './site.js';
import { StatusPage } from './status/page.js';

export interface ServeHttpOptions {
  loaded: LoadedConfig;
  /** The configuration in force, after reloads. */
  config(): LoadedConfig;
  loop: LoopFacts;
  log: Logger;
  /** The sync interval in force (the status page's "next sync"). */
  intervalMs(): number;
  /** `--listen`; defaults to serve.listen. */
  listen?: string | undefined;
  processMetrics?: boolean | undefined;
  /** The release running, for apiban_exporter_build_info. */
  version?: string | undefined;
}

export class ServeHttp {
  private bound?: ListenAddress & { host: string };

  private constructor(
    readonly state: ServedState,
    private readonly metrics: ServeMetrics,
    private readonly status: StatusPage,
    private readonly server: Server,
    private readonly options: ServeHttpOptions,
  ) {}

  /** Everything but the bound socket: the runtime binds once it holds the state directory's lock. */
  static async open(options: ServeHttpOptions): Promise<ServeHttp> {
    const { loaded, log } = options;
    const metrics = new ServeMetrics({ processMetrics: options.processMetrics, version: options.version });
    const state = new ServedState(await resolveSite(loaded), options.loop, log);
    const tls = loaded.config.serve.tls !== undefined;
    let http: ServeHttp | undefined;
    const status = new StatusPage(
      state,
      {
        config: () => options.config().config,
        stateDir: () => options.config().stateDir,
        tls: () => tls,
        listenOrigin: () => http?.origin() ?? `${tls ? 'https' : 'http'}://127.0.0.1:0`,
        intervalMs: options.intervalMs,
        log,
      },
      metrics.registry,
    );
    await status.restoreBlocked();
    const server = createListener(loaded.config.serve, createRequestHandler(state, metrics, log, status), log);
    http = new ServeHttp(state, metrics, status, server, options);
    return http;
  }

  get address(): ListenAddress & { host: string } {
    if (this.bound === undefined) throw new Error('serve is not listening yet');
    return this.bound;
  }

  async listen(): Promise<void> {
    const { loaded, listen: given, log } = this.options;
    this.bound = await listen(this.server, parseListen(given ?? loaded.config.serve.listen));
    log.info(
      {
        host: this.bound.host,
        port: this.bound.port,
        url: `${this.origin()}/`,
        intervalMs: this.options.intervalMs(),
        outputs: this.outputPaths(),
      },
      'listening',
    );
  }

  async publish(set: PublishedSet): Promise<void> {
    await this.state.publish(set);
    this.metrics.recordSet(set.bans, set.syncedAt);
  }

  syncFinished(report: SyncReport): void {
    this.metrics.recordSync(report.ok);
  }

  apibanAnswered(outcome: ApibanOutcome): void {
    this.metrics.recordApibanRequest(outcome);
    this.status.recordApiban(outcome);
  }

  pushed(results: DeviceResult[]): void {
    this.status.recordPush(results);
  }

  /** The edge ingest's feed: its series join /metrics, its clients the status page. */
  watchEdge(feed: EdgeFeed): void {
    const tally = new EdgeTally();
    feed.watch(tally);
    registerEdgeMetrics(this.metrics.registry, feed, tally);
    this.status.watchEdge(feed, tally);
  }

  /** The site a reloaded configuration serves; throws when it cannot be served. */
  siteFor(next: LoadedConfig): Promise<Site> {
    return resolveSite(next);
  }

  /** Serves `site` from now on (its outputs are rendered before the swap). */
  reconfigure(site: Site): Promise<void> {
    return this.state.reconfigure(site);
  }

  reloaded(ok: boolean): void {
    this.metrics.recordReload(ok);
  }

  outputPaths(): string[] {
    return this.state.view.site.outputs.map((o) => o.path);
  }

  /** Stops accepting and lets in-flight responses finish (within serve.timeouts.shutdown). */
  stopListening(): Promise<void> {
    return closeListener(this.server, this.options.config().config.serve.timeouts.shutdown);
  }

  /** Stops the render worker; after stopListening. */
  close(): Promise<void> {
    return this.state.close();
  }

  private origin(): string {
    const scheme = this.options.loaded.config.serve.tls === undefined ? 'http' : 'https';
    const { host = '127.0.0.1', port = 0 } = this.bound ?? {};
    return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }
}
