/**
 * The iptables-api driver's ledger: what the daemon acknowledged (`entries`) and what a push was
 * about to change when it stopped (`pending`). The daemon cannot list its chain, so the ledger is
 * written before every batch of calls, as intent: an address whose call may have reached the
 * daemon (a timeout, a crash, a lost answer) stays in `pending` until a later push has either
 * removed it or proved it present, so nothing the driver ever sent is forgotten.
 */
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DeviceError, errorCode, errorMessage } from '../../errors.js';
import type { Logger } from '../../log.js';
import { writeFileAtomic } from '../../sync/atomic-file.js';

export interface Ledger {
  version: 2;
  endpoint: string;
  /** Addresses the daemon acknowledged (and the last check found present). */
  entries: string[];
  /** Addresses a push was adding or removing when it stopped: on the daemon or not. */
  pending: string[];
  /** When every entry was last proved present (ISO time); a full check is due after fullCheckEvery. */
  fullCheckAt?: string | undefined;
}

interface Where {
  device: string;
  path: string;
  endpoint: string;
  log: Logger;
}

/** The ledger, or undefined when there is none we can trust (the chain's content is unknown). */
export function loadLedger(where: Where): Ledger | undefined {
  let ledger: Omit<Partial<Ledger>, 'version'> & { version?: number };
  try {
    ledger = JSON.parse(readFileSync(where.path, 'utf8')) as Partial<Ledger>;
  } catch (error) {
    const code = errorCode(error);
    if (code !== 'ENOENT')
      where.log.warn(
        { device: where.device, ledger: where.path },
        `ledger unreadable (${code ?? 'not JSON'}); the chain's content is unknown`,
      );
    return undefined;
  }
  const strings = (value: unknown): value is string[] => Array.isArray(value) && value.every((e) => typeof e === 'string');
  // Version 1 had no `pending` (it was written after the calls, which lost addresses on a timeout).
  if ((ledger.version !== 1 && ledger.version !== 2) || !strings(ledger.entries) || (ledger.version === 2 && !strings(ledger.pending))) {
    where.log.warn({ device: where.device, ledger: where.path }, "ledger has an unknown shape; the chain's content is unknown");
    return undefined;
  }
  if (ledger.endpoint !== where.endpoint) {
    where.log.info({ device: where.device, ledger: where.path }, "ledger was written for another endpoint; the chain's content is unknown");
    return undefined;
  }
  return { version: 2, endpoint: where.endpoint, entries: ledger.entries, pending: ledger.pending ?? [], fullCheckAt: ledger.fullCheckAt };
}

/** The project's one atomic write (synced, then renamed): a crash never leaves half a ledger. */
export async function saveLedger(where: Where, ledger: Omit<Ledger, 'version' | 'endpoint'>): Promise<void> {
  const content: Ledger = { version: 2, endpoint: where.endpoint, ...ledger };
  try {
    await mkdir(dirname(where.path), { recursive: true });
    await writeFileAtomic(where.path, `${JSON.stringify(content)}\n`);
  } catch (error) {
    throw new DeviceError(where.device, undefined, `cannot write the ledger ${where.path}: ${errorMessage(error)}`, { cause: error });
  }
}
