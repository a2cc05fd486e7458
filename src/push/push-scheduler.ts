/**
 * Scheduled pushes for `serve` and `push --watch`: after each sync that changed the published
 * set (push.schedule.afterSync), on a cron expression (push.schedule.cron, croner), and at the
 * latest push.schedule.verifyEvery after the last push, push the set to the devices
 * push.schedule.select names. Every push reads what each device holds and sends the difference,
 * so the last one is what holds a device: a set emptied or edited behind the daemon's back is
 * repaired within verifyEvery even when the published set never changes. Pushes never overlap: a
 * request that arrives while one runs is coalesced into one more run with the newest set.
 */
import { Cron } from 'croner';
import type { LoadedConfig } from '../config/load.js';
import type { DeviceSelector } from '../config/push-schema.js';
import type { Logger } from '../log.js';
import type { PublishedSet } from '../sync/published-set.js';
import { resolveDevice, selectDevices } from './devices.js';
import type { DeviceResult } from '../fleet/device-result.js';
import { pushToDevices, type PushOptions } from './run.js';
import { errorMessage } from '../errors.js';

export interface PushScheduler {
  /** Call after every sync that changed the set; pushes unless push.schedule.afterSync is false. */
  afterSync(published: PublishedSet): Promise<DeviceResult[] | undefined>;
  /** Pushes `published` to the scheduled devices now (coalesced with a run in progress). */
  pushNow(published: PublishedSet): Promise<DeviceResult[] | undefined>;
  /** Starts the cron job, if configured, and the verification timer; each pushes what `current()` returns. */
  start(current: () => PublishedSet | undefined): void;
  /** Stops the cron job and the verification timer, aborts a running push and waits for it. */
  stop(): Promise<void>;
  /** Results of the last finished push, for status pages and metrics. */
  readonly last: DeviceResult[] | undefined;
}

export interface PushSchedulerOptions {
  /** The devices to push to; push.schedule.select when undefined. */
  select?: DeviceSelector | undefined;
  env?: NodeJS.ProcessEnv;
  acceptNewHostKey?: boolean | undefined;
  onResults?: ((results: DeviceResult[]) => void) | undefined;
}

export function createPushScheduler(loaded: LoadedConfig, log: Logger, options: PushSchedulerOptions = {}): PushScheduler {
  const { push, guards } = loaded.config;
  const stopping = new AbortController();
  let cron: Cron | undefined;
  let current: (() => PublishedSet | undefined) | undefined;
  let verification: NodeJS.Timeout | undefined;
  let running: Promise<DeviceResult[] | undefined> | undefined;
  let pending: PublishedSet | undefined;
  let last: DeviceResult[] | undefined;

  async function runOnce(published: PublishedSet): Promise<DeviceResult[] | undefined> {
    const devices = await Promise.all(
      selectDevices(push.devices, options.select ?? push.schedule.select).map((d) => resolveDevice(d, options.env ?? process.env)),
    );
    if (devices.length === 0) return undefined;
    const pushOptions: PushOptions = {
      log: log.child({ component: 'push' }),
      guards,
      concurrency: push.concurrency,
      acceptNewHostKey: options.acceptNewHostKey,
      signal: stopping.signal,
    };
    const results = await pushToDevices(devices, published.bans, pushOptions);
    const failed = results.filter((r) => r.result === 'failed' || r.result === 'refused').length;
    log.info({ component: 'push', devices: results.length, failed }, 'scheduled push finished');
    last = results;
    options.onResults?.(results);
    return results;
  }

  async function drain(published: PublishedSet): Promise<DeviceResult[] | undefined> {
    let results: DeviceResult[] | undefined;
    for (let next: PublishedSet | undefined = published; next !== undefined && !stopping.signal.aborted; next = pending) {
      pending = undefined;
      try {
        results = await runOnce(next);
      } catch (error) {
        log.error({ component: 'push', error: errorMessage(error) }, 'scheduled push could not start');
      }
    }
    return results;
  }

  function pushNow(published: PublishedSet): Promise<DeviceResult[] | undefined> {
    if (running !== undefined) {
      pending = published;
      return running;
    }
    clearTimeout(verification);
    running = drain(published).finally(() => {
      running = undefined;
      armVerification();
    });
    return running;
  }

  /** The next push comes at the latest verifyEvery after this one, whatever the set does. */
  function armVerification(): void {
    clearTimeout(verification);
    if (current === undefined || stopping.signal.aborted) return;
    verification = setTimeout(() => {
      const published = current?.();
      if (published === undefined) armVerification();
      else void pushNow(published);
    }, push.schedule.verifyEvery);
  }

  return {
    afterSync: (published) => (push.schedule.afterSync ? pushNow(published) : Promise.resolve(undefined)),
    pushNow,
    start(currentSet) {
      if (current !== undefined) return;
      current = currentSet;
      if (running === undefined) armVerification();
      if (push.schedule.cron === undefined) return;
      cron = new Cron(push.schedule.cron, { protect: true }, () => {
        const published = currentSet();
        if (published !== undefined) void pushNow(published);
      });
    },
    async stop() {
      cron?.stop();
      clearTimeout(verification);
      stopping.abort();
      await running;
    },
    get last() {
      return last;
    },
  };
}
