/**
 * Test support for the driver tests: a device entry, a context, and `pushOnce`, a minimal
 * stand-in for the push job's order of events (open, read, diff, plan or apply or confirm, close) so each
 * driver is exercised exactly the way src/push/run.ts drives it.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePrefix } from '../../../src/banset/address.js';
import { createBanSet, type BanSet } from '../../../src/banset/banset.js';
import { diffBanSets } from '../../../src/banset/diff.js';
import { silentLogger } from '../../../src/log.js';
import type { DeviceDriver, DeviceEndpoint, DriverContext } from '../../../src/push/driver.js';

export function bans(...entries: string[]): BanSet {
  return createBanSet(entries.map((e) => parsePrefix(e)));
}

export function deviceEndpoint<S>(
  driver: DeviceDriver<S>,
  fields: Omit<Partial<DeviceEndpoint<S>>, 'settings'> & { settings?: unknown },
): DeviceEndpoint<S> {
  return {
    name: 'dev1',
    host: '127.0.0.1',
    credentials: {},
    hostKey: { fingerprints: [] },
    timeoutMs: 5000,
    ...fields,
    settings: driver.settings.parse(fields.settings ?? {}),
  };
}

export function driverContext(timeoutMs = 5000): DriverContext {
  return { log: silentLogger, signal: AbortSignal.timeout(timeoutMs), acceptNewHostKey: false };
}

export interface PushOutcome {
  before: BanSet;
  plan: string[];
  sent: number;
  bytes?: number;
  verified?: string;
}

export async function pushOnce<S>(
  driver: DeviceDriver<S>,
  device: DeviceEndpoint<S>,
  wanted: BanSet,
  options: { dryRun?: boolean; context?: DriverContext } = {},
): Promise<PushOutcome> {
  const session = await driver.open(device, options.context ?? driverContext());
  try {
    const before = await session.read();
    const diff = diffBanSets(before, session.comparable?.(wanted) ?? wanted);
    const plan = session.plan(diff, wanted);
    if (options.dryRun) return { before, plan, sent: 0 };
    if (diff.added.length === 0 && diff.removed.length === 0) {
      return session.confirm === undefined ? { before, plan, sent: 0 } : { before, plan, ...(await session.confirm(wanted)) };
    }
    return { before, plan, ...(await session.apply(diff, wanted)) };
  } finally {
    await session.close();
  }
}

/** A device entry that logs in to a test OpenSSH server with its client key and pinned host key. */
export function sshEndpoint<S>(
  driver: DeviceDriver<S>,
  server: { port: number; fingerprint: string; credentials(): DeviceEndpoint<S>['credentials'] },
  settings: unknown = {},
): DeviceEndpoint<S> {
  return deviceEndpoint(driver, {
    port: server.port,
    credentials: server.credentials(),
    hostKey: { fingerprints: [server.fingerprint] },
    settings,
  });
}

/** Pushes while the test sshd's wrapper sleeps 2 s per command (SLOW_AND_LOGGED), with a 700 ms budget; returns the error. */
export async function pushToSlowDevice<S>(
  serverDir: string,
  driver: DeviceDriver<S>,
  device: DeviceEndpoint<S>,
  wanted: BanSet,
): Promise<unknown> {
  writeFileSync(join(serverDir, 'slow'), '');
  try {
    return await pushOnce(driver, device, wanted, { context: driverContext(700) }).then(
      () => undefined,
      (error: unknown) => error,
    );
  } finally {
    rmSync(join(serverDir, 'slow'));
  }
}
