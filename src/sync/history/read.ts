/**
 * Reading the sync history (`history.jsonl` in the state directory). The file is append-only
 * JSON lines; a kill -9 can leave a torn last line (skipped) and, because an event is appended
 * before the set it describes is published (write-ahead), one event whose set never went out.
 * Each event carries the digest of the published set before and after it, so such an event is
 * recognised without any marker: the next event starts from the same set it started from, or,
 * when it is the last one, the published set is still the one it started from. It is dropped,
 * which is what makes the history neither lose nor repeat an address across a crash.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode, errorDetail, StateError } from '../../errors.js';
import type { HistoryEvent } from './event.js';

export const HISTORY_FILE = 'history.jsonl';

export function historyPath(stateDir: string): string {
  return join(stateDir, HISTORY_FILE);
}

/** Parses the file's text; `publishedDigest` is the digest of the set on the air now, when known. */
export function parseHistory(text: string, publishedDigest?: string): HistoryEvent[] {
  const seen = new Set<string>();
  const chain: HistoryEvent[] = [];
  for (const line of text.split('\n')) {
    const event = parseLine(line);
    if (event === undefined || seen.has(event.id)) continue;
    seen.add(event.id);
    const last = chain.at(-1);
    if (last !== undefined && last.after !== event.before && last.before === event.before) chain.pop();
    chain.push(event);
  }
  const last = chain.at(-1);
  if (last !== undefined && publishedDigest !== undefined && last.after !== publishedDigest && last.before === publishedDigest) chain.pop();
  return chain;
}

function parseLine(line: string): HistoryEvent | undefined {
  if (line.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined; // a line torn by a crash mid-append
  }
  const event = value as Partial<HistoryEvent>;
  const strings = [event.id, event.at, event.before, event.after, event.kind].every((v) => typeof v === 'string');
  if (
    !strings ||
    typeof event.ok !== 'boolean' ||
    !Array.isArray(event.added) ||
    typeof event.removed !== 'object' ||
    event.removed === null
  )
    return undefined;
  if (Number.isNaN(Date.parse(event.at as string))) return undefined;
  return event as HistoryEvent;
}

/** The file's text, or '' when there is none yet. */
export async function readHistoryText(stateDir: string): Promise<string> {
  try {
    return await readFile(historyPath(stateDir), 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return '';
    throw new StateError(`cannot read ${historyPath(stateDir)}: ${errorDetail(error)}`, { cause: error });
  }
}

/** Events at or after `sinceMs` (epoch ms), oldest first. */
export function eventsSince(events: readonly HistoryEvent[], sinceMs: number): HistoryEvent[] {
  return events.filter((event) => Date.parse(event.at) >= sinceMs);
}
