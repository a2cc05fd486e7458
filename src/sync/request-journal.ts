/**
 * The APIBAN request journal of a state directory (`requests.json`), shared by every process that
 * spends the key's budget: serve, sync and push hold the state lock, `check` never takes it (it
 * must work beside a running serve). Each change is a read, edit and atomic write under a short
 * lock of its own (a second abstract socket name, as in lock.ts), so no process overwrites
 * another's entries and no two decide at once that the window has room for them.
 */
import type { Server } from 'node:net';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RequestLog } from '../apiban/pacer.js';
import { errorCode, errorDetail, StateError } from '../errors.js';
import { writeFileAtomic } from './atomic-file.js';
import { answers, listenOn, lockAddress } from './lock.js';
import { readRequestLog, REQUESTS_FILE } from './store.js';

/** A holder keeps the lock for one read and one small write; far longer means something is wrong. */
const GIVE_UP_MS = 30_000;

export function requestJournal(dir: string): RequestLog {
  return {
    update: (change) =>
      withJournalLock(dir, async () => {
        const times = (await readRequestLog(dir)).sort((a, b) => a - b);
        const before = JSON.stringify(times);
        const result = change(times);
        if (JSON.stringify(times) !== before) await writeJournal(dir, times);
        return result;
      }),
  };
}

async function writeJournal(dir: string, times: number[]): Promise<void> {
  const path = join(dir, REQUESTS_FILE);
  try {
    await writeFileAtomic(path, JSON.stringify({ times }));
  } catch (error) {
    throw new StateError(`cannot write ${path}: ${errorDetail(error)}`, { cause: error });
  }
}

async function withJournalLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new StateError(`cannot create ${dir}: ${errorDetail(error)}`, { cause: error });
  }
  const server = await acquire(dir, lockAddress(dir, 'journal'));
  try {
    return await work();
  } finally {
    await new Promise<void>((done) => server.close(() => done()));
    if (process.platform !== 'linux') await rm(lockAddress(dir, 'journal'), { force: true }).catch(() => undefined);
  }
}

/** Binds the name, retrying while another process (or another client in this one) holds it. */
async function acquire(dir: string, address: string): Promise<Server> {
  const deadline = Date.now() + GIVE_UP_MS;
  for (;;) {
    try {
      return await listenOn(address);
    } catch (error) {
      if (errorCode(error) !== 'EADDRINUSE') throw new StateError(`cannot lock the request journal in ${dir}: ${errorDetail(error)}`);
    }
    // A socket file outlives a killed holder (not on Linux, whose abstract names go with it).
    if (process.platform !== 'linux' && !(await answers(address))) await rm(address, { force: true });
    if (Date.now() > deadline) throw new StateError(`the request journal in ${dir} stayed locked for ${GIVE_UP_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 8));
  }
}
