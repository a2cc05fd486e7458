/**
 * The edge bans on disk: an append-only JSON-lines journal in the state directory
 * (`edge-bans.jsonl`). Each change is one line, written and fdatasync'ed before the endpoint
 * answers 200, so a kill -9 right after the answer loses nothing. On start the journal is replayed
 * (a torn or corrupt line is skipped and counted, never fatal) and compacted: the live bans are
 * written back as one line each, and the bans that ended within the kept time (sync.history) as one
 * `ended` line each (how and when: `check` and `history` read them), through the atomic replace every
 * state file uses (atomic-file.ts). Only serve writes it, under the state lock its sync service
 * holds; `check` and `history` only read it (readEdgeJournal).
 */
import { type FileHandle, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatPrefix, tryParsePrefix } from '../banset/address.js';
import type { EdgeBanFact } from '../edge/events.js';
import { errorCode, FileWriteError } from '../errors.js';
import { writeFileAtomic } from '../sync/atomic-file.js';
import { EdgeBook, type EdgeBan } from './book.js';

export const JOURNAL_FILE = 'edge-bans.jsonl';

/** The most `ended` lines a compaction keeps (the latest): a month of a busy edge, a few MB. */
const MAX_ENDED = 50_000;

/** How a ban ended: it ran out, or its client removed it (/removeip) or flushed its bans (/flushchain). */
export type EndedHow = 'expired' | 'removed' | 'flushed';

/** A ban that is over: when it began and was last blocked (when known), when it was to end, and when and how it did. */
export interface EndedBan {
  client: string;
  ban: string;
  since?: number | undefined;
  at?: number | undefined;
  until: number;
  ended: number;
  how: EndedHow;
}

/** `at` is when the change was made (epoch ms); journals written before it are read without it. */
export type JournalEntry =
  | { op: 'ban'; client: string; ban: string; until: number; at?: number | undefined; since?: number | undefined }
  | { op: 'unban'; client: string; ban: string; at?: number | undefined }
  | { op: 'flush'; client: string; at?: number | undefined }
  | ({ op: 'ended' } & EndedBan);

export interface Replayed {
  book: EdgeBook;
  /** Bans that ended, oldest end first. */
  ended: EndedBan[];
  /** Each client's latest ban (the block with the latest time). */
  lastBans: Map<string, EdgeBanFact>;
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

  /** Replays, compacts (keeping the bans that ended within `keepEndedMs`) and opens the journal for appending. */
  static async open(stateDir: string, now: number, keepEndedMs: number): Promise<{ journal: EdgeJournal; replayed: Replayed }> {
    const path = join(stateDir, JOURNAL_FILE);
    const replayed = replay(await readJournal(path), now);
    const kept = replayed.ended.filter((ended) => ended.ended >= now - keepEndedMs).slice(-MAX_ENDED);
    const lines = [
      ...kept.map((ended) => line({ op: 'ended', ...ended })),
      ...[...replayed.book.live(now)].map(([client, ban, { until, since, at }]) => line({ op: 'ban', client, ban, until, since, at })),
    ];
    await writeFileAtomic(path, lines.join(''));
    let handle: FileHandle;
    try {
      handle = await open(path, 'a', 0o600);
    } catch (error) {
      throw new FileWriteError(path, error);
    }
    return { journal: new EdgeJournal(handle, path), replayed: { ...replayed, ended: kept } };
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

/** The journal as of `now`, read only (`check`, `history`: serve may be writing it); undefined when there is none. */
export async function readEdgeJournal(stateDir: string, now: number): Promise<Replayed | undefined> {
  const text = await readJournal(join(stateDir, JOURNAL_FILE));
  return text === undefined ? undefined : replay(text, now);
}

function line(entry: JournalEntry): string {
  return `${JSON.stringify(entry)}\n`;
}

async function readJournal(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Applies every well-formed line in order, then ends the bans whose time was up at `now`; a line
 * that is not well formed (a torn tail after a crash) is counted.
 */
export function replay(text: string | undefined, now: number): Replayed {
  const result: Replayed = { book: new EdgeBook(), ended: [], lastBans: new Map(), corrupt: 0 };
  const lines = (text ?? '').split('\n');
  // A complete journal ends in a newline, so the last piece is empty; anything else there is torn.
  lines.forEach((raw, i) => {
    if (raw === '' && i === lines.length - 1) return;
    const entry = parseEntry(raw);
    if (entry === undefined) {
      result.corrupt++;
      result.firstCorruptLine ??= i + 1;
    } else applyEntry(result, entry);
  });
  for (const [client, ban, over] of result.book.expire(now)) result.ended.push(ended(client, ban, over, over.until, 'expired'));
  result.ended.sort((a, b) => a.ended - b.ended);
  return result;
}

function applyEntry(result: Replayed, entry: JournalEntry): void {
  const { book } = result;
  if (entry.op === 'ended') {
    result.ended.push(entry);
    noteLastBan(result, entry.client, entry);
  } else if (entry.op === 'flush') {
    for (const [client, ban, over] of book.flush(entry.client)) endAt(result, client, ban, over, entry.at, 'flushed');
  } else if (entry.op === 'unban') {
    const over = book.unban(entry.client, entry.ban);
    if (over !== undefined) endAt(result, entry.client, entry.ban, over, entry.at, 'removed');
  } else {
    const ranOut = book.ban(entry.client, entry.ban, { until: entry.until, since: entry.since, at: entry.at });
    if (ranOut !== undefined) result.ended.push(ended(entry.client, entry.ban, ranOut, ranOut.until, 'expired'));
    noteLastBan(result, entry.client, entry);
  }
}

/** A ban removed at `at`: removed (or flushed) if it was still live then, else it had run out. */
function endAt(result: Replayed, client: string, ban: string, over: EdgeBan, at: number | undefined, how: EndedHow): void {
  if (at === undefined) return; // a line from before `at` was written: when it ended is not known
  result.ended.push(over.until <= at ? ended(client, ban, over, over.until, 'expired') : ended(client, ban, over, at, how));
}

function ended(client: string, ban: string, over: EdgeBan, at: number, how: EndedHow): EndedBan {
  return { client, ban, since: over.since, at: over.at, until: over.until, ended: at, how };
}

function noteLastBan(result: Replayed, client: string, entry: { ban: string; at?: number | undefined; until: number }): void {
  if (entry.at === undefined) return;
  const last = result.lastBans.get(client);
  if (last === undefined || entry.at >= last.at) result.lastBans.set(client, { ban: entry.ban, at: entry.at, until: entry.until });
}

const ENDED_HOWS: readonly string[] = ['expired', 'removed', 'flushed'] satisfies EndedHow[];

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
  const at = time(entry.at);
  if (at === null) return undefined;
  if (entry.op === 'flush') return { op: 'flush', client: entry.client, at };
  const prefix = typeof entry.ban === 'string' ? tryParsePrefix(entry.ban) : 'not a string';
  if (typeof prefix === 'string') return undefined;
  const ban = formatPrefix(prefix);
  if (entry.op === 'unban') return { op: 'unban', client: entry.client, ban, at };
  const until = time(entry.until);
  const since = time(entry.since);
  if (until === undefined || until === null || since === null) return undefined;
  if (entry.op === 'ban') return { op: 'ban', client: entry.client, ban, until, at, since };
  const end = time(entry.ended);
  if (entry.op !== 'ended' || end === undefined || end === null || !ENDED_HOWS.includes(entry.how as string)) return undefined;
  return { op: 'ended', client: entry.client, ban, since, at, until, ended: end, how: entry.how as EndedHow };
}

/** An optional time field: the number, undefined when absent, null when it is there but not a time. */
function time(value: unknown): number | undefined | null {
  if (value === undefined) return undefined;
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
