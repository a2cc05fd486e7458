/**
 * `serve` as a whole: resolve the site, bind, start the sync loop, reload on demand, shut down
 * cleanly. Signals are wired by the CLI (src/cli/serve.ts); this module stays testable in-process.
 */
import type { Server } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import type { LoadedConfig } from '../config/load.js';
import type { ServeConfig } from '../config/serve-schema.js';
import type { Logger } from '../log.js';
import { createRequestHandler } from './handler.js';
import { closeListener, createListener, listen, parseListen, type ListenAddress } from './listener.js';
import type { ApibanOutcome } from '../apiban/client.js';
import { ServeMetrics } from './metrics.js';
import { effectiveInterval, MIN_SYNC_INTERVAL_MS } from '../sync/sync-loop.js';
import { SyncScheduler, type SyncRunner } from './sync-scheduler.js';
import type { PublishedSet } from '../sync/published-set.js';
import { resolveSite, type Site } from './site.js';
import { ServeState } from './served-view.js';
import { StatusPage } from './status.js';
import { errorMessage } from '../errors.js';
import { NO_EXTENSION, type SetExtension, type StartSetExtension } from './set-extension.js';

export interface SyncHooksLike {
  onApibanRequest?(outcome: ApibanOutcome): void;
}

export interface DaemonOptions {
  loaded: LoadedConfig;
  log: Logger;
  /** Builds the sync service (createSyncService in production; a fixed set in tests). */
  createRunner(loaded: LoadedConfig, log: Logger, hooks: SyncHooksLike): Promise<SyncRunner>;
  /** Re-reads the configuration for SIGHUP; throws ConfigError when it is invalid. */
  reloadConfig?: () => LoadedConfig | Promise<LoadedConfig>;
  /** `--listen`; defaults to serve.listen. */
  listen?: string | undefined;
  /** Lower bound of the sync interval; only tests go below MIN_SYNC_INTERVAL_MS. */
  minIntervalMs?: number | undefined;
  processMetrics?: boolean | undefined;
  /** The release running, for apiban_exporter_build_info. */
  version?: string | undefined;
  /** Called after each sync that changed the set; `serve` runs the scheduled pushes from here. */
  onSetChanged?: (set: PublishedSet) => void;
  /** Bans kept beside the sync service (the edge ingest endpoint, src/ingest); none by default. */
  startExtension?: StartSetExtension | undefined;
}

/**
 * Sections that only shape what is served or pushed: everything else (apiban, state, sources,
 * policy, guards, sync and any section added later) is what the set is built from, so a change
 * there restarts the sync service. Listing the few exceptions instead of the many dependencies
 * means a new section can never be silently ignored by a reload.
 */
const SERVE_ONLY_SECTIONS = new Set(['serve', 'push', 'outputs']);

export function changedSyncSections(next: LoadedConfig, previous: LoadedConfig): string[] {
  const sections = new Set([...Object.keys(next.config), ...Object.keys(previous.config)]);
  const changed = [...sections].filter(
    (section) =>
      !SERVE_ONLY_SECTIONS.has(section) &&
      !isDeepStrictEqual((next.config as Record<string, unknown>)[section], (previous.config as Record<string, unknown>)[section]),
  );
  if (next.stateDir !== previous.stateDir && !changed.includes('state')) changed.push('state');
  return changed;
}

/** Settings the listening socket was made with (src/serve/listener.ts); the shutdown grace is read when it is needed. */
const LISTENER_SETTINGS: Record<string, (serve: ServeConfig) => unknown> = {
  listen: (serve) => serve.listen,
  tls: (serve) => serve.tls,
  timeouts: (serve) => ({ ...serve.timeouts, shutdown: undefined }),
  maxRequestsPerSocket: (serve) => serve.maxRequestsPerSocket,
};

function listenerChanges(previous: ServeConfig, next: ServeConfig): string[] {
  return Object.entries(LISTENER_SETTINGS)
    .filter(([, read]) => !isDeepStrictEqual(read(previous), read(next)))
    .map(([name]) => `serve.${name}`);
}

export class ServeDaemon {
  private constructor(
    readonly address: ListenAddress & { host: string },
    readonly state: ServeState,
    readonly metrics: ServeMetrics,
    /** The status page (GET /, /status.json); `serve` records push results on it. */
    readonly status: StatusPage,
    private loaded: LoadedConfig,
    readonly server: Server,
    private runner: SyncRunner,
    private scheduler: SyncScheduler,
    private readonly options: DaemonOptions,
  ) {}

  private reloadChain: Promise<boolean> = Promise.resolve(true);
  /** A reload waiting for the running one; further SIGHUPs join it. */
  private queuedReload: Promise<boolean> | undefined;

  static async start(options: DaemonOptions): Promise<ServeDaemon> {
    const { loaded, log } = options;
    const metrics = new ServeMetrics({ processMetrics: options.processMetrics, version: options.version });
    const state = new ServeState(resolveSite(loaded), log);
    const holder: { daemon?: ServeDaemon; address?: ListenAddress } = {};
    const current = () => holder.daemon?.loaded ?? loaded;
    const status = new StatusPage(
      state,
      {
        config: () => current().config,
        stateDir: () => current().stateDir,
        tls: () => loaded.config.serve.tls !== undefined,
        listenOrigin: () =>
          `${loaded.config.serve.tls === undefined ? 'http' : 'https'}://${formatHost(holder.address?.host ?? '127.0.0.1')}:${holder.address?.port ?? 0}`,
        intervalMs: () => effectiveInterval(current().config, options.minIntervalMs ?? MIN_SYNC_INTERVAL_MS),
        log,
      },
      metrics.registry,
    );
    await status.restoreBlocked();
    const server = createListener(loaded.config.serve, createRequestHandler(state, metrics, log, status), log);
    const synced = await options.createRunner(loaded, log, apibanHook(metrics, status));
    let address: ListenAddress & { host: string };
    let edge: SetExtension | undefined;
    try {
      // Opened once the sync service holds the state lock; its bans ride the service's sets.
      edge = await (options.startExtension?.(loaded, log, () => void holder.daemon?.republish()) ?? NO_EXTENSION);
      address = await listen(server, parseListen(options.listen ?? loaded.config.serve.listen));
    } catch (error) {
      await Promise.all([edge?.close(), synced.close()]);
      throw error;
    }
    const runner = edge.wrap(synced);
    options = { ...options, createRunner: edge.factory(options.createRunner) };
    holder.address = address;
    const scheduler = ServeDaemon.scheduleSyncs(runner, state, metrics, options, current);
    const daemon = new ServeDaemon(address, state, metrics, status, loaded, server, runner, scheduler, options);
    holder.daemon = daemon;
    daemon.edge = edge;
    const scheme = loaded.config.serve.tls === undefined ? 'http' : 'https';
    const intervalMs = effectiveInterval(loaded.config, options.minIntervalMs ?? MIN_SYNC_INTERVAL_MS);
    log.info(
      {
        host: address.host,
        port: address.port,
        url: `${scheme}://${formatHost(address.host)}:${address.port}/`,
        intervalMs,
        outputs: state.view.site.outputs.map((o) => o.path),
      },
      'listening',
    );
    await scheduler.start();
    return daemon;
  }

  private static scheduleSyncs(
    runner: SyncRunner,
    state: ServeState,
    metrics: ServeMetrics,
    options: DaemonOptions,
    loaded: () => LoadedConfig,
  ): SyncScheduler {
    const interval = () => effectiveInterval(loaded().config, options.minIntervalMs ?? MIN_SYNC_INTERVAL_MS);
    return new SyncScheduler(runner, state, metrics, options.log, interval, options.onSetChanged);
  }

  /** The extension's endpoint (edge ingest); its `address` is undefined when there is none. */
  edge: SetExtension | undefined;

  /** Publishes the current set again without a sync: the extension's bans in it changed. */
  async republish(): Promise<void> {
    const set = this.runner.current();
    if (set === undefined) return;
    await this.state
      .publish(set)
      .then(() => this.metrics.recordSet(set.bans, set.syncedAt))
      .catch((error: unknown) => this.options.log.warn({ err: errorMessage(error) }, 'republishing with edge bans failed'));
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
   * Re-reads and applies the configuration; on any error the running one stays, the failure goes
   * to the log, /healthz and /metrics, and false is returned. Never throws: a SIGHUP must not be
   * able to end the daemon. Reloads run one at a time; a storm of SIGHUPs while one runs
   * collapses into one more reload, which reads the file as it is then.
   */
  reload(): Promise<boolean> {
    if (this.queuedReload !== undefined) return this.queuedReload;
    const run = this.reloadChain.then(() => {
      this.queuedReload = undefined;
      return this.reloadOnce().catch((error: unknown) => this.reloadFailed(error, 'internal error'));
    });
    this.queuedReload = run;
    this.reloadChain = run;
    return run;
  }

  /**
   * Everything that can fail is built before anything is swapped: the config, the site and (when
   * what the set is built from changed) the new sync service, started while the old one still
   * holds the state lock. Only then are they put in place.
   */
  private async reloadOnce(): Promise<boolean> {
    const { log } = this.options;
    let next: LoadedConfig;
    let site: Site;
    try {
      next = await (this.options.reloadConfig ?? (() => this.loaded))();
      site = resolveSite(next);
    } catch (error) {
      return this.reloadFailed(error, 'invalid configuration');
    }
    const previous = this.loaded;
    const sections = changedSyncSections(next, previous);
    const runner = sections.length === 0 ? undefined : await this.startRunner(next, sections);
    if (runner === null) return false;
    try {
      await this.state.reconfigure(site);
    } catch (error) {
      if (runner !== undefined) await this.resumeRunning(runner);
      return this.reloadFailed(error, 'the new outputs cannot be served');
    }
    this.loaded = next;
    if (runner !== undefined) await this.swapRunner(runner, sections);
    const stale = listenerChanges(previous.config.serve, next.config.serve);
    if (stale.length > 0) log.warn({ sections: stale }, 'these changes take effect after a restart');
    this.state.lastReload = { at: new Date(), ok: true };
    this.metrics.recordReload(true);
    log.info({ source: next.source, outputs: site.outputs.map((o) => o.path) }, 'configuration reloaded');
    return true;
  }

  /** The new sync service, or null when it cannot start (the running one goes on untouched). */
  private async startRunner(next: LoadedConfig, sections: string[]): Promise<SyncRunner | null> {
    await this.scheduler.stop();
    try {
      return await this.options.createRunner(next, this.options.log, this.hooks());
    } catch (error) {
      await this.resumeRunning();
      this.reloadFailed(error, `sync service could not start with the new settings (${sections.join(', ')})`);
      return null;
    }
  }

  /** Back to the service that ran before the reload; `unused` is the new one, closed unused. */
  private async resumeRunning(unused?: SyncRunner): Promise<void> {
    await unused?.close().catch(() => undefined);
    this.scheduler = ServeDaemon.scheduleSyncs(this.runner, this.state, this.metrics, this.options, () => this.loaded);
    await this.scheduler.start();
  }

  private async swapRunner(runner: SyncRunner, sections: string[]): Promise<void> {
    const old = this.runner;
    this.runner = runner;
    await old
      .close()
      .catch((error: unknown) => this.options.log.warn({ err: errorMessage(error) }, 'closing the previous sync service failed'));
    this.options.log.info({ sections }, 'sync settings changed: sync service restarted');
    await this.resumeRunning();
  }

  private reloadFailed(error: unknown, what: string): false {
    const message = `${what}: ${errorMessage(error)}`.split('\n').join('; ');
    this.options.log.error({ err: message }, 'reload failed; keeping the running configuration');
    this.state.lastReload = { at: new Date(), ok: false, error: message };
    this.metrics.recordReload(false);
    return false;
  }

  private hooks(): SyncHooksLike {
    return apibanHook(this.metrics, this.status);
  }

  /** Stops accepting, lets in-flight responses finish, stops the loop and closes the sync service. */
  async shutdown(): Promise<void> {
    await this.reloadChain;
    const closing = closeListener(this.server, this.loaded.config.serve.timeouts.shutdown);
    await this.scheduler.stop();
    await closing;
    await this.edge?.close();
    await this.runner.close();
    await this.state.close();
    this.options.log.info('stopped');
  }
}

/** Each APIBAN answer goes to the metrics and, with its time, to the status page. */
function apibanHook(metrics: ServeMetrics, status: StatusPage): SyncHooksLike {
  return {
    onApibanRequest: (outcome: ApibanOutcome) => {
      metrics.recordApibanRequest(outcome);
      status.recordApiban(outcome);
    },
  };
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
