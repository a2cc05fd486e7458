/**
 * The push job: for every device, the same order of events whatever the driver (napalm's
 * lifecycle): open, read what the device holds, shape the wanted set for it, guard, diff, then
 * print the plan (--dry-run) or apply only the difference, and close. An unchanged device gets
 * no configuration command at all. Devices run with bounded concurrency, each under its own
 * timeout (an AbortSignal the drivers honour); one failing device never stops the others.
 */
import { BanSet } from '../banset/banset.js';
import { diffBanSets, isEmptyDiff } from '../banset/diff.js';
import { checkPublishable, type GuardOverrides, type GuardSettings } from '../banset/guard.js';
import { DeviceChangeError, DeviceError, ExporterError, PublishRefusedError } from '../errors.js';
import type { Logger } from '../log.js';
import { intersectFamilies, shapeBans } from '../writers/render.js';
import type { AnyDeviceDriver, DeviceSession, PushPhase } from './driver.js';
import type { BlockedCounters } from '../fleet/blocked.js';
import type { DeviceOutcome, DeviceResult } from '../fleet/device-result.js';
import type { PushDevice } from './devices.js';

export interface PushOptions {
  log: Logger;
  guards: GuardSettings;
  overrides?: GuardOverrides | undefined;
  dryRun?: boolean | undefined;
  acceptNewHostKey?: boolean | undefined;
  concurrency?: number;
  /** Stops every device (Ctrl-C, serve shutting down). */
  signal?: AbortSignal | undefined;
  onResult?: ((result: DeviceResult, done: number, total: number) => void) | undefined;
  /** Told as each step of a device's job begins (a terminal's progress line). */
  onPhase?: ((device: string, phase: PushPhase) => void) | undefined;
}

export async function pushToDevices(devices: readonly PushDevice[], wanted: BanSet, options: PushOptions): Promise<DeviceResult[]> {
  const results: DeviceResult[] = new Array(devices.length);
  // Devices of one driver and family choice want the same shaped set: aggregate it once, not per device.
  const shaped = new Map<string, BanSet>();
  const shapeOnce = (device: PushDevice): BanSet | Error => {
    const key = `${device.driver.name}/${device.config.families ?? 'both'}`;
    try {
      let set = shaped.get(key);
      if (set === undefined) {
        set = shapeForDevice(device.driver, device.config.families, wanted);
        shaped.set(key, set);
      }
      return set;
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  };
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < devices.length) {
      const index = next++;
      results[index] = await pushToDevice(devices[index], shapeOnce(devices[index]), options);
      options.onResult?.(results[index], ++done, devices.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, devices.length) }, worker));
  return results;
}

/** The wanted set as this device takes it: its writer's families, aggregation and limit, then the device's own families. */
export function shapeForDevice(driver: AnyDeviceDriver, families: 'v4' | 'v6' | 'both' | undefined, wanted: BanSet): BanSet {
  if (driver.writer !== undefined) return shapeBans(driver.writer, wanted, { families });
  const narrowed = intersectFamilies(driver.families, families);
  return narrowed === undefined ? BanSet.EMPTY : wanted.only(narrowed);
}

/** `wanted` is the set already shaped for this device, or the error shaping raised (over the device limit). */
export async function pushToDevice(device: PushDevice, wanted: BanSet | Error, options: PushOptions): Promise<DeviceResult> {
  const started = performance.now();
  const base = { device: device.endpoint.name, driver: device.driver.name, added: 0, removed: 0, sent: 0 };
  const timeout = AbortSignal.timeout(device.endpoint.timeoutMs);
  const signal = options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal]);
  const log = options.log.child({ device: device.endpoint.name });
  const progress: Omit<DeviceResult, 'durationMs' | 'result'> = { ...base };
  try {
    if (wanted instanceof Error) throw wanted;
    const outcome = await untilAborted(signal, device.endpoint.name, runDevice(device, wanted, options, signal, log, progress));
    return { ...progress, ...outcome, durationMs: elapsed(started) };
  } catch (error) {
    const result: DeviceOutcome = error instanceof PublishRefusedError ? 'refused' : 'failed';
    const message =
      error instanceof ExporterError
        ? error.message
        : `[${device.endpoint.name}] internal error: ${error instanceof Error ? error.message : String(error)}`;
    log.error({ error: message }, result === 'refused' ? 'push refused by the guard' : 'push failed');
    const applied = error instanceof DeviceChangeError ? { applied: error.applied, sent: error.applied.length } : {};
    return { ...progress, ...applied, result, error: message, durationMs: elapsed(started) };
  }
}

async function runDevice(
  device: PushDevice,
  wanted: BanSet,
  options: PushOptions,
  signal: AbortSignal,
  log: Logger,
  progress: Omit<DeviceResult, 'durationMs' | 'result'>,
): Promise<Pick<DeviceResult, 'result' | 'plan' | 'sent' | 'bytes' | 'verified' | 'blocked'>> {
  const onPhase = (phase: PushPhase) => options.onPhase?.(device.endpoint.name, phase);
  onPhase('connecting');
  const session: DeviceSession = await device.driver.open(device.endpoint, {
    log,
    signal,
    acceptNewHostKey: options.acceptNewHostKey ?? false,
    onPhase,
  });
  try {
    onPhase('reading');
    const current = await session.read();
    // Compared in the form the device stores, so an unchanged device diffs empty and the guard
    // weighs like against like (nftables: merged intervals on both sides).
    const stored = session.comparable?.(wanted) ?? wanted;
    const diff = diffBanSets(current, stored);
    progress.added = diff.added.length;
    progress.removed = diff.removed.length;
    if (isEmptyDiff(diff))
      return { ...(await confirmUnchanged(session, wanted, options, log, current.size)), ...(await readBlocked(session)) };
    checkPublishable(device.endpoint.name, current.size, stored.size, options.guards, options.overrides);
    if (options.dryRun) return { result: 'planned', plan: session.plan(diff, wanted), sent: 0 };
    onPhase('applying');
    const { sent, bytes, verified } = await session.apply(diff, wanted);
    log.info({ added: diff.added.length, removed: diff.removed.length, sent, bytes }, 'device updated');
    return { result: 'changed', sent, bytes, verified: verified ?? 'read back', ...(await readBlocked(session)) };
  } finally {
    await session.close().catch((error: Error) => log.debug({ error: error.message }, 'close failed'));
  }
}

/** The ban rule's counters, when the driver reads them; absent means "not reported". */
async function readBlocked(session: DeviceSession): Promise<{ blocked?: BlockedCounters }> {
  const blocked = await session.readCounters?.();
  return blocked === undefined ? {} : { blocked };
}

/**
 * An empty diff is only the truth when `read` asked the device. A driver whose read is its own
 * record (iptables-api) proves it on the device; what it had to re-add makes the push `changed`.
 */
async function confirmUnchanged(
  session: DeviceSession,
  wanted: BanSet,
  options: PushOptions,
  log: Logger,
  entries: number,
): Promise<Pick<DeviceResult, 'result' | 'sent' | 'verified'>> {
  if (session.confirm === undefined || options.dryRun) {
    log.info({ entries }, 'device already holds the set');
    return { result: 'unchanged', sent: 0, verified: session.confirm === undefined ? 'read back' : undefined };
  }
  const { sent, verified } = await session.confirm(wanted);
  if (sent === 0) {
    log.info({ entries, verified }, 'device already holds the set');
    return { result: 'unchanged', sent: 0, verified };
  }
  log.warn({ sent, verified }, 'device lacked part of the set its record lists; re-added');
  return { result: 'changed', sent, verified };
}

/** A driver that ignores the signal still cannot hold the job past the device's timeout. */
function untilAborted<T>(signal: AbortSignal, device: string, work: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new DeviceError(device, undefined, 'timed out (per-device timeout) or stopped'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
