/**
 * The writer of the sync history: one JSON line per finished sync, appended and fsynced before
 * the set it describes is published (history-read.ts explains how a line whose set never went
 * out is recognised). Kept for `sync.history` and bounded in bytes: when the file outgrows
 * MAX_BYTES, or its oldest event is well past the retention, it is rewritten atomically with
 * the newest events that fit in half the budget, so compaction runs rarely, not on every sync.
 */
import { open } from 'node:fs/promises';
import type { BanSet } from '../../banset/banset.js';
import type { Logger } from '../../log.js';
import { writeFileAtomic } from '../atomic-file.js';
import { changeEvent, failureEvent, setDigest, type HistoryEvent, type SyncKind } from './event.js';
import { historyPath, parseHistory, readHistoryText } from './read.js';
import { errorMessage } from '../../errors.js';

/** 30 days of 5-minute syncs with a few addresses each are ~4 MB; full resyncs list up to MAX_LISTED. */
export const MAX_BYTES = 32 * 1024 * 1024;

export interface HistoryLimits {
  retentionMs: number;
  maxBytes?: number;
}

export class SyncHistory {
  private bytes = 0;
  private oldest: number | undefined;

  private readonly path: string;

  private constructor(
    private readonly stateDir: string,
    private readonly limits: HistoryLimits,
    private readonly log: Logger,
  ) {
    this.path = historyPath(stateDir);
  }

  /** Opens (under the state lock) and compacts what a crash or an old retention left behind. */
  static async open(
    stateDir: string,
    limits: HistoryLimits,
    log: Logger,
    published: BanSet | undefined,
    now: number,
  ): Promise<SyncHistory> {
    const history = new SyncHistory(stateDir, limits, log);
    const text = await readHistoryText(stateDir);
    const events = parseHistory(text, published === undefined ? undefined : setDigest(published));
    history.bytes = Buffer.byteLength(text);
    history.oldest = events.length === 0 ? undefined : Date.parse(events[0].at);
    const clean = events.map((e) => `${JSON.stringify(e)}\n`).join('');
    if (clean !== text || history.needsCompaction(now)) await history.compact(events, now);
    return history;
  }

  /** Appends the event of a sync that is about to publish `after`. A history that cannot be written never fails the sync. */
  async recordSuccess(before: BanSet, after: BanSet, kind: SyncKind, stillListed: (prefix: string) => boolean, now: number): Promise<void> {
    await this.append(changeEvent({ now, kind, before, after, stillListed }), now);
  }

  async recordFailure(current: BanSet, kind: SyncKind, error: string, now: number): Promise<void> {
    await this.append(failureEvent(now, kind, current, error), now);
  }

  private async append(event: HistoryEvent, now: number): Promise<void> {
    try {
      await this.appendLine(`${JSON.stringify(event)}\n`);
      this.oldest ??= now;
      if (this.needsCompaction(now)) await this.compact(parseHistory(await readHistoryText(this.stateDir)), now);
    } catch (error) {
      this.log.error(
        { component: 'history', file: this.path, err: errorMessage(error) },
        'cannot write the sync history; the sync goes on',
      );
    }
  }

  /** A torn last line (kill -9 mid-write) gets its newline first, so the new line stands alone. */
  private async appendLine(line: string): Promise<void> {
    const file = await open(this.path, 'a+', 0o600);
    try {
      const { size } = await file.stat();
      let text = line;
      if (size > 0) {
        const last = Buffer.alloc(1);
        await file.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) text = `\n${line}`;
      }
      await file.appendFile(text, 'utf8');
      await file.sync();
      this.bytes = size + Buffer.byteLength(text);
    } finally {
      await file.close();
    }
  }

  private needsCompaction(now: number): boolean {
    // A tenth of the retention as slack: with 5-minute syncs the oldest line ages out on every sync.
    const stale = this.oldest !== undefined && this.oldest < now - this.limits.retentionMs * 1.1;
    return stale || this.bytes > (this.limits.maxBytes ?? MAX_BYTES);
  }

  private async compact(events: HistoryEvent[], now: number): Promise<void> {
    const budget = (this.limits.maxBytes ?? MAX_BYTES) / 2;
    const kept: string[] = [];
    let bytes = 0;
    for (let i = events.length - 1; i >= 0 && Date.parse(events[i].at) >= now - this.limits.retentionMs; i--) {
      const line = `${JSON.stringify(events[i])}\n`;
      if (bytes + Buffer.byteLength(line) > budget) break;
      kept.push(line);
      bytes += Buffer.byteLength(line);
    }
    kept.reverse();
    await writeFileAtomic(this.path, kept.join(''));
    this.bytes = bytes;
    this.oldest = kept.length === 0 ? undefined : Date.parse(events[events.length - kept.length].at);
  }
}
