/**
 * The runtime's scheduled pushes (push.schedule: after each changing sync, on a cron, and at least
 * every verifyEvery): built when devices are configured, rebuilt when a reload changes the push or
 * guard settings. Which devices is a parameter (`push --watch`'s command line, else
 * push.schedule.select), never a rewritten configuration.
 */
import { isDeepStrictEqual } from 'node:util';
import type { LoadedConfig } from '../config/load.js';
import type { DeviceSelector } from '../config/push-schema.js';
import type { Logger } from '../log.js';
import type { PushScheduler } from '../push/push-scheduler.js';
import type { DeviceResult } from '../fleet/device-result.js';
import type { PublishedSet } from '../sync/published-set.js';

export interface ScheduledPushOptions {
  /** The devices to push to; push.schedule.select when undefined. */
  select?: DeviceSelector | undefined;
  acceptNewHostKey?: boolean | undefined;
  onResults(results: DeviceResult[]): void;
}

export class ScheduledPushes {
  private scheduler: PushScheduler | undefined;
  private settings?: unknown;
  private soon: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: Logger,
    private readonly current: () => PublishedSet | undefined,
    private readonly options: ScheduledPushOptions,
  ) {}

  /** Builds (or rebuilds, when its settings changed) the scheduler for `loaded`. */
  async apply(loaded: LoadedConfig): Promise<void> {
    const settings = { push: loaded.config.push, guards: loaded.config.guards };
    if (isDeepStrictEqual(settings, this.settings)) return;
    await this.stop();
    this.settings = settings;
    if (loaded.config.push.devices.length === 0) return;
    const { createPushScheduler } = await import('../push/push-scheduler.js');
    const { select, acceptNewHostKey, onResults } = this.options;
    this.scheduler = createPushScheduler(loaded, this.log, { select, acceptNewHostKey, onResults });
    this.scheduler.start(this.current);
  }

  afterSync(set: PublishedSet): void {
    void this.scheduler?.afterSync(set);
  }

  /** Pushes the current set now, if there is one (push --watch at start). */
  async pushNow(): Promise<void> {
    const set = this.current();
    if (set !== undefined) await this.scheduler?.pushNow(set);
  }

  /**
   * Pushes the current set at most `ms` from now: edge bans reach the devices without waiting for
   * a sync, and a burst of them within the window shares one push.
   */
  within(ms: number): void {
    if (this.scheduler === undefined || this.soon !== undefined) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      void this.pushNow();
    }, ms);
  }

  async stop(): Promise<void> {
    clearTimeout(this.soon);
    this.soon = undefined;
    await this.scheduler?.stop();
    this.scheduler = undefined;
  }
}
