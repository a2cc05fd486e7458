/**
 * The edge bans on disk: an append-only JSON-lines journal in the state directory
 * (`edge-bans.jsonl`). Each change is one line, written and fdatasync'ed before the endpoint
 * answers 200, so a kill -9 right after the answer loses nothing. On start the journal is replayed
 * (a torn or corrupt line is skipped and counted, never fatal) and compacted: the live bans are
 * written back as one line each through the atomic replace every state file uses (atomic-file.ts).
 * Only serve writes it, under the state lock its sync service holds.
 */
import { type FileHandle, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatPrefix, tryParsePrefix } from '../banset/address.js';
import { errorCode, FileWriteError } from '../errors.js';
import { writeFileAtomic } from '../sync/atomic-file.js';
import { EdgeBook } from './book.js';

export const JOURNAL_FILE = 'edge-bans.jsonl';

export type JournalEntry =
  | { op: 'ban'; client: string; ban: string; until: number }
  | { op: 'unban'; client: string; ban: string }
  | { op: 'flush'; client: string };

export interface Replayed {
  book: EdgeBook;
  /** Lines skipped as torn or corrupt, with the first one's number for the report. */
  corrupt: number;
  firstCorruptLine?: number | undefined;
}

export class EdgeJournal {
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
  ) {}

  /** Replays, compacts and opens the journal for appending. */
  static async open(stateDir: string, now: number): Promise<{ journal: EdgeJournal; replayed: Replayed }> {
    const path = join(stateDir, JOURNAL_FILE);
    const replayed = replay(await readJournal(path));
    replayed.book.expire(now);
    const lines = [...replayed.book.live(now)].map(([client, ban, { until }]) => line({ op: 'ban', client, ban, until }));
    await writeFileAtomic(path, lines.join(''));
    let handle: FileHandle;
    try {
      handle = await open(path, 'a', 0o600);
    } catch (error) {
      throw new FileWriteError(path, error);
    }
    return { journal: new EdgeJournal(handle, path), replayed };
  }

  /** Appends the entries and syncs them to disk; resolves only once they are durable. */
  append(...entries: JournalEntry[]): Promise<void> {
    const text = entries.map(line).join('');
    const run = this.queue.then(async () => {
      try {
        await this.handle.write(text);
        await this.handle.datasync();
      } catch (error) {
        throw new FileWriteError(this.path, error);
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.queue;
    await this.handle.close();
  }
}

function line(entry: JournalEntry): string {
  return `${JSON.stringify(entry)}\n`;
}

async function readJournal(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return '';
    throw error;
  }
}

/** Applies every well-formed line in order; a line that is not (a torn tail after a crash) is counted. */
export function replay(text: string): Replayed {
  const book = new EdgeBook();
  const result: Replayed = { book, corrupt: 0 };
  const lines = text.split('\n');
  // A complete journal ends in a newline, so the last piece is empty; anything else there is torn.
  lines.forEach((raw, i) => {
    if (raw === '' && i === lines.length - 1) return;
    const entry = parseEntry(raw);
    if (entry === undefined) {
      result.corrupt++;
      result.firstCorruptLine ??= i + 1;
    } else applyEntry(book, entry);
  });
  return result;
}

function applyEntry(book: EdgeBook, entry: JournalEntry): void {
  if (entry.op === 'flush') book.flush(entry.client);
  else if (entry.op === 'unban') book.unban(entry.client, entry.ban);
  else book.ban(entry.client, entry.ban, { until: entry.until });
}

function parseEntry(raw: string): JournalEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const entry = value as Record<string, unknown>;
  if (typeof entry.client !== 'string' || entry.client === '') return undefined;
  if (entry.op === 'flush') return { op: 'flush', client: entry.client };
  const prefix = typeof entry.ban === 'string' ? tryParsePrefix(entry.ban) : 'not a string';
  if (typeof prefix === 'string') return undefined;
  const ban = formatPrefix(prefix);
  if (entry.op === 'unban') return { op: 'unban', client: entry.client, ban };
  if (entry.op === 'ban' && typeof entry.until === 'number' && Number.isFinite(entry.until))
    return { op: 'ban', client: entry.client, ban, until: entry.until };
  return undefined;
}
