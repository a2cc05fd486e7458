/**
 * The state directory: `state.json` (sync state), `published.json` (the last set that passed the
 * guard), `requests.json` (APIBAN requests, written ahead by every process: request-journal.ts), `sources/<name>.txt` (last good copy of
 * each URL source) and `owner.json` (who holds the lock, see lock.ts). The writer holds the lock; readers (export, check) read without it, which is safe because every file is only
 * ever replaced by an atomic rename. A corrupt file is moved aside as `<name>.corrupt-<time>`
 * and treated as absent, so the next sync rebuilds with a full download.
 */
import { mkdir, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode, errorDetail, StateError, errorMessage } from '../errors.js';
import { isJsonObject } from '../json-object.js';
import type { Logger } from '../log.js';
import { removeTempFiles, writeFileAtomic } from './atomic-file.js';
import { lockStateDir, type StateLock } from './lock.js';
import { decodeSnapshot, encodeSnapshot } from './published-file.js';
import type { PublishedSet } from './published-set.js';
import { decodeState, emptyState, encodeState, type SyncState } from './sync-state.js';

const STATE_FILE = 'state.json';
const PUBLISHED_FILE = 'published.json';
/** The APIBAN request log, written ahead of every request (small, so each write is cheap). */
export const REQUESTS_FILE = 'requests.json';

/** The request journal of a state directory (request-journal.ts changes it); unreadable counts as empty. */
export async function readRequestLog(dir: string): Promise<number[]> {
  const text = await readOptional(join(dir, REQUESTS_FILE)).catch(() => undefined);
  try {
    const parsed: unknown = text === undefined ? undefined : JSON.parse(text);
    const times = isJsonObject(parsed) ? parsed.times : [];
    return Array.isArray(times) ? times.filter((t): t is number => typeof t === 'number' && Number.isFinite(t)) : [];
  } catch {
    return [];
  }
}

export class StateStore {
  private constructor(
    readonly dir: string,
    private readonly log: Logger,
    private lock: StateLock | undefined,
  ) {}

  /**
   * Creates the directory if needed and takes the writer lock (StateError when held), unless
   * `lockHeld`: the caller holds it for this store (serve's event loop, for its sync thread).
   */
  static async open(dir: string, log: Logger, lockHeld = false): Promise<StateStore> {
    try {
      await mkdir(dir, { recursive: true });
    } catch (error) {
      throw new StateError(`cannot create ${dir}: ${errorDetail(error)}`, { cause: error });
    }
    const lock = lockHeld ? undefined : await lockStateDir(dir, log);
    await removeTempFiles(dir);
    return new StateStore(dir, log, lock);
  }

  /** The saved state; a fresh one when there is none or it was corrupt (moved aside). */
  async load(): Promise<SyncState> {
    const text = await readOptional(join(this.dir, STATE_FILE));
    if (text === undefined) return emptyState();
    try {
      const state = decodeState(text);
      if (state.notAddresses !== undefined) {
        const { count, example } = state.notAddresses;
        this.log.warn(
          { component: 'state', file: join(this.dir, STATE_FILE), count, example },
          `state file holds ${count} ${count === 1 ? 'entry that is not an address' : 'entries that are not addresses'}: dropped`,
        );
      }
      return state;
    } catch (error) {
      await this.quarantine(STATE_FILE, errorMessage(error));
      return emptyState();
    }
  }

  async save(state: SyncState): Promise<void> {
    await this.write(STATE_FILE, encodeState(state));
  }

  async loadPublished(): Promise<PublishedSet | undefined> {
    const text = await readOptional(join(this.dir, PUBLISHED_FILE));
    if (text === undefined) return undefined;
    try {
      return decodeSnapshot(text);
    } catch (error) {
      await this.quarantine(PUBLISHED_FILE, errorMessage(error));
      return undefined;
    }
  }

  async savePublished(snapshot: PublishedSet): Promise<void> {
    await this.write(PUBLISHED_FILE, encodeSnapshot(snapshot));
  }

  async writeSourceCache(name: string, text: string): Promise<void> {
    await this.write(join('sources', `${name}.txt`), text);
  }

  async close(): Promise<void> {
    await this.lock?.release();
    this.lock = undefined;
  }

  private async write(name: string, text: string | Uint8Array): Promise<void> {
    try {
      await writeFileAtomic(join(this.dir, name), text);
    } catch (error) {
      throw new StateError(`cannot write ${join(this.dir, name)}: ${errorDetail(error)}`, { cause: error });
    }
  }

  private async quarantine(name: string, problem: string): Promise<void> {
    const aside = `${name}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    this.log.error(
      { component: 'state', file: join(this.dir, name), movedTo: aside, problem },
      'state file is corrupt: moved aside, rebuilding with a full resync',
    );
    try {
      await rename(join(this.dir, name), join(this.dir, aside));
    } catch (error) {
      throw new StateError(`cannot move corrupt ${join(this.dir, name)} aside: ${errorCode(error)}`, { cause: error });
    }
  }
}

/** Reads a state file without the lock (export, check). Corruption is a StateError here: only a writer repairs. */
export async function readStateFile(dir: string): Promise<SyncState | undefined> {
  return decodeOrFail(dir, STATE_FILE, decodeState);
}

export async function readPublishedFile(dir: string): Promise<PublishedSet | undefined> {
  return decodeOrFail(dir, PUBLISHED_FILE, decodeSnapshot);
}

/** How large the saved set and state are on disk (0 when absent): what a sync service starting there will read. */
export async function savedStateBytes(dir: string): Promise<number> {
  const sizes = await Promise.all(
    [STATE_FILE, PUBLISHED_FILE].map((name) =>
      stat(join(dir, name)).then(
        (s) => s.size,
        () => 0,
      ),
    ),
  );
  return sizes[0] + sizes[1];
}

export function readSourceCache(dir: string, name: string): Promise<string | undefined> {
  return readOptional(join(dir, 'sources', `${name}.txt`));
}

async function decodeOrFail<T>(dir: string, name: string, decode: (text: string) => T): Promise<T | undefined> {
  const text = await readOptional(join(dir, name));
  if (text === undefined) return undefined;
  try {
    return decode(text);
  } catch (error) {
    throw new StateError(`${join(dir, name)} is corrupt (${errorMessage(error)}); run \`apiban-exporter sync\` to rebuild it`);
  }
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new StateError(`cannot read ${path}: ${errorDetail(error)}`, { cause: error });
  }
}
