/**
 * The one runtime of both daemons: `serve` runs it with its HTTP side, `push --watch` without. It
 * owns the configuration in force, the sync service and its loop, the edge extension, the
 * scheduled pushes and (for serve) the published outputs, and reloads all of them as one. It is
 * built once, by `Runtime.start`; the CLI only parses options and maps signals to it
 * (src/cli/daemon-signals.ts).
 */
import type { LoadedConfig } from '../config/load.js';
import type { DeviceSelector } from '../config/push-schema.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { selectDevices } from '../push/devices.js';
import type { DeviceResult } from '../fleet/device-result.js';
import type { ListenAddress } from '../serve/listener.js';
import { ServeHttp } from '../serve/serve-http.js';
import type { Site } from '../serve/site.js';
import type { SyncFactory } from './sync-placement.js';
import type { PublishedSet } from '../sync/published-set.js';
import type { SyncHooks, SyncService } from '../sync/service.js';
import { effectiveInterval, MIN_SYNC_INTERVAL_MS } from '../sync/sync-loop.js';
import { LoopRecord } from './loop-record.js';
import { changedSyncSections, listenerChanges } from './reload-scope.js';
import { ScheduledPushes } from './scheduled-pushes.js';
import { NO_EXTENSION, type SetExtension, type StartSetExtension } from './set-extension.js';
import { SyncRuns } from './sync-runs.js';

export interface RuntimeOptions {
  loaded: LoadedConfig;
  log: Logger;
  /** Builds the sync service (serve's placement in production; a scripted one in tests). */
  createSync: SyncFactory;
  /** Re-reads the configuration for a reload; throws ConfigError when it is invalid. */
  reloadConfig?: (() => LoadedConfig | Promise<LoadedConfig>) | undefined;
  /** Lower bound of the sync interval; only tests go below MIN_SYNC_INTERVAL_MS. */
  minIntervalMs?: number | undefined;
  /** Bans kept beside the sync service (the edge ingest endpoint, src/ingest); none by default. */
  startExtension?: StartSetExtension | undefined;
  /** serve's HTTP side; without it the runtime syncs and pushes only (`push --watch`). */
  http?: { listen?: string | undefined; processMetrics?: boolean | undefined; version?: string | undefined } | undefined;
  /** The scheduled pushes: which devices (push.schedule.select by default), and who hears their results. */
  push?: {
    select?: DeviceSelector | undefined;
    acceptNewHostKey?: boolean | undefined;
    onResults?: ((results: DeviceResult[]) => void) | undefined;
    /** Push the current set once before the first sync (`push --watch`). */
    atStart?: boolean | undefined;
  };
}

export class Runtime {
  private readonly record = new LoopRecord();
  private readonly pushes: ScheduledPushes;
  private http: ServeHttp | undefined;
  private runs: SyncRuns | undefined;
  private service: SyncService | undefined;
  private extension: SetExtension = NO_EXTENSION;
  private reloadChain: Promise<boolean> = Promise.resolve(true);
  /** A reload waiting for the running one; further SIGHUPs join it. */
  private queuedReload: Promise<boolean> | undefined;

  private constructor(
    private loaded: LoadedConfig,
    private readonly options: RuntimeOptions,
  ) {
    this.pushes = new ScheduledPushes(options.log, () => this.current(), {
      select: options.push?.select,
      acceptNewHostKey: options.push?.acceptNewHostKey,
      onResults: (results) => {
        this.http?.pushed(results);
        options.push?.onResults?.(results);
      },
    });
  }

  static async start(options: RuntimeOptions): Promise<Runtime> {
    const runtime = new Runtime(options.loaded, options);
    await runtime.open();
    return runtime;
  }

  /**
   * In this order: the HTTP side (not yet bound), the sync service (which takes the state
   * directory's lock), the extension (which needs the lock), the bound socket, the scheduled
   * pushes, then the loop. What fails on the way closes what was opened before it.
   */
  private async open(): Promise<void> {
    const { options, loaded } = this;
    const { log } = options;
    if (options.http !== undefined)
      this.http = await ServeHttp.open({
        ...options.http,
        loaded,
        config: () => this.loaded,
        loop: this.record,
        log,
        intervalMs: () => this.intervalMs(),
      });
    const service = await options.createSync(loaded, log, this.hooks());
    try {
      this.extension = await (options.startExtension?.(loaded, log, () => void this.republish()) ?? NO_EXTENSION);
      if (this.extension.feed !== undefined) this.http?.watchEdge(this.extension.feed);
      await this.http?.listen();
    } catch (error) {
      await Promise.all([this.extension.close(), service.close()]);
      throw error;
    }
    this.service = this.extension.wrap(service);
    await this.pushes.apply(loaded);
    if (this.http === undefined) log.info({ component: 'push', intervalMs: this.intervalMs(), devices: this.pushedDevices() }, 'watching');
    if (options.push?.atStart) await this.pushes.pushNow();
    await this.startRuns();
  }

  /** The configuration in force (the last one a reload accepted). */
  get config(): LoadedConfig {
    return this.loaded;
  }

  /** Where serve listens; throws for a runtime without the HTTP side. */
  get address(): ListenAddress & { host: string } {
    if (this.http === undefined) throw new Error('this runtime serves no HTTP');
    return this.http.address;
  }

  /** serve's HTTP side (its served state, read-only); undefined for `push --watch`. */
  get serving(): ServeHttp | undefined {
    return this.http;
  }

  /** The extension's endpoint (edge ingest); undefined when there is none. */
  get extensionAddress(): (ListenAddress & { host: string }) | undefined {
    return this.extension.address;
  }

  /** The last good set, with the extension's bans. */
  current(): PublishedSet | undefined {
    return this.service?.current();
  }

  /** Runs one sync now (tests, and a future admin trigger); waits for a running one instead. */
  syncNow(): Promise<void> {
    return this.runs?.runNow() ?? Promise.resolve();
  }

  /**
   * Re-reads and applies the configuration to the sync service, the outputs and the scheduled
   * pushes; on any error the running configuration stays, the failure goes to the log, /healthz
   * and /metrics, and false is returned. Never throws: a SIGHUP must not be able to end the
   * daemon. Reloads run one at a time; a storm of SIGHUPs while one runs collapses into one more
   * reload, which reads the file as it is then.
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

  /** Stops accepting, lets in-flight responses finish, stops the loop and the pushes, closes the sync service. */
  async shutdown(): Promise<void> {
    await this.reloadChain;
    const closing = this.http?.stopListening();
    await this.runs?.stop();
    await this.pushes.stop();
    await closing;
    await this.extension.close();
    await this.service?.close();
    await this.http?.close();
    this.options.log.info('stopped');
  }

  /**
   * Everything that can fail is built before anything is swapped: the config, the site and (when
   * what the set is built from changed) the new sync service, started while the old one still
   * holds the state lock. Only then are they put in place.
   */
  private async reloadOnce(): Promise<boolean> {
    const { log } = this.options;
    let next: LoadedConfig;
    let site: Site | undefined;
    try {
      next = await (this.options.reloadConfig ?? (() => this.loaded))();
      site = await this.http?.siteFor(next);
    } catch (error) {
      return this.reloadFailed(error, 'invalid configuration');
    }
    const previous = this.loaded;
    const sections = changedSyncSections(next, previous);
    const service = sections.length === 0 ? undefined : await this.startService(next, sections);
    if (service === null) return false;
    try {
      if (site !== undefined) await this.http?.reconfigure(site);
    } catch (error) {
      if (service !== undefined) await this.resumeRunning(service);
      return this.reloadFailed(error, 'the new outputs cannot be served');
    }
    this.loaded = next;
    if (service !== undefined) await this.swapService(service, sections);
    await this.pushes
      .apply(next)
      .catch((error: unknown) => log.error({ err: errorMessage(error) }, 'scheduled pushes could not be rebuilt after the reload'));
    const stale = listenerChanges(previous.config.serve, next.config.serve);
    if (this.http !== undefined && stale.length > 0) log.warn({ sections: stale }, 'these changes take effect after a restart');
    this.record.reloaded({ at: new Date(), ok: true });
    this.http?.reloaded(true);
    log.info({ source: next.source, outputs: this.http?.outputPaths() }, 'configuration reloaded');
    return true;
  }

  /** The new sync service, or null when it cannot start (the running one goes on untouched). */
  private async startService(next: LoadedConfig, sections: string[]): Promise<SyncService | null> {
    await this.runs?.stop();
    try {
      const service = await this.options.createSync(next, this.options.log, this.hooks());
      await this.extension.reconfigure(next);
      return this.extension.wrap(service);
    } catch (error) {
      await this.resumeRunning();
      this.reloadFailed(error, `sync service could not start with the new settings (${sections.join(', ')})`);
      return null;
    }
  }

  /** Back to the service that ran before the reload; `unused` is the new one, closed unused. */
  private async resumeRunning(unused?: SyncService): Promise<void> {
    await unused?.close().catch(() => undefined);
    await this.startRuns();
  }

  private async swapService(service: SyncService, sections: string[]): Promise<void> {
    const old = this.service;
    this.service = service;
    await old
      ?.close()
      .catch((error: unknown) => this.options.log.warn({ err: errorMessage(error) }, 'closing the previous sync service failed'));
    this.options.log.info({ sections }, 'sync settings changed: sync service restarted');
    await this.resumeRunning();
  }

  private reloadFailed(error: unknown, what: string): false {
    const message = `${what}: ${errorMessage(error)}`.split('\n').join('; ');
    this.options.log.error({ err: message }, 'reload failed; keeping the running configuration');
    this.record.reloaded({ at: new Date(), ok: false, error: message });
    this.http?.reloaded(false);
    return false;
  }

  /** A loop over the service in force, which publishes to the outputs and the pushes. */
  private async startRuns(): Promise<void> {
    const service = this.service as SyncService;
    this.runs = new SyncRuns(
      service,
      this.record,
      {
        finished: (report) => this.http?.syncFinished(report),
        published: async (set, changed) => {
          await this.http?.publish(set);
          if (changed) this.pushes.afterSync(set);
        },
      },
      this.options.log,
      () => this.intervalMs(),
    );
    await this.runs.start();
  }

  /**
   * The extension's bans changed: the current set is published again without a sync, and pushed
   * within ingest.pushWithin.
   */
  private async republish(): Promise<void> {
    const set = this.current();
    if (set === undefined) return;
    this.pushes.within(this.loaded.config.ingest.pushWithin);
    await this.http
      ?.publish(set)
      .catch((error: unknown) => this.options.log.warn({ err: errorMessage(error) }, 'republishing with edge bans failed'));
  }

  /** Each APIBAN answer goes to the metrics and, with its time, to the status page. */
  private hooks(): SyncHooks {
    return { onApibanRequest: (outcome) => this.http?.apibanAnswered(outcome) };
  }

  private intervalMs(): number {
    return effectiveInterval(this.loaded.config, this.options.minIntervalMs ?? MIN_SYNC_INTERVAL_MS);
  }

  private pushedDevices(): string[] {
    const { push } = this.loaded.config;
    return selectDevices(push.devices, this.options.push?.select ?? push.schedule.select).map((d) => d.name);
  }
}
