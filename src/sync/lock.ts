/**
 * One writer per state directory. proper-lockfile's lock directory is atomic and refreshed while
 * held; we add the holder's pid inside it, so a lock left by a process that was killed -9 on this
 * host is taken over at once instead of after the stale period. A second live process fails fast
 * with a StateError naming the holder (a sync is short; waiting would only hide a stuck peer).
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import lockfile from 'proper-lockfile';
import { StateError } from '../errors.js';
import type { Logger } from '../log.js';

export interface StateLock { release(): Promise<void> }

interface LockOwner { pid: number; host: string; since: string }

/** Directories this process holds: the pid check below cannot tell us from ourselves. */
const heldHere = new Set<string>();

export async function lockStateDir(dir: string, log: Logger): Promise<StateLock> {
  const key = resolve(dir);
  if (heldHere.has(key)) throw new StateError(`${dir} is locked by pid ${process.pid} (this process): open the state directory once`);
  heldHere.add(key);
  try {
    const lock = await lockOnce(dir, log);
    return { release: async () => { heldHere.delete(key); await lock.release(); } };
  } catch (error) {
    heldHere.delete(key);
    throw error;
  }
}

async function lockOnce(dir: string, log: Logger): Promise<StateLock> {
  const lockPath = join(dir, 'lock');
  try {
    return await acquire(dir, lockPath, log);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw lockFailure(dir, error);
  }
  const owner = await readOwner(lockPath);
  if (owner === undefined || isAlive(owner)) {
    const who = owner ? `pid ${owner.pid} on ${owner.host} since ${owner.since}` : 'another process';
    throw new StateError(`${dir} is locked by ${who}: another apiban-exporter sync, serve or push is using this state directory`);
  }
  log.warn({ component: 'state', pid: owner.pid }, 'taking over a lock left by a process that no longer runs');
  await rm(lockPath, { recursive: true, force: true });
  try {
    return await acquire(dir, lockPath, log);
  } catch (error) {
    throw lockFailure(dir, error);
  }
}

async function acquire(dir: string, lockPath: string, log: Logger): Promise<StateLock> {
  const release = await lockfile.lock(dir, {
    lockfilePath: lockPath,
    realpath: false,
    stale: 10_000,
    // The default throws from a timer and kills the process; a removed state dir is recreated
    // by the next save, so report it and carry on.
    onCompromised: (error) => log.error({ component: 'state', err: error.message }, 'state directory lock lost'),
  });
  const owner: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  await writeFile(join(lockPath, 'owner'), JSON.stringify(owner));
  return {
    release: async () => {
      try {
        // proper-lockfile removes its directory with rmdir, which needs it empty.
        await rm(join(lockPath, 'owner'), { force: true });
        await release();
      } catch {
        // Already gone (state dir removed, or compromised): nothing left to release.
      }
    },
  };
}

async function readOwner(lockPath: string): Promise<LockOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(join(lockPath, 'owner'), 'utf8')) as LockOwner;
    return Number.isInteger(owner.pid) && typeof owner.host === 'string' ? owner : undefined;
  } catch {
    return undefined;
  }
}

/** Only a holder on this host can be proven dead; our own pid means a previous life (containers reuse pids). */
function isAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true;
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lockFailure(dir: string, error: unknown): StateError {
  const detail = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new StateError(`cannot lock ${dir}: ${detail}`, { cause: error });
}
