/**
 * `serve` as a whole: resolve the site, bind, start the sync loop, reload on demand, shut down
 * cleanly. Signals are wired by the CLI (src/cli/serve.ts); this module stays testable in-process.
 */
import type { Server } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import type { LoadedConfig } from '../config/load.js';
import type { Logger } from '../log.js';
import { createRequestHandler } from './handler.js';
import { closeListener, createListener, listen, parseListen, type ListenAddress } from './listener.js';
import { ServeMetrics, type ApibanOutcome } from './metrics.js';
import { effectiveInterval, MIN_SYNC_INTERVAL_MS, SyncScheduler, type SyncRunner } from './scheduler.js';
import type { ServedSet } from './snapshot.js';
import { resolveSite } from './site.js';
import { ServeState } from './state.js';
import { StatusPage } from './status.js';

export interface SyncHooksLike { onApibanRequest?(outcome: ApibanOutcome): void }

export interface DaemonOptions {
  loaded: LoadedConfig;
  log: Logger;
  /** Builds the sync service (createSyncService in production; a fixed set in tests). */
  createRunner(loaded: LoadedConfig, log: Logger, hooks: SyncHooksLike): Promise<SyncRunner>;
  /** Re-reads the configuration for SIGHUP; throws ConfigError when it is invalid. */
  reloadConfig?: () => LoadedConfig;
  /** `--listen`; defaults to serve.listen. */
  listen?: string;
  /** Lower bound of the sync interval; only tests go below MIN_SYNC_INTERVAL_MS. */
  minIntervalMs?: number;
  processMetrics?: boolean;
  /** Called after each sync that changed the set; `serve` runs the scheduled pushes from here. */
  onSetChanged?: (set: ServedSet) => void;
}

/** Sections the running sync service was built from; a reload that changes them replaces it. */
const SYNC_SECTIONS = ['apiban', 'state', 'sources', 'policy', 'guards', 'sync'] as const;

export class ServeDaemon {
  private constructor(
    readonly address: ListenAddress,
    readonly state: ServeState,
    readonly metrics: ServeMetrics,
    /** The status page (GET /, /status.json); `serve` records push results on it. */
    readonly status: StatusPage,
    private loaded: LoadedConfig,
    private readonly server: Server,
    private runner: SyncRunner,
    private scheduler: SyncScheduler,
    private readonly options: DaemonOptions,
  ) {}

  static async start(options: DaemonOptions): Promise<ServeDaemon> {
    const { loaded, log } = options;
    const metrics = new ServeMetrics({ processMetrics: options.processMetrics });
    const state = new ServeState(resolveSite(loaded), log);
    const holder: { daemon?: ServeDaemon; address?: ListenAddress } = {};
    const current = () => holder.daemon?.loaded ?? loaded;
    const status = new StatusPage(state, {
      config: () => current().config, stateDir: () => current().stateDir, tls: () => loaded.config.serve.tls !== undefined,
      listenOrigin: () => `${loaded.config.serve.tls === undefined ? 'http' : 'https'}://${formatHost(holder.address?.host ?? '127.0.0.1')}:${holder.address?.port ?? 0}`,
      intervalMs: () => effectiveInterval(current().config, options.minIntervalMs ?? MIN_SYNC_INTERVAL_MS), log,
    }, metrics.registry);
    await status.restoreBlocked();
    const server = createListener(loaded.config.serve, createRequestHandler(state, metrics, log, status));
    const runner = await options.createRunner(loaded, log, apibanHook(metrics, status));
    let address: ListenAddress;
    try {
      address = await listen(server, parseListen(options.listen ?? loaded.config.serve.listen));
    } catch (error) {
      await runner.close();
      throw error;
    }
    holder.address = address;
    const scheduler = ServeDaemon.scheduleSyncs(runner, state, metrics, options, current);
    const daemon = new ServeDaemon(address, state, metrics, status, loaded, server, runner, scheduler, options);
    holder.daemon = daemon;
    const scheme = loaded.config.serve.tls === undefined ? 'http' : 'https';
    const intervalMs = effectiveInterval(loaded.config, options.minIntervalMs ?? MIN_SYNC_INTERVAL_MS);
    log.info({ host: address.host, port: address.port, url: `${scheme}://${formatHost(address.host)}:${address.port}/`, intervalMs, outputs: state.view.site.outputs.map((o) => o.path) }, 'listening');
    await scheduler.start();
    return daemon;
  }

  private static scheduleSyncs(
    runner: SyncRunner, state: ServeState, metrics: ServeMetrics, options: DaemonOptions, loaded: () => LoadedConfig,
  ): SyncScheduler {
    const interval = () => effectiveInterval(loaded().config, options.minIntervalMs ?? MIN_SYNC_INTERVAL_MS);
    return new SyncScheduler(runner, state, metrics, options.log, interval, options.onSetChanged);
  }

  /** The configuration in force (the last one a reload accepted). */
  get config(): LoadedConfig {
    return this.loaded;
  }

  /** Runs one sync now (tests, and a future admin trigger); waits for a running one instead. */
  syncNow(): Promise<void> {
    return this.scheduler.runNow();
  }

  /**
   * Re-reads and applies the configuration; on any error the running one stays and false is
   * returned. Outputs and access rules swap in place; a change to what the set is built from
   * (apiban, state, sources, policy, guards) replaces the sync service and syncs at once, so an
   * address added to the allowlist is unblocked by `systemctl reload`, not by the next restart.
   */
  async reload(): Promise<boolean> {
    const { log } = this.options;
    let next: LoadedConfig;
    try {
      next = (this.options.reloadConfig ?? (() => this.loaded))();
      const site = resolveSite(next);
      await this.state.reconfigure(site);
      log.info({ source: next.source, outputs: site.outputs.map((o) => o.path) }, 'configuration reloaded');
    } catch (error) {
      log.error({ err: (error as Error).message }, 'reload failed; keeping the running configuration');
      return false;
    }
    const previous = this.loaded;
    this.loaded = next;
    if (!isDeepStrictEqual(next.config.serve.listen, previous.config.serve.listen) || !isDeepStrictEqual(next.config.serve.tls, previous.config.serve.tls)) {
      log.warn({ sections: ['serve.listen/tls'] }, 'these changes take effect after a restart');
    }
    const changed: string[] = SYNC_SECTIONS.filter((section) => !isDeepStrictEqual(next.config[section], previous.config[section]));
    if (next.stateDir !== previous.stateDir && !changed.includes('state')) changed.push('state');
    return changed.length === 0 || this.replaceSyncService(next, previous, changed);
  }

  /** Stops the loop, closes the sync service (its state lock), and starts both again from `next`. */
  private async replaceSyncService(next: LoadedConfig, previous: LoadedConfig, sections: string[]): Promise<boolean> {
    const { log } = this.options;
    await this.scheduler.stop();
    await this.runner.close();
    const hooks = apibanHook(this.metrics, this.status);
    try {
      this.runner = await this.options.createRunner(next, log, hooks);
      log.info({ sections }, 'sync settings changed: sync service restarted');
    } catch (error) {
      log.error({ err: (error as Error).message, sections }, 'sync service could not start with the new settings; keeping the previous ones');
      this.loaded = previous;
      this.runner = await this.options.createRunner(previous, log, hooks);
    }
    this.scheduler = ServeDaemon.scheduleSyncs(this.runner, this.state, this.metrics, this.options, () => this.loaded);
    await this.scheduler.start();
    return this.loaded === next;
  }

  /** Stops accepting, lets in-flight responses finish, stops the loop and closes the sync service. */
  async shutdown(): Promise<void> {
    const closing = closeListener(this.server, this.loaded.config.serve.timeouts.shutdown);
    await this.scheduler.stop();
    await closing;
    await this.runner.close();
    this.options.log.info('stopped');
  }
}

/** Each APIBAN answer goes to the metrics and, with its time, to the status page. */
function apibanHook(metrics: ServeMetrics, status: StatusPage): SyncHooksLike {
  return {
    onApibanRequest: (outcome: ApibanOutcome) => {
      metrics.recordApibanRequest(outcome);
      status.facts.lastApiban = { at: Date.now(), outcome };
    },
  };
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
