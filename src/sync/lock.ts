/**
 * One writer per state directory, held by the kernel. On Linux the holder binds a unix socket in
 * the abstract namespace (a name derived from the state directory's real path; unix(7) "Abstract
 * sockets"): the name exists exactly as long as a process has it open and the kernel drops it
 * when that process ends for any reason (exit, kill -9, OOM, reboot). So there is nothing to go
 * stale, no refresh timer that could report the lock lost while its holder lives, and no
 * takeover race: "the holder is dead" and "the lock is free" are the same fact. A bind that
 * finds the name taken (EADDRINUSE) therefore always means a live holder, named from the
 * informational owner file it wrote (`owner.json`: pid, command, since); the file is never used
 * to decide anything.
 *
 * Other systems have no abstract namespace: there the holder binds a socket file in the state
 * directory. A file outlives its process, so a taken name is probed with a connection: refused
 * means the holder died and the file is replaced. Two processes replacing the same dead file at
 * the same instant could both win; this fallback accepts that rare race, Linux never has it.
 */
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { errorCode, errorDetail, StateError } from '../errors.js';
import type { Logger } from '../log.js';
import { writeFileAtomic } from './atomic-file.js';

export interface StateLock {
  release(): Promise<void>;
}

export interface LockOwner {
  pid: number;
  command: string;
  since: string;
  host: string;
}

export const OWNER_FILE = 'owner.json';
/** The directory the earlier lock mechanism (proper-lockfile) left behind after a crash. */
const LEGACY_LOCK_DIR = 'lock';
const SOCKET_FILE = 'lock.sock';
const COMMANDS = ['serve', 'sync', 'push', 'export', 'check'];

/**
 * The lock belongs to the process: opens of one directory within it share one socket, released
 * with the last handle. That lets serve's reload start the new sync service before closing the
 * old one, so the lock is held without a gap for the whole life of the daemon.
 */
const heldHere = new Map<string, { lock: Promise<StateLock>; handles: number }>();

export async function lockStateDir(dir: string, log: Logger, command = commandName()): Promise<StateLock> {
  const key = resolve(dir);
  let held = heldHere.get(key);
  if (held === undefined) {
    held = { lock: bindLock(dir).then((server) => announce(dir, server, command, log)), handles: 0 };
    heldHere.set(key, held);
    held.lock.catch(() => heldHere.delete(key));
  }
  const entry = held;
  const lock = await entry.lock;
  entry.handles++;
  let released = false;
  return {
    release: async () => {
      if (released) return;
      released = true;
      if (--entry.handles > 0) return;
      heldHere.delete(key);
      await lock.release();
    },
  };
}

/** Writes the owner file and clears what a dead holder left; the lock is already ours here. */
async function announce(dir: string, server: Server, command: string, log: Logger): Promise<StateLock> {
  const owner: LockOwner = { pid: process.pid, command, since: new Date().toISOString(), host: hostname() };
  try {
    await rm(join(dir, LEGACY_LOCK_DIR), { recursive: true, force: true });
    await writeFileAtomic(join(dir, OWNER_FILE), `${JSON.stringify(owner)}\n`);
  } catch (error) {
    server.close();
    throw lockFailure(dir, error);
  }
  log.debug({ component: 'state', dir }, 'state directory locked');
  return {
    release: async () => {
      // Only our own owner file is removed: after a release, a successor may already have written its own.
      const current = await readOwner(dir);
      if (current?.pid === owner.pid && current.since === owner.since)
        await rm(join(dir, OWNER_FILE), { force: true }).catch(() => undefined);
      await new Promise<void>((done) => server.close(() => done()));
      if (process.platform !== 'linux') await rm(join(dir, SOCKET_FILE), { force: true }).catch(() => undefined);
    },
  };
}

async function bindLock(dir: string): Promise<Server> {
  const path = lockAddress(dir);
  try {
    return await listenOn(path);
  } catch (error) {
    if (errorCode(error) !== 'EADDRINUSE') throw lockFailure(dir, error);
  }
  if (process.platform !== 'linux' && !(await answers(path))) {
    await rm(path, { force: true });
    try {
      return await listenOn(path);
    } catch (error) {
      if (errorCode(error) !== 'EADDRINUSE') throw lockFailure(dir, error);
    }
  }
  throw new StateError(
    `${dir} is locked by ${describeOwner(await readOwner(dir))}: another apiban-exporter sync, serve or push is using this state directory`,
  );
}

/**
 * The abstract name hashes the real path, so two spellings of one directory share one lock.
 * `journal` names the short lock around each change of the request journal (request-journal.ts).
 */
export function lockAddress(dir: string, purpose: 'state' | 'journal' = 'state'): string {
  if (process.platform !== 'linux') return join(dir, purpose === 'journal' ? 'requests.sock' : SOCKET_FILE);
  const digest = createHash('sha256').update(realpathSync(dir)).digest('hex');
  return `\0apiban-exporter-${purpose === 'journal' ? 'journal-' : ''}${digest}`;
}

export function listenOn(path: string): Promise<Server> {
  return new Promise((resolveServer, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen({ path, exclusive: true }, () => {
      server.off('error', reject);
      // The lock must never keep a finished command alive.
      server.unref();
      resolveServer(server);
    });
  });
}

export function answers(path: string): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ path });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code !== 'ECONNREFUSED' && error.code !== 'ENOENT'));
  });
}

export async function readOwner(dir: string): Promise<LockOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(join(dir, OWNER_FILE), 'utf8')) as LockOwner;
    return Number.isInteger(owner.pid) && typeof owner.command === 'string' && typeof owner.since === 'string' ? owner : undefined;
  } catch {
    return undefined;
  }
}

/** The owner file is written just after the bind: a holder caught in between is "starting". */
function describeOwner(owner: LockOwner | undefined): string {
  if (owner === undefined) return 'another process (starting)';
  const host = owner.host !== undefined && owner.host !== hostname() ? ` on ${owner.host}` : '';
  return `pid ${owner.pid} (${owner.command})${host} since ${owner.since}`;
}

/** Which command holds the lock, for the refusal another command prints. */
function commandName(): string {
  return process.argv.slice(2).find((arg) => COMMANDS.includes(arg)) ?? 'apiban-exporter';
}

function lockFailure(dir: string, error: unknown): StateError {
  const detail = errorDetail(error);
  return new StateError(`cannot lock ${dir}: ${detail}`, { cause: error });
}
